#include "fuzz_support.h"
#include "ingest/wav.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mote::ParseContext ctx{"fuzz.wav", std::nullopt, 0};
  MOTE_FUZZ_EXPECTED_ERRORS(mote::parse_wav(fuzz_bytes(data, size), ctx));
  return 0;
}
