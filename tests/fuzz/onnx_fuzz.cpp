#include "compile/onnx_reader.h"
#include "fuzz_support.h"

// Any bytes: a float model, or a one-line mote::Error; never a crash, a read past the buffer or a hang.
// Seeds: mote's ONNX writer's conv + depthwise classifier, and two python3-onnx models (tests/ref/onnx_models.py:
// residual, flatten after conv).
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  MOTE_FUZZ_EXPECTED_ERRORS(mote::compile::read_onnx(data, size, "fuzz.onnx"));
  return 0;
}
