#!/usr/bin/env bash
# The lexicon loop, measured: how long a re-run after a lexicon edit takes
# compared with a cold run, on the five shipped articles and on BBC x10.
#
#   bench/rerun.sh [--runs N] [--sets "default bbcx10"] [--threads N] [--no-build]
#
# For each set, N runs (default 3) of each, alternating two configs that
# differ only in one theme's word list (config.toml, and a copy with one
# term added to the first theme):
#   cold, no cache   --no-cache: the full pipeline, nothing reused
#   cold, cache      an empty output/.cache: the full pipeline, writing the
#                    cache (identical files within the run are prepared once)
#   re-run           the cache in place, the lexicon edited since the last run
# Wall times (median, min-max) and the ratios go to stdout; each re-run's
# report.json is compared byte for byte with a --no-cache run of the same
# config (exit 1 when they differ). BBC x10 is made by bench/run.sh
# (in $FRAMESCOPE_BENCH_DIR/corpora, default /tmp/framescope-bench); it is
# made here the same way if missing. Nothing is written into the repository.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${FRAMESCOPE_BENCH_DIR:-/tmp/framescope-bench}
SHARED=${FRAMESCOPE_CORPORA:-$REPO/../shared/corpora}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/tmp/bench-target}
RUNS=3
SETS="default bbcx10"
THREADS=2
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --sets) SETS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    *) echo "rerun.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

BIN="$CARGO_TARGET_DIR/release/framescope"
if [ "$BUILD" = 1 ]; then
  (cd "$REPO" && cargo build --release --quiet)
fi
[ -x "$BIN" ] || { echo "rerun.sh: no binary at $BIN" >&2; exit 2; }

TMP=$(mktemp -d /tmp/framescope-rerun.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# Config B: config A with one more term in the first theme's list.
cp "$REPO/config.toml" "$TMP/a.toml"
python3 - "$REPO/config.toml" "$TMP/b.toml" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r'(\[themes\.[^\]]+\][^\[]*?terms\s*=\s*\[)', text, re.S)
assert m, "no theme terms list in config.toml"
open(sys.argv[2], "w").write(text[:m.end()] + '"partner*", ' + text[m.end():])
EOF

input_of() {
  case "$1" in
    default) echo "$REPO/input" ;;
    bbcx10)
      local dir="$WORK/corpora/bbcx10"
      if [ ! -d "$dir" ]; then
        echo "making $dir from $SHARED/bbc-news" >&2
        python3 - "$SHARED/bbc-news" "$dir" <<'EOF'
import os, shutil, sys
src, out = sys.argv[1], sys.argv[2]
for root, _, names in os.walk(src):
    for n in names:
        if n.startswith("."):
            continue
        rel = os.path.relpath(os.path.join(root, n), src)
        d, name = os.path.split(rel)
        os.makedirs(os.path.join(out, d), exist_ok=True)
        for r in range(10):
            shutil.copyfile(os.path.join(src, rel), os.path.join(out, d, f"r{r}_{name}"))
EOF
      fi
      echo "$dir" ;;
    *) echo "rerun.sh: unknown set $1" >&2; exit 2 ;;
  esac
}

# Prints the wall time in seconds of one framescope run.
timed() {
  local start end
  start=$(date +%s.%N)
  "$BIN" --quiet --threads "$THREADS" "$@" > /dev/null 2> "$TMP/stderr" \
    || { cat "$TMP/stderr" >&2; echo "rerun.sh: framescope failed" >&2; exit 1; }
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.3f}')"
}

stats() { python3 -c "
import statistics, sys
v = sorted(float(x) for x in sys.argv[1:])
print(f'{statistics.median(v):.2f} ({v[0]:.2f}-{v[-1]:.2f})')" "$@"; }
median() { python3 -c "import statistics, sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }

FAILED=0
echo "| set | threads | cold, no cache (s) | cold, cache (s) | re-run after a lexicon edit (s) | cold/re-run | cold with cache/re-run |"
echo "|---|---:|---|---|---|---:|---:|"
for set in $SETS; do
  input=$(input_of "$set")
  find "$input" -type f -exec cat {} + > /dev/null   # warm the page cache
  out="$TMP/out-$set"
  nocache=() ; cold=() ; warm=()
  for r in $(seq 1 "$RUNS"); do
    nocache+=("$(timed --config "$TMP/a.toml" --input "$input" --output "$TMP/nc-$set" --no-cache)")
  done
  for r in $(seq 1 "$RUNS"); do
    rm -rf "$out/.cache"
    cold+=("$(timed --config "$TMP/a.toml" --input "$input" --output "$out")")
  done
  for r in $(seq 1 "$RUNS"); do
    # Alternate the configs so every re-run follows a lexicon edit.
    cfg=$([ $((r % 2)) = 1 ] && echo b || echo a)
    warm+=("$(timed --config "$TMP/$cfg.toml" --input "$input" --output "$out")")
    "$BIN" --quiet --threads "$THREADS" --config "$TMP/$cfg.toml" --input "$input" \
      --output "$TMP/ref-$set" --no-cache > /dev/null 2>&1
    if ! cmp -s "$out/report.json" "$TMP/ref-$set/report.json"; then
      echo "rerun.sh: $set: the re-run's report.json differs from a --no-cache run" >&2
      FAILED=1
    fi
  done
  ratio() { python3 -c "print(f'{$1 / $2:.1f}x')"; }
  m_nc=$(median "${nocache[@]}"); m_c=$(median "${cold[@]}"); m_w=$(median "${warm[@]}")
  echo "| $set | $THREADS | $(stats "${nocache[@]}") | $(stats "${cold[@]}") | $(stats "${warm[@]}") | $(ratio "$m_nc" "$m_w") | $(ratio "$m_c" "$m_w") |"
done
[ "$FAILED" = 0 ] && echo "rerun.sh: every re-run report equals a cold run's" || exit 1
