#!/usr/bin/env bash
# Regenerates the chart images the README shows, from the shipped articles and config.
# Usage: docs/update.sh   (from anywhere; writes only output/ and docs/*.png)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release --quiet -- --quiet > /dev/null
for chart in theme_emphasis framing_profile keyness; do
  cp "output/charts/$chart.png" "docs/$chart.png"
done
echo "updated docs/theme_emphasis.png docs/framing_profile.png docs/keyness.png"
