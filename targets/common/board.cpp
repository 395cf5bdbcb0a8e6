// Board services common to every target (board.h): the line buffer, exit, the painted stack, host files, all
// over the architecture's semihosting call and counter (<arch>/startup.cpp).
#include "board.h"
#include "board_config.h"

#include <string.h>

extern "C" {
extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, __stack_limit, __stack_top;
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
int main();
}

namespace board {
namespace {

const uint32_t kSysWrite0 = 0x04, kSysExitExtended = 0x20, kAdpStoppedApplicationExit = 0x20026;
const uint32_t kStackPaint = 0xA5A5A5A5u;

char line[160];
unsigned line_len = 0;

void flush() {
  line[line_len] = '\0';
  if (line_len) semihost(kSysWrite0, line);
  line_len = 0;
}

}  // namespace

void print(const char* s) {
  for (; *s; ++s) {
    line[line_len++] = *s;
    if (*s == '\n' || line_len + 1 >= sizeof(line)) flush();
  }
}

void print_int(int64_t v) {
  char buf[24];
  int n = 0;
  uint64_t u = v < 0 ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v);
  do {
    buf[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) buf[n++] = '-';
  char out[24];
  for (int i = 0; i < n; ++i) out[i] = buf[n - 1 - i];
  out[n] = '\0';
  print(out);
}

void exit(int code) {
  flush();
  const uint32_t block[2] = {kAdpStoppedApplicationExit, static_cast<uint32_t>(code)};
  semihost(kSysExitExtended, block);
  for (;;) {
  }
}

uint64_t instructions() {
  // Counter ticks to instructions: MOTE_BOARD_TICK_INSTRUCTIONS_NUM / _DEN per tick (1 / 1 where the counter
  // counts instructions itself).
  return counter() * MOTE_BOARD_TICK_INSTRUCTIONS_NUM / MOTE_BOARD_TICK_INSTRUCTIONS_DEN;
}

uint32_t stack_peak_bytes() {
  const uint32_t* p = &__stack_limit;
  while (p < &__stack_top && *p == kStackPaint) ++p;
  return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(&__stack_top) - reinterpret_cast<uintptr_t>(p));
}

uint32_t stack_size_bytes() {
  return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(&__stack_top) - reinterpret_cast<uintptr_t>(&__stack_limit));
}

namespace {

const uint32_t kSysOpen = 0x01, kSysClose = 0x02, kSysRead = 0x06, kSysSeek = 0x0A, kSysFlen = 0x0C;
const uint32_t kOpenModeRb = 1;  // fopen mode "rb"

int32_t open_read(const char* path) {
  uint32_t n = 0;
  while (path[n]) ++n;
  const uint32_t args[3] = {reinterpret_cast<uint32_t>(path), kOpenModeRb, n};
  return semihost(kSysOpen, args);
}

void close_file(int32_t handle) {
  const uint32_t args[1] = {static_cast<uint32_t>(handle)};
  semihost(kSysClose, args);
}

}  // namespace

int32_t file_size(const char* path) {
  const int32_t h = open_read(path);
  if (h < 0) return -1;
  const uint32_t args[1] = {static_cast<uint32_t>(h)};
  const int32_t len = semihost(kSysFlen, args);
  close_file(h);
  return len;
}

int32_t read_file(const char* path, void* buf, uint32_t max_bytes, uint32_t offset) {
  const int32_t h = open_read(path);
  if (h < 0) return -1;
  int32_t result = -1;
  const uint32_t seek[2] = {static_cast<uint32_t>(h), offset};
  if (offset == 0 || semihost(kSysSeek, seek) == 0) {
    const uint32_t read[3] = {static_cast<uint32_t>(h), reinterpret_cast<uint32_t>(buf), max_bytes};
    const int32_t not_read = semihost(kSysRead, read);  // SYS_READ returns the bytes it did not read
    if (not_read >= 0 && static_cast<uint32_t>(not_read) <= max_bytes) result = static_cast<int32_t>(max_bytes - not_read);
  }
  close_file(h);
  return result;
}

void run_main() {
  memcpy(&_sdata, &_sidata, static_cast<size_t>(reinterpret_cast<char*>(&_edata) - reinterpret_cast<char*>(&_sdata)));
  memset(&_sbss, 0, static_cast<size_t>(reinterpret_cast<char*>(&_ebss) - reinterpret_cast<char*>(&_sbss)));
  // Paint the stack below this frame (keep 64 bytes of margin) so stack_peak_bytes() can find the high mark.
  uint32_t* sp;
#if defined(__riscv)
  asm volatile("mv %0, sp" : "=r"(sp));
#else
  asm volatile("mov %0, sp" : "=r"(sp));
#endif
  for (uint32_t* p = &__stack_limit; p < sp - 16; ++p) *p = kStackPaint;
  instructions();  // starts the counter now, so no measurement spans its first reload
  for (void (**f)() = __init_array_start; f < __init_array_end; ++f) (*f)();
  exit(main());
}

}  // namespace board
