#include "fuzz_support.h"
#include "impulse/features.h"

// An impulse from untrusted JSON (mote impulse set, the studio's API) must be refused cleanly; when it
// is accepted, building its blocks and running them on one window must work too.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  MOTE_FUZZ_EXPECTED_ERRORS({
    auto j = nlohmann::json::parse(fuzz_bytes(data, size));
    mote::ImpulseSpec spec = mote::parse_impulse(j);
    if (spec.input.type == mote::InputType::TimeSeries && spec.input.window_frames() <= 4096) {
      size_t axes = spec.input.axes.empty() ? 3 : spec.input.axes.size();
      mote::Impulse impulse(spec, axes);
      if (impulse.width() <= (1u << 20)) {
        std::vector<float> window(spec.input.window_frames() * axes, 0.5f), out(impulse.width());
        mote::BlockInput in;
        in.window = window.data();
        in.frames = spec.input.window_frames();
        in.axes = axes;
        impulse.run(in, out.data());
      }
    }
  });
  return 0;
}
