// Arm M-profile board support (ARMv6-M, ARMv7-M, ARMv8-M; every Arm target of targets.def): vector table,
// reset (stack pointer, the FPU where there is one, then board::run_main), semihosting through BKPT 0xAB, and
// SysTick as the instruction counter (processor clock; board_config.h says how many instructions one tick is).
#include <stdint.h>

#include "board.h"

extern "C" {
extern uint32_t __stack_top;
void Reset_Handler();
void SysTick_Handler();
void Fault_Handler();
}

namespace board {
namespace {

volatile uint32_t* const kSysTickCsr = reinterpret_cast<volatile uint32_t*>(0xE000E010);
volatile uint32_t* const kSysTickRvr = reinterpret_cast<volatile uint32_t*>(0xE000E014);
volatile uint32_t* const kSysTickCvr = reinterpret_cast<volatile uint32_t*>(0xE000E018);
volatile uint32_t systick_wraps = 0;
bool systick_started = false;

}  // namespace

int semihost(uint32_t op, const void* arg) {
  register uint32_t r0 asm("r0") = op;
  register const void* r1 asm("r1") = arg;
  asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return static_cast<int>(r0);
}

// SysTick ticks since the first call (24-bit down-counter; its wraps are counted by SysTick_Handler).
uint64_t counter() {
  if (!systick_started) {
    *kSysTickRvr = 0xFFFFFF;
    *kSysTickCvr = 0;
    *kSysTickCsr = 7;  // processor clock, interrupt on wrap, enable
    while (*kSysTickCvr == 0) {  // until the first tick has loaded the reload value (else 0 reads as a full period)
    }
    systick_wraps = 0;
    systick_started = true;
  }
  uint32_t wraps, cvr;
  do {  // a wrap between the two reads would pair a new count with an old wrap total
    wraps = systick_wraps;
    cvr = *kSysTickCvr;
  } while (wraps != systick_wraps);
  return static_cast<uint64_t>(wraps) * 0x1000000u + (0xFFFFFFu - cvr);
}

}  // namespace board

extern "C" void SysTick_Handler() { board::systick_wraps = board::systick_wraps + 1; }

void Fault_Handler() {
  board::print("FAULT: the firmware took a processor fault\n");
  board::exit(3);
}

// Thumb-1 only (ARMv6-M has no LDR to SP and a short B): the stack pointer, then the C part.
__attribute__((naked)) void Reset_Handler() {
  asm volatile("ldr r0, =__stack_top\n mov sp, r0\n ldr r0, =reset_c\n bx r0" ::: "memory");
}

extern "C" __attribute__((used, noinline)) void reset_c() {
#if defined(__ARM_FP)
  volatile uint32_t* cpacr = reinterpret_cast<volatile uint32_t*>(0xE000ED88);
  *cpacr |= 0xFu << 20;  // CP10 and CP11 full access: the FPU
  asm volatile("dsb\n isb" ::: "memory");
#endif
  board::run_main();
}

typedef void (*Vector)();
__attribute__((section(".vectors"), used)) extern const Vector kVectors[32] = {
    reinterpret_cast<Vector>(&__stack_top), Reset_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler, 0, 0, 0, 0, Fault_Handler, Fault_Handler, 0, Fault_Handler, SysTick_Handler,
    Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler};
