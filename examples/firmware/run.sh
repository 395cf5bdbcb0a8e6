#!/usr/bin/env bash
# Builds the streaming firmware, runs it on the emulated Cortex-M4 and records what it prints with mote.
# Usage: examples/firmware/run.sh PROJECT_DIR [LABEL]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
proj="${1:?project folder (created when missing)}"; label="${2:-wave}"
mote="$root/build/mote"
build="$root/build/examples-firmware"
cmake -S "$root/examples/firmware" -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$root/targets/cortex-m4/toolchain.cmake" >/dev/null
cmake --build "$build" >/dev/null
[ -f "$proj/mote.json" ] || "$mote" init "$proj"
# Semihosting output arrives on QEMU's stderr; QEMU runs faster than real time, so the rate is given.
qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none -semihosting-config enable=on,target=native \
  -icount shift=0 -kernel "$build/stream.elf" 2>&1 >/dev/null |
  "$mote" -C "$proj" forward --stdin --frequency 62.5 --axes accX,accY,accZ --label "$label" --length-ms 2000
