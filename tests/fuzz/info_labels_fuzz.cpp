#include "fuzz_support.h"
#include "ingest/info_labels.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  MOTE_FUZZ_EXPECTED_ERRORS(mote::parse_info_labels(fuzz_bytes(data, size), "/tmp/mote-fuzz-export", "info.labels"));
  return 0;
}
