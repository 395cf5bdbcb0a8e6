#include "compile/tflite_reader.h"
#include "fuzz_support.h"

// Any bytes: a model, or a one-line mote::Error; never a crash, a read past the buffer or a hang.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  MOTE_FUZZ_EXPECTED_ERRORS(mote::compile::read_tflite(data, size, "fuzz.tflite"));
  return 0;
}
