#!/usr/bin/env bash
# Arduino "magic wand" gestures (6-axis IMU CSV, 25 gestures back to back per file) -> raw -> 1-D conv classifier.
# Usage: examples/wand/run.sh [PROJECT_DIR]   (mote from build/, or $MOTE)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mote=${MOTE:-$root/build/mote}
data=${MOTE_DATASETS_DIR:-$root/../shared/datasets}/wand-gestures
dir=${1:-$(mktemp -d)/wand}
if [ ! -d "$data" ]; then
  echo "wand-gestures dataset not found at $data (set MOTE_DATASETS_DIR); nothing to do" >&2
  exit 0
fi
"$mote" init "$dir"
# One CSV per spell, 119 rows (1 s at 119 Hz) per gesture: cut into 125 one-second samples, 80/20 split per label.
"$mote" -C "$dir" import "$data/data" --frequency-hz 119 --segment-ms 1000 --label-pattern '^(\w+)\.csv$' --category split
"$mote" -C "$dir" impulse set "$here/impulse.json"
"$mote" -C "$dir" features
"$mote" -C "$dir" train
"$mote" -C "$dir" test --int8
echo "plots: $dir/out/"
