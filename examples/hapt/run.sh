#!/usr/bin/env bash
# UCI HAPT raw smartphone acc + gyro (50 Hz, 12 activities, labels.txt segments) -> spectral + stats -> dense.
# Subject-wise split: UCI HAR's 9 test volunteers are the testing set, the other 21 train.
# Usage: examples/hapt/run.sh [PROJECT_DIR]   (mote from build/, or $MOTE)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mote=${MOTE:-$root/build/mote}
data=${MOTE_DATASETS_DIR:-$root/../shared/datasets}/uci-hapt-raw
dir=${1:-$(mktemp -d)/hapt}
if [ ! -d "$data" ]; then
  echo "uci-hapt-raw dataset not found at $data (set MOTE_DATASETS_DIR); nothing to do" >&2
  exit 0
fi
"$mote" init "$dir"
# The folder's RawData/labels.txt is read as a layout: one 6-axis sample per labelled segment (1214).
"$mote" -C "$dir" import "$data" --test-pattern '_user(02|04|09|10|12|13|18|20|24)\.'
"$mote" -C "$dir" impulse set "$here/impulse.json"
"$mote" -C "$dir" features
"$mote" -C "$dir" train
"$mote" -C "$dir" test --int8
echo "plots: $dir/out/"
