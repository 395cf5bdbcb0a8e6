#!/usr/bin/env bash
# The example firmwares on the emulated Cortex-M4 (QEMU mps2-an386). Usage:
#   examples/firmware/run.sh PROJECT_DIR [LABEL]        stream firmware -> `mote forward --stdin`: records samples
#   examples/firmware/run.sh classify PROJECT_DIR       deploys PROJECT_DIR's impulse (mote deploy --format cpp),
#                                                       builds the classify firmware around it and runs it: the
#                                                       board's own results (time, label, confidence, anomaly)
#   examples/firmware/run.sh classify PROJECT_DIR --raw the board's whole UART output: its stream (forwarder
#                                                       lines) and results, e.g. to pipe into
#                                                       `mote -C PROJECT_DIR classify --stdin` and compare
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
mote="$root/build/mote"
build="$root/build/examples-firmware"
qemu=(qemu-system-arm -M mps2-an386 -nographic -monitor none -semihosting-config enable=on,target=native -icount shift=0)

if [ "${1:-}" = classify ]; then
  proj="${2:?project folder with a trained impulse (e.g. from mote demo DIR --no-serve)}"; mode="${3:-}"
  impulse="$build/impulse"
  rm -rf "$impulse"  # deploy writes a fresh folder (ours, under build/)
  "$mote" -C "$proj" deploy --format cpp -o "$impulse" >/dev/null
  # The firmware streams at the impulse's rate and runs every stride, rounded as the host does.
  defines=$(/usr/bin/python3 -c 'import json, sys
i = json.load(open(sys.argv[1]))["impulse"]["input"]
hz = i["frequency_hz"]
print("MOTE_CLASSIFY_FREQUENCY_HZ=%r;MOTE_CLASSIFY_STRIDE_FRAMES=%d" % (hz, max(1, int(i["stride_ms"] * hz / 1000 + 0.5))))' "$proj/mote.json")
  cmake -S "$root/examples/firmware" -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$root/targets/cortex-m4/toolchain.cmake" \
    -DMOTE_IMPULSE_DIR="$impulse" "-DMOTE_CLASSIFY_DEFINES=$defines" >/dev/null
  cmake --build "$build" --target classify.elf >/dev/null
  # The board prints on its UART; semihosting only ends the run. The UART goes to a file first: QEMU's
  # UART stalls for good when a pipe reader goes away (| head), and the run takes well under a second.
  uart="$build/classify-uart.txt"
  timeout 120 "${qemu[@]}" -serial "file:$uart" -kernel "$build/classify.elf"
  if [ "$mode" = --raw ]; then
    cat "$uart"
  else
    grep -v '^[-0-9.]*,[-0-9.]*,[-0-9.]*$' "$uart"
  fi
  exit 0
fi

proj="${1:?project folder (created when missing)}"; label="${2:-wave}"
cmake -S "$root/examples/firmware" -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$root/targets/cortex-m4/toolchain.cmake" >/dev/null
cmake --build "$build" --target stream.elf >/dev/null
[ -f "$proj/mote.json" ] || "$mote" init "$proj"
# Semihosting output arrives on QEMU's stderr; QEMU runs faster than real time, so the rate is given.
"${qemu[@]}" -serial none -kernel "$build/stream.elf" 2>&1 >/dev/null |
  "$mote" -C "$proj" forward --stdin --frequency 62.5 --axes accX,accY,accZ --label "$label" --length-ms 2000
