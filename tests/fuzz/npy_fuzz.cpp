#include "core/npy.h"
#include "fuzz_support.h"

// Any bytes: an array, or a one-line mote::Error; never a crash or a read past the buffer.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  MOTE_FUZZ_EXPECTED_ERRORS(mote::parse_npy(fuzz_bytes(data, size), "fuzz.npy"));
  return 0;
}
