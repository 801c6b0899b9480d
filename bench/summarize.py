#!/usr/bin/env python3
"""Turn bench/run.sh's runs.jsonl into the results table and the goal checks.

    summarize.py RESULTS_DIR          (reads runs.jsonl, logs/; writes summary.md, summary.json)

Definitions (also in BENCHMARKS.md):
- MB = 10^6 bytes of input files (the files' sizes on disk); MB/s = MB / median wall s.
- Mwords/s = framescope's corpus `words` (every word the tokenizer emits,
  stopwords included; what the issue calls tokens/s) / median wall s, the same
  count for both programs, so it is a throughput of the same input.
- wall: whole process (start-up, reading, counting, analysis, writing), as
  /usr/bin/time measures it; median of the runs, (min-max) beside it.
- CPU s: user + sys of the process and its children (median). MB/CPU-s =
  MB / CPU s: for a 1-thread run, what MB/s would be without competition
  for the cores (on a busy machine wall time grows, CPU time barely does).
- RSS: peak resident set (max over the runs) of the process; for baseline
  runs with workers > 1 the summed RSS of the whole process tree (sampled).
- x vs py: baseline median wall / framescope median wall at the same
  parallelism (1 thread vs 1 process, 2 threads vs 2 processes).
- busy: max over the runs of the CPU other processes used meanwhile, in
  cores; >= 0.3 means the machine was not quiet and the row is slower than
  it should be (marked with !).
"""

from __future__ import annotations

import glob
import json
import os
import re
import statistics
import sys

GOALS_TEXT = "issue 'Performance' goals"
BUSY_LIMIT = 0.3


def median_minmax(xs):
    return statistics.median(xs), min(xs), max(xs)


def stage_timings(results_dir, name):
    """Median per-stage seconds from framescope --timings logs."""
    per_stage = {}
    for log in sorted(glob.glob(os.path.join(results_dir, "logs", name + "_r*.log"))):
        with open(log, errors="replace") as f:
            for m in re.finditer(r"^timing: (.+?)\s+([\d.]+) s$", f.read(), re.M):
                per_stage.setdefault(m.group(1).strip(), []).append(float(m.group(2)))
    return {k: statistics.median(v) for k, v in per_stage.items()}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    results_dir = sys.argv[1]
    runs = []
    with open(os.path.join(results_dir, "runs.jsonl")) as f:
        runs = [json.loads(line) for line in f if line.strip()]
    meta = {}
    meta_path = os.path.join(results_dir, "corpora.json")
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)

    groups = {}
    for r in runs:
        if r.get("exit", 0) != 0:
            continue
        key = (r["corpus"], r["size"], r["program"], int(r["par"]))
        groups.setdefault(key, []).append(r)

    rows = []
    for (corpus, size, program, par), rs in groups.items():
        walls = [r["wall_s"] for r in rs]
        med, lo, hi = median_minmax(walls)
        cpu = statistics.median(r["user_s"] + r["sys_s"] for r in rs)
        rss = max(max(r["max_rss_kib"], r.get("tree_rss_kib", 0)) for r in rs) / 1024
        info = meta.get(f"{corpus}{size}", {})
        mb = info.get("bytes", 0) / 1e6
        words = info.get("words", 0)
        rows.append(
            {
                "corpus": corpus,
                "size": size,
                "program": program,
                "par": par,
                "runs": len(rs),
                "wall": med,
                "min": lo,
                "max": hi,
                "cpu": cpu,
                "mb": mb,
                "mbps": mb / med if med else 0,
                "mwps": words / med / 1e6 if med and words else 0,
                "rss": rss,
                "busy": max(r.get("other_cores", 0) for r in rs),
                "stages": stage_timings(results_dir, f"fs_{corpus}{size}_t{par}") if program == "framescope" else {},
            }
        )
    order = {"bbc": 0, "gutenberg": 1}
    programs = {"framescope": 0, "baseline": 1, "wc -w": 2}
    rows.sort(
        key=lambda r: (order.get(r["corpus"], 9), r["corpus"], int(r["size"].lstrip("x")), programs.get(r["program"], 9), r["par"])
    )
    index = {(r["corpus"], r["size"], r["program"], r["par"]): r for r in rows}

    out = []
    out.append(
        "| corpus | program | par | runs | wall s median (min–max) | CPU s | MB/s | MB/CPU-s | Mwords/s | peak RSS MiB | × vs py | busy |"
    )
    out.append("|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        base = index.get((r["corpus"], r["size"], "baseline", r["par"]))
        ratio = f"{base['wall'] / r['wall']:.1f}×" if r["program"] == "framescope" and base else ""
        unit = "thr" if r["program"] == "framescope" else "proc"
        if r["program"] == "wc -w":
            unit = ""
        flag = " !" if r["busy"] >= BUSY_LIMIT else ""
        out.append(
            f"| {r['corpus']} {r['size']} ({r['mb']:.1f} MB) | {r['program']} | {r['par']} {unit} | {r['runs']} "
            f"| {r['wall']:.2f} ({r['min']:.2f}–{r['max']:.2f}) | {r['cpu']:.2f} | {r['mbps']:.1f} "
            f"| {r['mb'] / r['cpu'] if r['cpu'] else 0:.1f} | {r['mwps']:.2f} "
            f"| {r['rss']:.0f} | {ratio} | {r['busy']:.2f}{flag} |"
        )

    # Stage breakdown of framescope (median of --timings).
    stage_lines = []
    for r in rows:
        if r["program"] == "framescope" and r["stages"]:
            parts = ", ".join(f"{k} {v:.2f}" for k, v in r["stages"].items())
            stage_lines.append(f"- {r['corpus']} {r['size']}, {r['par']} thread(s): {parts} (s)")

    # Scaling and goals.
    checks = []

    def get(corpus, size, program, par):
        return index.get((corpus, size, program, par))

    def goal(name, ok, detail):
        checks.append((name, ok, detail))

    g = get("gutenberg", "x10", "framescope", 2)
    if g:
        goal("Gutenberg x10, 2 threads >= 100 MB/s", g["mbps"] >= 100, f"{g['mbps']:.1f} MB/s")
        worst = max(r["rss"] for r in rows if r["corpus"] == "gutenberg" and r["size"] == "x10" and r["program"] == "framescope")
        goal("peak RSS <= 300 MiB on Gutenberg x10", worst <= 300, f"{worst:.0f} MiB (max over thread counts)")
    b = get("bbc", "x10", "framescope", 2)
    if b:
        goal("BBC x10, 2 threads >= 80 MB/s", b["mbps"] >= 80, f"{b['mbps']:.1f} MB/s")
    for corpus in ("bbc", "gutenberg"):
        one, two = get(corpus, "x10", "framescope", 1), get(corpus, "x10", "framescope", 2)
        if one and two:
            s = one["wall"] / two["wall"]
            goal(f"{corpus} x10: 1->2 threads >= 1.8x", s >= 1.8, f"{s:.2f}x ({one['wall']:.2f} s -> {two['wall']:.2f} s)")
        for par in (1, 2):
            x1, x10 = get(corpus, "x1", "framescope", par), get(corpus, "x10", "framescope", par)
            if x1 and x10:
                t = x10["wall"] / x1["wall"]
                goal(f"{corpus}, {par} thread(s): x10 time <= 11x x1", t <= 11, f"{t:.2f}x ({x1['wall']:.2f} s -> {x10['wall']:.2f} s)")
                m = x10["rss"] / x1["rss"]
                goal(f"{corpus}, {par} thread(s): x10 peak RSS <= 1.3x x1", m <= 1.3, f"{m:.2f}x ({x1['rss']:.0f} -> {x10['rss']:.0f} MiB)")

    lines = ["## Results", ""] + out + [""]
    if stage_lines:
        lines += ["framescope stages (median of `--timings`):", ""] + stage_lines + [""]
    if checks:
        lines += [f"## Goals ({GOALS_TEXT})", ""]
        lines += [f"- {'MET ' if ok else 'MISSED'}  {name}: {detail}" for name, ok, detail in checks]
        lines.append("")
    busy = [r for r in rows if r["busy"] >= BUSY_LIMIT]
    if busy:
        lines.append(
            f"! {len(busy)} row(s) ran while other processes used >= {BUSY_LIMIT} cores: their times are inflated; "
            "rerun on a quiet machine (bench/run.sh --wait-idle)."
        )
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(results_dir, "summary.md"), "w") as f:
        f.write(text)
    with open(os.path.join(results_dir, "summary.json"), "w") as f:
        json.dump({"rows": rows, "goals": [{"goal": n, "met": ok, "value": d} for n, ok, d in checks]}, f, indent=1)


if __name__ == "__main__":
    main()
