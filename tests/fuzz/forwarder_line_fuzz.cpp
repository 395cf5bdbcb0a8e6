// Forwarder lines from a device: parse every line and drive the detection/recording state machine.
#include "device/forwarder.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = fuzz_bytes(data, size);
  mote::ForwarderOptions o;
  o.length_ms = 50;
  o.detect_lines = 3;
  o.detect_seconds = 0.01;
  mote::Forwarder fw(o);
  double t = 0;
  size_t start = 0;
  while (start <= in.size()) {
    size_t nl = in.find('\n', start);
    std::string_view line = in.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (fw.feed(line, t) == mote::Forwarder::Event::SampleReady) {
      auto s = fw.take_sample();
      if (s.empty() || s.size() % fw.detection()->axes) __builtin_trap();  // a sample is whole frames
    }
    t += 0.004;
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  if (fw.detection() && fw.partial_frames()) (void)fw.take_sample();
  return 0;
}
