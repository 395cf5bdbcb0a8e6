// The few board services a proof firmware needs, the same on every target (targets/targets.def): semihosting
// output, exit and host files; an instruction counter (SysTick on Arm, minstret on RISC-V, both under QEMU
// -icount shift=0); the painted stack's peak. Common code in board.cpp; per architecture in <arch>/startup.cpp;
// per target (clock, memory) in <target>/board_config.h.
#ifndef MOTE_TARGET_BOARD_H
#define MOTE_TARGET_BOARD_H

#include <stdint.h>

namespace board {

// Appends to a line buffer; a '\n' (or a full buffer) sends it through semihosting SYS_WRITE0.
void print(const char* s);
void print_int(int64_t v);
// Ends QEMU with this exit status (SYS_EXIT_EXTENDED); never returns.
[[noreturn]] void exit(int code);

// Instructions executed since the first call. Arm: SysTick ticks (wraps counted by its interrupt) times the
// tick's length in instructions (board_config.h: 40 on mps2-an385/386/500, so 40-instruction resolution);
// RISC-V: minstret, exact.
uint64_t instructions();

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

// The C part of reset, called by <arch>/startup.cpp once the stack pointer is set (and the FPU enabled): copies
// .data, zeroes .bss, paints the stack, starts the counter, runs static constructors, then exits with main()'s
// return value.
[[noreturn]] void run_main();

// The architecture's part (<arch>/startup.cpp): one semihosting call (operation, argument block) and the raw
// counter (instructions, or timer ticks that board.cpp scales by board_config.h).
int semihost(uint32_t op, const void* arg);
uint64_t counter();

}  // namespace board

#endif  // MOTE_TARGET_BOARD_H
