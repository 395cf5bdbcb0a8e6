#!/usr/bin/env bash
# Free Spoken Digit Dataset: 8 kHz WAV -> MFCC -> 1-D conv classifier, on the dataset's official split
# (file index 0-4 of every digit and speaker = test: 300 files; the other 2,700 train).
# Usage: examples/fsdd/run.sh [PROJECT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mote=${MOTE:-$root/build/mote}
data=${MOTE_DATASETS_DIR:-$root/../shared/datasets}/fsdd/recordings
dir=${1:-$(mktemp -d)/fsdd}
if [ ! -d "$data" ]; then
  echo "fsdd dataset not found at $data (set MOTE_DATASETS_DIR); nothing to do" >&2
  exit 0
fi
"$mote" init "$dir"
"$mote" -C "$dir" import "$data" --label-pattern '^(\d)_' --test-pattern '^\d_[a-z]+_[0-4]\.wav$'
"$mote" -C "$dir" impulse set "$here/impulse.json"
"$mote" -C "$dir" train
"$mote" -C "$dir" test
"$mote" -C "$dir" classify "$data/7_jackson_0.wav"
