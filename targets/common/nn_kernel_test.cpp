// Kernel-test firmware: every case of tests/ref/nn_int8.py (embedded by mote_nn_vectors with the host's
// outputs) through every path of its kernel, compared byte for byte; prints instructions per run
// (SysTick, averaged over kRepeats runs) and the peak stack. Exit status 0 only when all match.
#include <string.h>

#include "board.h"
#include "board_config.h"
#include "nn/kernel_case.h"

namespace mote {
namespace nntest {
extern const KernelCase kKernelCases[];
extern const int kKernelCaseCount;
}  // namespace nntest
}  // namespace mote

using namespace mote::nntest;

namespace {
const int kRepeats = 10;     // 40-instruction timer resolution / 10 runs = 4 instructions
const int kGuard = 4;        // bytes after the output that must stay untouched
// 8 KB each, 3 KB on a small board (cortex-m0: 16 kB of RAM; the largest case's output is 1 KB).
const int kBufferBytes = MOTE_BOARD_RAM_BYTES < 65536 ? 3072 : 8192;
int8_t g_out[kBufferBytes + kGuard];
uint32_t g_scratch[kBufferBytes / 4];  // word aligned
}  // namespace

int main() {
  int runs = 0, failures = 0;
  board::print("mote nn kernel test: ");
  board::print_int(kKernelCaseCount);
  board::print(" cases\n");
  for (int i = 0; i < kKernelCaseCount; ++i) {
    const KernelCase& c = kKernelCases[i];
    for (int path = 0; path < kernel_path_count(c.kernel); ++path) {
      bool ok = static_cast<size_t>(c.output_size) + kGuard <= sizeof(g_out) &&
                case_scratch_bytes(c) <= sizeof(g_scratch);
      uint64_t instructions = 0;
      if (ok) {
        memset(g_out, 0x5a, static_cast<size_t>(c.output_size) + kGuard);
        ok = run_case(c, path, g_out, g_scratch, sizeof(g_scratch)) == mote::MOTE_OK &&
             memcmp(g_out, c.expected, static_cast<size_t>(c.output_size)) == 0;
        for (int g = 0; g < kGuard; ++g) ok = ok && g_out[c.output_size + g] == 0x5a;
        const uint64_t t0 = board::instructions();
        for (int r = 0; r < kRepeats; ++r) run_case(c, path, g_out, g_scratch, sizeof(g_scratch));
        instructions = (board::instructions() - t0) / kRepeats;
      }
      ++runs;
      failures += ok ? 0 : 1;
      board::print(ok ? "ok   " : "FAIL ");
      board::print(kernel_name(c.kernel));
      board::print(" ");
      board::print(c.name);
      board::print(" ");
      board::print(path_name(c.kernel, path));
      board::print(" instructions=");
      board::print_int(static_cast<int64_t>(instructions));
      board::print("\n");
    }
  }
  board::print("stack_peak_bytes=");
  board::print_int(board::stack_peak_bytes());
  board::print("\nruns=");
  board::print_int(runs);
  board::print(" failures=");
  board::print_int(failures);
  board::print(failures == 0 ? "\nALL OK: the device matches the host bit for bit\n" : "\nMISMATCH\n");
  return failures == 0 ? 0 : 1;
}
