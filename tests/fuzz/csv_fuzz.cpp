#include "fuzz_support.h"
#include "ingest/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mote::ParseContext ctx{"fuzz.csv", std::nullopt, 10.0};
  MOTE_FUZZ_EXPECTED_ERRORS(mote::parse_csv(fuzz_bytes(data, size), ctx));
  return 0;
}
