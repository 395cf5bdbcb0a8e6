#!/usr/bin/env bash
# Leave-one-speaker-out on FSDD: for each of the 6 speakers, train on the other 5 and test on all 500
# recordings of the held-out one (a harder question than the official split: an unseen voice).
# Prints one line per speaker and the mean; about 15 s per speaker on 2 cores.
# Usage: examples/fsdd/loso.sh [IMPULSE_JSON]   (default: examples/fsdd/impulse.json; e.g. a tuner's pick,
# `mote tune --show --json` -> candidates[N].impulse)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mote=${MOTE:-$root/build/mote}
impulse=$(cd "$(dirname "${1:-$here/impulse.json}")" && pwd)/$(basename "${1:-$here/impulse.json}")
data=${MOTE_DATASETS_DIR:-$root/../shared/datasets}/fsdd/recordings
[ -d "$data" ] || { echo "fsdd dataset not found at $data; nothing to do" >&2; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
total=0
for speaker in george jackson lucas nicolas theo yweweler; do
  dir="$work/$speaker"
  "$mote" init "$dir" >/dev/null
  "$mote" -C "$dir" import "$data" --label-pattern '^(\d)_' --test-pattern "^\\d_${speaker}_" --json >/dev/null
  "$mote" -C "$dir" impulse set "$impulse" >/dev/null
  "$mote" -C "$dir" train --json >/dev/null
  acc=$("$mote" -C "$dir" test --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["blocks"][0]["accuracy"])')
  printf "%-9s %.1f %%\n" "$speaker" "$(/usr/bin/python3 -c "print(100*$acc)")"
  total=$(/usr/bin/python3 -c "print($total+$acc)")
done
/usr/bin/python3 -c "print('mean      %.1f %%' % (100*$total/6))"
