// The few C/C++ runtime symbols libtflm.a references on bare metal, so the firmware links without libstdc++
// and without newlib's stdio-heavy defaults. Errors end QEMU through board::exit with a distinct status.
// Unreferenced ones are dropped by --gc-sections (the empty baseline keeps none of them).
#include <stddef.h>
#include <stdint.h>

#include "board.h"

namespace {

[[noreturn]] void fatal(const char* what, int status) {
  board::print("fatal: ");
  board::print(what);
  board::print("\n");
  board::exit(status);
}

}  // namespace

extern "C" {

// flatbuffers and TFLM use assert(); newlib's __assert_func would pull in fprintf.
void __assert_func(const char* file, int line, const char* func, const char* expr) {
  (void)func;
  board::print("assert failed: ");
  board::print(expr ? expr : "?");
  board::print(" at ");
  board::print(file ? file : "?");
  board::print(":");
  board::print_int(line);
  board::print("\n");
  board::exit(5);
}

void abort() { fatal("abort()", 6); }

void __cxa_pure_virtual() { fatal("pure virtual call", 4); }

// Static destructors never run on this firmware: registering them is a no-op (no atexit machinery).
int __aeabi_atexit(void*, void (*)(void*), void*) { return 0; }
void* __dso_handle = nullptr;

// newlib-nano's vsnprintf (TFLM's DebugLog) references malloc; the firmware has no heap, so any request
// fails (formatting into a fixed buffer never asks).
void* _sbrk(ptrdiff_t) { return reinterpret_cast<void*>(-1); }

}  // extern "C"

// Deleting destructors of TFLM's polymorphic classes reference operator delete; nothing is heap-allocated.
void operator delete(void*) noexcept {}
void operator delete(void*, size_t) noexcept {}
