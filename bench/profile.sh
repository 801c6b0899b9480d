#!/usr/bin/env bash
# Where framescope's time goes: a sampling profile of one benchmark set.
#
#   bench/profile.sh [bbc|gutenberg] [x1|x10] [THREADS]     (default: bbc x1 1)
#
# Needs the sets made by bench/run.sh (in /tmp/framescope-bench/corpora) and
# the release binary (built with debug = "line-tables-only", so frames and
# inlined functions have names). Uses `perf record --call-graph dwarf` and
# prints (1) framescope's own --timings, (2) the top functions by self time,
# (3) framescope functions by inclusive time (self + callees). Without perf it
# falls back to valgrind --tool=callgrind (about 50x slower: use bbc x1).
# Output files go to /tmp/framescope-bench/profile/.
set -eu  # (no pipefail: `perf report | head` closes the pipe on purpose)
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${FRAMESCOPE_BENCH_DIR:-/tmp/framescope-bench}
BIN=${CARGO_TARGET_DIR:-/tmp/bench-target}/release/framescope
CORPUS=${1:-bbc}; SIZE=${2:-x1}; THREADS=${3:-1}
INPUT="$WORK/corpora/$CORPUS$SIZE"
OUT="$WORK/profile"
mkdir -p "$OUT"
[ -d "$INPUT" ] || { echo "profile.sh: $INPUT missing: run bench/run.sh --quick --sizes $SIZE first" >&2; exit 2; }
[ -x "$BIN" ] || { echo "profile.sh: $BIN missing: build with CARGO_TARGET_DIR=... cargo build --release" >&2; exit 2; }
ARGS=(--config "$REPO/config.toml" --input "$INPUT" --output "$OUT/out" --threads "$THREADS" --quiet --no-cache)

echo "== framescope --timings ($CORPUS $SIZE, $THREADS thread(s))"
"$BIN" "${ARGS[@]}" --timings 2>&1 >/dev/null | grep '^timing:' || true

TAG="$CORPUS${SIZE}_t$THREADS"
# Samples per second: fewer on x10 sets so the dwarf stacks stay ~100 MB.
FREQ=${PROFILE_FREQ:-$([ "$SIZE" = x1 ] && echo 499 || echo 97)}
if command -v perf >/dev/null && perf record -q -o /dev/null true 2>/dev/null; then
  DATA="$OUT/perf-$TAG.data"
  perf record -q -F "$FREQ" --call-graph dwarf,16384 -o "$DATA" "$BIN" "${ARGS[@]}" >/dev/null 2>&1
  echo
  echo "== top 25 functions by self time (perf, % of all samples)"
  perf report -i "$DATA" --no-children --sort symbol --stdio -g none 2>/dev/null \
    | grep -E '^ +[0-9.]+%' | head -25 | sed -E 's/ +- +- *$//; s/\[\.\] //; s/\[k\] /(kernel) /' | cut -c1-150
  echo
  echo "== framescope functions by inclusive time (self + callees)"
  perf report -i "$DATA" --children --sort symbol --stdio -g none 2>/dev/null \
    | grep -E '^ +[0-9.]+% +[0-9.]+% ' \
    | grep -E '\] (framescope::[A-Za-z_:]+|rust_stemmers::[A-Za-z_:]+|core::slice::sort::stable::driftsort_main|__memcmp)' \
    | grep -vE 'closure|call_once|\{impl' \
    | awk '!seen[$4]++' | head -30 | sed -E 's/\[\.\] //' | cut -c1-150
  echo
  echo "(perf data: $DATA; perf report -i $DATA --children for call trees)"
else
  command -v valgrind >/dev/null || { echo "profile.sh: neither perf nor valgrind available" >&2; exit 2; }
  DATA="$OUT/callgrind-$TAG.out"
  valgrind --tool=callgrind --callgrind-out-file="$DATA" "$BIN" "${ARGS[@]}" >/dev/null 2>&1
  echo "== top functions, inclusive (callgrind, instructions)"
  callgrind_annotate --inclusive=yes "$DATA" 2>/dev/null | grep -E 'framescope::|rust_stemmers|hashbrown|sort|memcmp|malloc' | head -30
  echo "== top functions, self"
  callgrind_annotate "$DATA" 2>/dev/null | sed -n '1,45p' | tail -25
fi
