// The few board services a proof firmware needs on QEMU mps2-an386: semihosting output and exit,
// an instruction counter from SysTick (under -icount shift=0: 1 tick = 40 instructions), peak stack.
#ifndef MOTE_TARGET_BOARD_H
#define MOTE_TARGET_BOARD_H

#include <stdint.h>

namespace board {

// Appends to a line buffer; a '\n' (or a full buffer) sends it through semihosting SYS_WRITE0.
void print(const char* s);
void print_int(int64_t v);
// Ends QEMU with this exit status (SYS_EXIT_EXTENDED); never returns.
[[noreturn]] void exit(int code);

// Instructions executed since the first call, from SysTick ticks (wraps are counted by its interrupt).
uint64_t instructions();
// Instructions per SysTick tick (the timer's resolution): 40 on mps2-an386 under -icount shift=0.
const uint32_t kInstructionsPerTick = 40;

// Deepest stack use so far, from the region painted at reset; and the region's size.
uint32_t stack_peak_bytes();
uint32_t stack_size_bytes();

// Host files through semihosting (SYS_OPEN/SEEK/FLEN/READ/CLOSE); under QEMU a relative path resolves against
// QEMU's working directory. Firmware whose flash must not depend on its input data reads it this way.
// Size of the file in bytes, or -1 if it cannot be opened.
int32_t file_size(const char* path);
// Reads up to max_bytes starting at byte offset into buf; returns the bytes read (fewer at the end of the
// file), or -1 if the file cannot be opened or read.
int32_t read_file(const char* path, void* buf, uint32_t max_bytes, uint32_t offset = 0);

}  // namespace board

#endif  // MOTE_TARGET_BOARD_H
