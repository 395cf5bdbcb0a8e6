#!/usr/bin/env bash
# The demo's generated accelerometer gestures with the gestures example's impulse (spectral + dense + k-means);
# its 4 "anomaly" recordings are testing-only, so `mote test` reports ROC AUC and the detection rate.
# Usage: examples/motion/run.sh [PROJECT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mote=${MOTE:-$root/build/mote}
dir=${1:-$(mktemp -d)/motion}
"$mote" demo "$dir" --no-serve                     # generates, imports, suggests an impulse, trains, tests
"$mote" -C "$dir" impulse set "$here/impulse.json"   # the same blocks as examples/gestures
"$mote" -C "$dir" train
"$mote" -C "$dir" test
"$mote" -C "$dir" export "$dir/out/dataset" >/dev/null
"$mote" -C "$dir" classify "$dir/out/dataset/testing/anomaly.anomaly_0.json" | tail -2
