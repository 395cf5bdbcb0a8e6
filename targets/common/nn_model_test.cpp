// Model firmware: one generated model (MOTE_MODEL_HEADER / MOTE_MODEL_NS) run on the fixture's inputs,
// outputs compared byte for byte with the host int8 executor's, instructions per inference from SysTick.
// Built with MOTE_NO_MODEL it is the empty baseline whose sizes are subtracted from the model's.
#include <string.h>

#include "board.h"

#ifndef MOTE_NO_MODEL
#include MOTE_MODEL_HEADER
namespace fixture {
extern const int kSamples;
extern const int8_t kInputs[];
extern const int8_t kOutputs[];
}  // namespace fixture
#endif

int main() {
#ifdef MOTE_NO_MODEL
  board::print("model none\n");
  int failures = 0;
#else
  namespace model = MOTE_MODEL_NS;
  const int kRepeats = 10;
  int failures = 0;
  uint64_t total = 0;
  for (int s = 0; s < fixture::kSamples; ++s) {
    for (int r = 0; r < kRepeats; ++r) {  // invoke() reuses the input's bytes, so copy the input each time
      memcpy(model::input(), fixture::kInputs + s * model::kInputSize, model::kInputSize);
      const uint64_t t0 = board::instructions();
      const mote::Status st = model::invoke();
      total += board::instructions() - t0;
      if (st != mote::MOTE_OK) ++failures;
    }
    if (memcmp(model::output(), fixture::kOutputs + s * model::kOutputSize, model::kOutputSize) != 0) ++failures;
  }
  board::print("model " MOTE_MODEL_NAME " instructions_per_inference=");
  board::print_int(static_cast<int64_t>(total / (fixture::kSamples * kRepeats)));
  board::print(" arena_bytes=");
  board::print_int(static_cast<int64_t>(model::kArenaBytes));
  board::print("\n");
#endif
  board::print("stack_peak_bytes=");
  board::print_int(board::stack_peak_bytes());
  board::print(failures == 0 ? "\nALL OK\n" : "\nMISMATCH\n");
  return failures == 0 ? 0 : 1;
}
