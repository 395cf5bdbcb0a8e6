#include "fuzz_support.h"
#include "ingest/mat.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mote::ParseContext ctx{"fuzz.mat", std::nullopt, 1000.0 / 48000};
  MOTE_FUZZ_EXPECTED_ERRORS(mote::parse_mat(fuzz_bytes(data, size), ctx));
  return 0;
}
