#include "fuzz_support.h"
#include "ingest/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mote::ParseContext ctx{"fuzz.png", std::nullopt, 0};
  MOTE_FUZZ_EXPECTED_ERRORS(mote::parse_image(fuzz_bytes(data, size), ctx));
  return 0;
}
