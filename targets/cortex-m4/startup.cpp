// Reset and vector table for the Cortex-M4 on mps2-an386: copy .data, zero .bss, paint the stack, enable
// the FPU (CPACR), run static constructors, call main, report its return value as QEMU's exit status.
#include <stdint.h>
#include <string.h>

#include "board.h"

extern "C" {
extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, __stack_limit, __stack_top;
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
int main();
void Reset_Handler();
void SysTick_Handler();
void Fault_Handler();
}

void Fault_Handler() {
  board::print("FAULT: the firmware took a processor fault\n");
  board::exit(3);
}

__attribute__((naked)) void Reset_Handler() {
  asm volatile("ldr sp, =__stack_top\n b reset_c" ::: "memory");
}

extern "C" __attribute__((used, noinline)) void reset_c() {
  memcpy(&_sdata, &_sidata, static_cast<size_t>(reinterpret_cast<char*>(&_edata) - reinterpret_cast<char*>(&_sdata)));
  memset(&_sbss, 0, static_cast<size_t>(reinterpret_cast<char*>(&_ebss) - reinterpret_cast<char*>(&_sbss)));
  // Paint the stack below this frame (keep 64 bytes of margin) so stack_peak_bytes() can find the high mark.
  uint32_t* sp;
  asm volatile("mov %0, sp" : "=r"(sp));
  for (uint32_t* p = &__stack_limit; p < sp - 16; ++p) *p = 0xA5A5A5A5u;
  volatile uint32_t* cpacr = reinterpret_cast<volatile uint32_t*>(0xE000ED88);
  *cpacr |= 0xFu << 20;  // CP10 and CP11 full access: the FPU
  asm volatile("dsb\n isb" ::: "memory");
  board::instructions();  // starts SysTick now, so no measurement spans its first reload
  for (void (**f)() = __init_array_start; f < __init_array_end; ++f) (*f)();
  board::exit(main());
}

typedef void (*Vector)();
__attribute__((section(".vectors"), used)) extern const Vector kVectors[32] = {
    reinterpret_cast<Vector>(&__stack_top), Reset_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler, 0, 0, 0, 0, Fault_Handler, Fault_Handler, 0, Fault_Handler, SysTick_Handler,
    Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler};
