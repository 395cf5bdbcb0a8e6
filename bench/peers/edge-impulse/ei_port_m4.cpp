// Edge Impulse SDK porting layer on mote's Cortex-M4 board (targets/cortex-m4/board.h), what a board's
// porting/<vendor>/ei_classifier_porting.cpp provides: allocation through malloc (counted by the bench
// harness's --wrap), ei_printf printing its format string only (no stdio in the image; the SDK prints only
// on errors), and the few C++ runtime symbols the SDK's headers reference with -fno-exceptions.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "edge-impulse-sdk/porting/ei_classifier_porting.h"

void* ei_malloc(size_t size) { return malloc(size); }
void* ei_calloc(size_t nitems, size_t size) { return calloc(nitems, size); }
void ei_free(void* ptr) { free(ptr); }
void ei_printf(const char* format, ...) { board::print(format); }
void ei_printf_float(float f) { board::print_int(static_cast<int64_t>(f * 1000000.0f)); }
void ei_putchar(char c) {
  char s[2] = {c, 0};
  board::print(s);
}
char ei_getchar(void) { return 0; }
uint64_t ei_read_timer_ms() { return board::instructions() / 25000u; }  // 25 MHz core under -icount shift=0
uint64_t ei_read_timer_us() { return board::instructions() / 25u; }
EI_IMPULSE_ERROR ei_run_impulse_check_canceled() { return EI_IMPULSE_OK; }
EI_IMPULSE_ERROR ei_sleep(int32_t) { return EI_IMPULSE_OK; }

// new/delete on the same (counted) malloc; the std::__throw_* helpers abort instead of linking
// libstdc++'s exception runtime (the SDK's std::function / std::vector reference them).
void* operator new(size_t n) { return malloc(n); }
void* operator new[](size_t n) { return malloc(n); }
void operator delete(void* p) noexcept { free(p); }
void operator delete[](void* p) noexcept { free(p); }
void operator delete(void* p, size_t) noexcept { free(p); }
void operator delete[](void* p, size_t) noexcept { free(p); }

extern "C" {
void* __dso_handle = nullptr;
int __aeabi_atexit(void*, void (*)(void*), void*) { return 0; }
void __cxa_pure_virtual(void) { board::exit(4); }
void abort(void) {
  board::print("bench: abort\n");
  board::exit(5);
}
// The SDK's assert() would otherwise link newlib's fprintf and stdio.
void __assert_func(const char* file, int, const char*, const char* expr) {
  board::print("bench: assert failed: ");
  board::print(expr);
  board::print(" in ");
  board::print(file);
  board::print("\n");
  board::exit(6);
}
// Heap for newlib's malloc: from the end of mote's linker layout (after .stack) to the end of the 4 MB SRAM.
extern char end[];
void* _sbrk(ptrdiff_t incr) {
  static char* brk = end;
  char* const limit = reinterpret_cast<char*>(0x20400000u);
  if (incr < 0 || brk + incr > limit) return reinterpret_cast<void*>(-1);
  char* prev = brk;
  brk += incr;
  return prev;
}
}

namespace std {
void __throw_bad_function_call() { abort(); }
void __throw_length_error(const char*) { abort(); }
void __throw_bad_alloc() { abort(); }
void __throw_bad_array_new_length() { abort(); }
void __throw_out_of_range(const char*) { abort(); }
void __throw_out_of_range_fmt(const char*, ...) { abort(); }
void __throw_logic_error(const char*) { abort(); }
}  // namespace std
