#!/usr/bin/env python3
"""Run one command under GNU time and record what it cost.

    measure.py --out runs.jsonl --tag k=v ... -- CMD ARGS...

Appends one JSON line to --out with the tags and:
- wall_s, user_s, sys_s, max_rss_kib: from `/usr/bin/time -v` (wall clock,
  CPU time of the process and its children, and the peak resident set of the
  largest single process, which is all GNU time can report);
- tree_rss_kib (with --tree): peak of the summed RSS of the process and all
  its descendants, sampled every 50 ms from /proc (for multiprocessing runs
  the real footprint is the sum of the workers, not the largest one; the
  /usr/bin/time wrapper itself adds about 2 MiB);
- other_cores: CPU time used by *other* processes during the run, in cores
  (machine busy time from /proc/stat minus this run's user+sys, over the wall
  time). Near 0 on a quiet machine; a run with other_cores >= 0.3 was slowed
  by something else and is flagged by summarize.py;
- exit: the command's exit status.
stdout and stderr of the command go to --log (default: discarded).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

TICK = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def busy_jiffies():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal ...
    return sum(fields[:8]) - fields[3] - fields[4]


def tree_rss_kib(root):
    """Summed RSS of `root` and its descendants (via /proc/PID/task/*/children)."""
    total, todo = 0, [root]
    try:
        while todo:
            pid = todo.pop()
            try:
                with open(f"/proc/{pid}/statm") as f:
                    total += int(f.read().split()[1]) * PAGE_KIB
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children") as f:
                        todo += [int(c) for c in f.read().split()]
            except (FileNotFoundError, ProcessLookupError):
                continue
        return total
    except PermissionError:
        return tree_rss_scan(root)


def tree_rss_scan(root):
    children = {}
    rss = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        rest = stat[stat.rfind(")") + 2 :].split()
        ppid = int(rest[1])
        children.setdefault(ppid, []).append(int(pid))
        rss[int(pid)] = int(rest[21]) * PAGE_KIB
    total, todo = 0, [root]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--log", default=os.devnull)
    ap.add_argument("--tag", action="append", default=[], help="key=value recorded with the run")
    ap.add_argument("--tree", action="store_true", help="sample the summed RSS of the process tree (every 50 ms)")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        sys.exit("measure.py: no command")
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf, open(args.log, "w") as log:
        busy0 = busy_jiffies()
        proc = subprocess.Popen(["/usr/bin/time", "-v", "-o", tf.name, *cmd], stdout=log, stderr=log)
        peak = [0]

        def sample():
            while proc.poll() is None:
                peak[0] = max(peak[0], tree_rss_kib(proc.pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        if args.tree:
            sampler.start()
        code = proc.wait()
        if args.tree:
            sampler.join()
        busy1 = busy_jiffies()
        report = tf.read()
    values = dict(re.findall(r"^\s*(.+?): (.+)$", report, re.M))
    wall = values.get("Elapsed (wall clock) time (h:mm:ss or m:ss)", "0:0")
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    user = float(values.get("User time (seconds)", 0))
    system = float(values.get("System time (seconds)", 0))
    other = ((busy1 - busy0) / TICK - user - system) / seconds if seconds else 0.0
    code_reported = re.search(r"Command exited with non-zero status (\d+)", report)
    record = dict(t.split("=", 1) for t in args.tag)
    record.update(
        {
            "wall_s": seconds,
            "user_s": user,
            "sys_s": system,
            "max_rss_kib": int(values.get("Maximum resident set size (kbytes)", 0)),
            "tree_rss_kib": peak[0],
            "other_cores": round(max(other, 0.0), 3),
            "exit": int(code_reported.group(1)) if code_reported else code,
        }
    )
    with open(args.out, "a") as f:
        f.write(json.dumps(record) + "\n")
    sys.exit(record["exit"])


if __name__ == "__main__":
    main()
