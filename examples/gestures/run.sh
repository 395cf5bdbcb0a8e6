#!/usr/bin/env bash
# Real accelerometer gestures (Edge Impulse export) -> spectral analysis -> dense classifier + k-means.
# Usage: examples/gestures/run.sh [PROJECT_DIR]   (mote from build/, or $MOTE)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mote=${MOTE:-$root/build/mote}
data=${MOTE_DATASETS_DIR:-$root/../shared/datasets}/ei-gestures
dir=${1:-$(mktemp -d)/gestures}
if [ ! -d "$data" ]; then
  echo "ei-gestures dataset not found at $data (set MOTE_DATASETS_DIR); nothing to do" >&2
  exit 0
fi
"$mote" init "$dir"
"$mote" -C "$dir" import "$data"                   # through its info.labels: 72 training, 24 testing
"$mote" -C "$dir" impulse set "$here/impulse.json"
"$mote" -C "$dir" features --plot "$dir/out/feature-explorer.svg"
"$mote" -C "$dir" train
"$mote" -C "$dir" test
echo "plots: $dir/out/"
