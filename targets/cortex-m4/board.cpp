#include "board.h"

extern "C" uint32_t __stack_limit, __stack_top;

namespace board {
namespace {

const uint32_t kSysWrite0 = 0x04, kSysExitExtended = 0x20, kAdpStoppedApplicationExit = 0x20026;
const uint32_t kStackPaint = 0xA5A5A5A5u;

int semihost(uint32_t op, const void* arg) {
  register uint32_t r0 asm("r0") = op;
  register const void* r1 asm("r1") = arg;
  asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return static_cast<int>(r0);
}

char line[160];
unsigned line_len = 0;

void flush() {
  line[line_len] = '\0';
  if (line_len) semihost(kSysWrite0, line);
  line_len = 0;
}

volatile uint32_t* const kSysTickCsr = reinterpret_cast<volatile uint32_t*>(0xE000E010);
volatile uint32_t* const kSysTickRvr = reinterpret_cast<volatile uint32_t*>(0xE000E014);
volatile uint32_t* const kSysTickCvr = reinterpret_cast<volatile uint32_t*>(0xE000E018);
volatile uint32_t systick_wraps = 0;
bool systick_started = false;

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
  if (!systick_started) {
    *kSysTickRvr = 0xFFFFFF;
    *kSysTickCvr = 0;
    *kSysTickCsr = 7;  // processor clock, interrupt on wrap, enable
    systick_started = true;
  }
  uint32_t wraps, cvr;
  do {  // a wrap between the two reads would pair a new count with an old wrap total
    wraps = systick_wraps;
    cvr = *kSysTickCvr;
  } while (wraps != systick_wraps);
  const uint64_t ticks = static_cast<uint64_t>(wraps) * 0x1000000u + (0xFFFFFFu - cvr);
  return ticks * kInstructionsPerTick;
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

}  // namespace board

extern "C" void SysTick_Handler() { board::systick_wraps = board::systick_wraps + 1; }
