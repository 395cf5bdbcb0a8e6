#include "fuzz_support.h"
#include "ingest/acquisition.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mote::ParseContext plain{"fuzz.json", std::nullopt, 0};
  mote::ParseContext keyed{"fuzz.json", std::string("key"), 0};
  MOTE_FUZZ_EXPECTED_ERRORS(mote::parse_acquisition_json(fuzz_bytes(data, size), plain));
  MOTE_FUZZ_EXPECTED_ERRORS(mote::parse_acquisition_json(fuzz_bytes(data, size), keyed));
  return 0;
}
