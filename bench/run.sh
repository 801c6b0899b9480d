#!/usr/bin/env bash
# framescope benchmark: framescope (1 and 2 threads) vs a Python baseline
# (bench/baseline.py, 1 and 2 processes) on the BBC and Gutenberg corpora,
# x1 and x10, side by side, with a correctness cross-check and regression
# anchors. See bench/README.md and BENCHMARKS.md.
#
#   bench/run.sh [--runs N] [--baseline-runs N] [--quick] [--sizes "x1 x10"]
#                [--corpora "bbc gutenberg"] [--threads "1 2"] [--workers "1 2"]
#                [--no-baseline] [--no-build] [--wait-idle] [--workdir DIR]
#
# Everything it makes goes to the work folder (default /tmp/framescope-bench):
# corpora/{bbc,gutenberg}{x1,x10} (real copies, made once), out/ (reports),
# results/<date>/ (runs.jsonl, logs/, checks.txt, summary.md). Nothing is
# written into the repository. Exit status: 0 = all checks passed, 1 = a
# cross-check or regression anchor failed or a run failed, 2 = bad usage or
# missing tools.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$REPO/bench"
WORK=${FRAMESCOPE_BENCH_DIR:-/tmp/framescope-bench}
SHARED=${FRAMESCOPE_CORPORA:-$REPO/../shared/corpora}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/tmp/bench-target}
RUNS=3
BASE_RUNS=
SIZES="x1 x10"
CORPORA="bbc gutenberg"
THREADS="1 2"
WORKERS="1 2"
BASELINE=1
BUILD=1
WAIT_IDLE=0
PY=${PYTHON:-python3}

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --baseline-runs) BASE_RUNS=$2; shift 2 ;;
    --quick) RUNS=1; shift ;;
    --sizes) SIZES=$2; shift 2 ;;
    --corpora) CORPORA=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --no-baseline) BASELINE=0; shift ;;
    --no-build) BUILD=0; shift ;;
    --wait-idle) WAIT_IDLE=1; shift ;;
    --workdir) WORK=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "run.sh: unknown option $1" >&2; usage ;;
  esac
done
BASE_RUNS=${BASE_RUNS:-$RUNS}

say() { printf '\n== %s\n' "$*"; }

# --- tools -------------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
  # GNU time measures wall time, CPU time and peak RSS of the whole process.
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get install -y time >/dev/null || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
  else
    echo "run.sh: /usr/bin/time (GNU time) is missing: install the 'time' package" >&2; exit 2
  fi
fi
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "run.sh: Python >= 3.11 needed (tomllib); set PYTHON=..." >&2; exit 2; }
if [ "$BASELINE" = 1 ] && ! "$PY" -c 'import Stemmer, numpy' 2>/dev/null; then
  echo "run.sh: installing the baseline's packages: pip install PyStemmer numpy"
  "$PY" -m pip install --quiet PyStemmer numpy \
    || { echo "run.sh: pip install PyStemmer numpy failed; install them and rerun" >&2; exit 2; }
fi

# --- build -------------------------------------------------------------------
BIN="$CARGO_TARGET_DIR/release/framescope"
if [ "$BUILD" = 1 ]; then
  say "building framescope (release, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
  (cd "$REPO" && cargo build --release --quiet)
fi
[ -x "$BIN" ] || { echo "run.sh: no binary at $BIN" >&2; exit 2; }

# --- corpora: x1 = copy, xN = each file copied N times as r0_..r{N-1}_<name> --
say "corpora in $WORK/corpora (from $SHARED)"
mkdir -p "$WORK/corpora" "$WORK/out"
"$PY" - "$SHARED" "$WORK/corpora" "$CORPORA" "$SIZES" <<'EOF'
import json, os, shutil, sys
shared, dest, corpora, sizes = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4].split()
names = {"bbc": "bbc-news", "gutenberg": "gutenberg-novels"}
for c in corpora:
    src = os.path.join(shared, names[c])
    if not os.path.isdir(src):
        sys.exit(f"run.sh: corpus folder {src} not found (set FRAMESCOPE_CORPORA)")
    files = sorted(
        os.path.relpath(os.path.join(r, n), src)
        for r, ds, ns in os.walk(src) for n in ns if not n.startswith(".")
    )
    size1 = sum(os.path.getsize(os.path.join(src, f)) for f in files)
    for s in sizes:
        k = int(s.lstrip("x"))
        out = os.path.join(dest, f"{c}{s}")
        stamp = os.path.join(out, ".stamp")
        want = {"files": len(files) * k, "bytes": size1 * k, "source": src}
        if os.path.exists(stamp) and json.load(open(stamp)) == want:
            print(f"  {c}{s}: {want['files']} files, {want['bytes'] / 1e6:.1f} MB (kept)")
            continue
        shutil.rmtree(out, ignore_errors=True)
        for f in files:
            d, n = os.path.split(f)
            os.makedirs(os.path.join(out, d), exist_ok=True)
            for r in range(k):
                name = n if k == 1 else f"r{r}_{n}"
                shutil.copyfile(os.path.join(src, f), os.path.join(out, d, name))
        json.dump(want, open(stamp, "w"))  # framescope ignores names starting with '.'
        print(f"  {c}{s}: {want['files']} files, {want['bytes'] / 1e6:.1f} MB (made)")
EOF

# --- results folder ----------------------------------------------------------
RES="$WORK/results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RES/logs"
RUNS_FILE="$RES/runs.jsonl"
CHECKS="$RES/checks.txt"
: > "$CHECKS"
FAILED=0
{
  echo "date: $(date -Is)"
  echo "git: $(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$REPO" && git diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || echo ' + uncommitted changes in src/')"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel: $(uname -r)"
  echo "binary: $BIN, built $(date -Is -r "$BIN")$([ "$BUILD" = 1 ] || echo ' (--no-build: the git line above may be newer than the binary)')"
  echo "rustc: $(rustc --version 2>/dev/null || echo '?')"
  echo "python: $("$PY" -c 'import sys, numpy, Stemmer; print(sys.version.split()[0], "numpy", numpy.__version__)' 2>/dev/null) PyStemmer $("$PY" -m pip show PyStemmer 2>/dev/null | awk '/^Version/ {print $2}')"
  echo "options: runs=$RUNS baseline-runs=$BASE_RUNS sizes='$SIZES' corpora='$CORPORA' threads='$THREADS' workers='$WORKERS'"
} | tee "$RES/machine.txt"

# Waits (at most IDLE_MAX s, default 300) until other processes use < 0.3
# cores, if --wait-idle.
wait_idle() {
  [ "$WAIT_IDLE" = 1 ] || return 0
  local waited=0
  while [ $waited -lt "${IDLE_MAX:-300}" ]; do
    local a b
    a=$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat); sleep 1
    b=$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat)
    [ $(( (b - a) * 100 / $(getconf CLK_TCK) )) -lt 30 ] && return 0
    waited=$((waited + 1))
  done
  echo "  (machine still busy after ${IDLE_MAX:-300} s; measuring anyway)"
}

measure() { # tags... -- command
  wait_idle
  "$PY" "$BENCH/measure.py" --out "$RUNS_FILE" "$@"
}

check() { # description, command...
  local what=$1; shift
  echo "-- $what" >> "$CHECKS"
  if "$@" >> "$CHECKS" 2>&1; then echo "  check ok: $what"; else echo "  CHECK FAILED: $what (see $CHECKS)"; FAILED=1; fi
}

# --- runs --------------------------------------------------------------------
# framescope runs with --no-cache: each run does the whole pipeline (with the
# cache, every run after the first would reuse the tokenized corpus, and the
# x10 sets' identical copies would be prepared once). bench/rerun.sh measures
# the cache.
for c in $CORPORA; do
  for s in $SIZES; do
    input="$WORK/corpora/$c$s"
    scale=${s#x}
    say "$c $s: warming the page cache"
    find "$input" -type f -exec cat {} + > /dev/null
    # Reference point from the issue's table: wc -w over the same files.
    for r in $(seq 1 "$RUNS"); do
      measure --log "$RES/logs/wc_$c${s}_r$r.log" \
        --tag corpus=$c --tag size=$s --tag program="wc -w" --tag par=1 --tag run=$r -- \
        find "$input" -type f ! -name '.*' -exec wc -w {} +
    done
    for t in $THREADS; do
      out="$WORK/out/fs_$c${s}_t$t"
      for r in $(seq 1 "$RUNS"); do
        echo "  framescope $c$s --threads $t run $r/$RUNS"
        measure --log "$RES/logs/fs_$c${s}_t${t}_r$r.log" \
          --tag corpus=$c --tag size=$s --tag program=framescope --tag par=$t --tag run=$r -- \
          "$BIN" --config "$REPO/config.toml" --input "$input" --output "$out" --threads "$t" --quiet --timings --no-cache \
          || { echo "  framescope failed (see $RES/logs/fs_$c${s}_t${t}_r$r.log)"; FAILED=1; }
      done
      check "regression anchors: framescope $c$s, $t thread(s)" \
        "$PY" "$BENCH/compare.py" --report "$out/report.json" --corpus "$c" --scale "$scale"
    done
    first=$(set -- $THREADS; echo "$1")
    for t in $THREADS; do
      [ "$t" = "$first" ] && continue
      check "report.json identical for $first and $t threads ($c$s)" \
        cmp "$WORK/out/fs_$c${s}_t$first/report.json" "$WORK/out/fs_$c${s}_t$t/report.json"
    done
    if [ "$BASELINE" = 1 ]; then
      for w in $WORKERS; do
        tree=(); [ "$w" -gt 1 ] && tree=(--tree)
        for r in $(seq 1 "$BASE_RUNS"); do
          echo "  baseline   $c$s --workers $w run $r/$BASE_RUNS"
          measure "${tree[@]}" --log "$RES/logs/py_$c${s}_w${w}_r$r.log" \
            --tag corpus=$c --tag size=$s --tag program=baseline --tag par=$w --tag run=$r -- \
            "$PY" "$BENCH/baseline.py" --config "$REPO/config.toml" --input "$input" --workers "$w" \
            --out "$WORK/out/py_$c${s}_w$w.json" \
            || { echo "  baseline failed (see $RES/logs/py_$c${s}_w${w}_r$r.log)"; FAILED=1; }
        done
        check "cross-check: framescope vs baseline ($c$s, baseline $w process(es))" \
          "$PY" "$BENCH/compare.py" --report "$WORK/out/fs_$c${s}_t$first/report.json" \
          --baseline "$WORK/out/py_$c${s}_w$w.json"
      done
    fi
  done
done

# Sizes and word counts of the sets, for MB/s and words/s.
"$PY" - "$WORK" "$RES" "$CORPORA" "$SIZES" "$(set -- $THREADS; echo "$1")" <<'EOF'
import json, os, sys
work, res, corpora, sizes, t = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4].split(), sys.argv[5]
meta = {}
for c in corpora:
    for s in sizes:
        stamp = json.load(open(os.path.join(work, "corpora", f"{c}{s}", ".stamp")))
        rep = os.path.join(work, "out", f"fs_{c}{s}_t{t}", "report.json")
        words = json.load(open(rep))["corpus"]["words"] if os.path.exists(rep) else 0
        meta[f"{c}{s}"] = {"bytes": stamp["bytes"], "files": stamp["files"], "words": words}
json.dump(meta, open(os.path.join(res, "corpora.json"), "w"), indent=1)
EOF

say "summary ($RES)"
"$PY" "$BENCH/summarize.py" "$RES"
echo "checks: $CHECKS"
if [ "$FAILED" = 1 ]; then
  echo "run.sh: FAILED (a run, cross-check or regression anchor failed; see above and $CHECKS)" >&2
  exit 1
fi
echo "run.sh: all checks passed"
