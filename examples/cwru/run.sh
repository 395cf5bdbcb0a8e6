#!/usr/bin/env bash
# CWRU bearing vibration (MAT-files, 48 kHz drive end): k-means anomaly detection trained on the normal bearing
# only, then a 7-class fault classifier. The first second of every recording is the testing set.
# Usage: examples/cwru/run.sh [PROJECT_DIR]   (mote from build/, or $MOTE); makes DIR-anomaly and DIR-faults
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mote=${MOTE:-$root/build/mote}
data=${MOTE_DATASETS_DIR:-$root/../shared/datasets}/cwru-bearing-48k
dir=${1:-$(mktemp -d)/cwru}
if [ ! -d "$data" ]; then
  echo "cwru-bearing-48k dataset not found at $data (set MOTE_DATASETS_DIR); nothing to do" >&2
  exit 0
fi
cut=(--frequency-hz 48000 --segment-ms 100)  # the .mat files hold no rate; 100 ms pieces "Normal_0.0" ...
first_second='\.[0-9]$'                      # pieces 0-9: testing, the rest of the recording: training

# 1. Anomaly detection: normal pieces only in training, every fault piece in testing (labels unseen = anomalous).
"$mote" init "$dir-anomaly"
"$mote" -C "$dir-anomaly" import "$data/Normal_0.mat" --label normal "${cut[@]}" --test-pattern "$first_second"
"$mote" -C "$dir-anomaly" import "$data"/B0*_0.mat "$data"/IR0*_0.mat --label-pattern '^([A-Z]+\d+)_' "${cut[@]}" --category testing
"$mote" -C "$dir-anomaly" impulse set "$here/impulse.json"
"$mote" -C "$dir-anomaly" train
"$mote" -C "$dir-anomaly" test

# 2. Fault classifier: normal, ball and inner-race faults of three sizes (7 classes).
"$mote" init "$dir-faults"
"$mote" -C "$dir-faults" import "$data" --label-pattern '^([A-Za-z]+\d*)_' "${cut[@]}" --test-pattern "$first_second"
"$mote" -C "$dir-faults" impulse set "$here/classifier.json"
"$mote" -C "$dir-faults" train
"$mote" -C "$dir-faults" test --int8
echo "plots: $dir-anomaly/out/ $dir-faults/out/"
