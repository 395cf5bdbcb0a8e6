// RV32 board support (the riscv targets of targets.def, machine mode under QEMU virt -bios none): _start
// (stack and global pointers, trap vector, the FPU where there is one, then board::run_main), a trap handler
// that reports faults, semihosting (the slli/ebreak/srai sequence) and minstret as the instruction counter
// (under -icount shift=0 QEMU's minstret counts executed instructions exactly).
#include <stdint.h>

#include "board.h"

extern "C" {
void _start();
void trap_handler();
}

namespace board {

__attribute__((noinline)) int semihost(uint32_t op, const void* arg) {
  register uint32_t a0 asm("a0") = op;
  register const void* a1 asm("a1") = arg;
  // The three instructions must be uncompressed and in one page: aligned so they never straddle one.
  asm volatile(".option push\n .option norvc\n .balign 16\n slli x0, x0, 0x1f\n ebreak\n srai x0, x0, 7\n .option pop"
               : "+r"(a0)
               : "r"(a1)
               : "memory");
  return static_cast<int>(a0);
}

// minstret (64 bits read as two halves; the high half is read again in case the low one wrapped between).
uint64_t counter() {
  uint32_t hi, lo, hi2;
  do {
    asm volatile("csrr %0, minstreth" : "=r"(hi));
    asm volatile("csrr %0, minstret" : "=r"(lo));
    asm volatile("csrr %0, minstreth" : "=r"(hi2));
  } while (hi != hi2);
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

}  // namespace board

extern "C" __attribute__((used, aligned(4))) void trap_handler() {
  uint32_t cause, epc;
  asm volatile("csrr %0, mcause" : "=r"(cause));
  asm volatile("csrr %0, mepc" : "=r"(epc));
  board::print("FAULT: the firmware took a trap, mcause=");
  board::print_int(cause);
  board::print(" mepc=");
  board::print_int(epc);
  board::print("\n");
  board::exit(3);
}

extern "C" __attribute__((used, noinline)) void reset_c() { board::run_main(); }

// The entry point, first in .text (the linker script keeps .text.start first): pointers, trap vector, FPU.
__attribute__((naked, section(".text.start"))) void _start() {
  asm volatile(
      ".option push\n .option norelax\n la gp, __global_pointer$\n .option pop\n"
      "la sp, __stack_top\n"
      "la t0, trap_handler\n csrw mtvec, t0\n"
#if defined(__riscv_flen)
      "li t0, 0x2000\n csrs mstatus, t0\n csrw fcsr, zero\n"  // mstatus.FS = initial: the FPU on, round to nearest
#endif
      "j reset_c\n");
}
