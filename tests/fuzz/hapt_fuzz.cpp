#include "fuzz_support.h"
#include "ingest/hapt.h"

// One input drives the three HAPT text parsers (labels.txt, activity_labels.txt, a signal file).
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto text = fuzz_bytes(data, size);
  MOTE_FUZZ_EXPECTED_ERRORS(mote::parse_hapt_labels(text, "labels.txt"));
  MOTE_FUZZ_EXPECTED_ERRORS(mote::parse_hapt_activities(text, "activity_labels.txt"));
  MOTE_FUZZ_EXPECTED_ERRORS(mote::parse_hapt_signal(text, "acc_exp01_user01.txt"));
  return 0;
}
