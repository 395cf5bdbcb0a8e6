#include "fuzz_support.h"
#include "learn/trees/foreign.h"

// XGBoost JSON and LightGBM text model files (mote model import) from untrusted bytes: refused with
// mote::Error, or parsed into trees whose margins and int8 form can be computed.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  MOTE_FUZZ_EXPECTED_ERRORS({
    const auto bytes = std::string(fuzz_bytes(data, size));
    const auto m = mote::learn::trees::parse_foreign_trees(bytes, "fuzz");
    if (m.features > 4096) return 0;
    std::vector<float> x(m.features * 3);
    for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 7) - 3.0f;
    (void)mote::learn::trees::foreign_margins(m, x.data());
    std::vector<std::string> labels = m.regression ? std::vector<std::string>{"value"} : std::vector<std::string>(m.classes, "c");
    mote::learn::trees::QuantChanges c;
    (void)mote::learn::trees::to_ensemble(m, labels, x.data(), 3, &c);
  });
  return 0;
}
