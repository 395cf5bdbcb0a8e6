// runtime/dsp/spectral (through its host adapter) against scipy welch/sosfilt/stats (tests/ref/spectral.py).
#include "dsp/spectral.h"

#include <gtest/gtest.h>

#include <cmath>

#include "impulse/dsp_block.h"
#include "support/test_support.h"

using namespace mote;

TEST(Spectral, MatchesScipyWelchAndStats) {
  const auto& d = test::reference_data("spectral.py", "spectral.json");
  ASSERT_TRUE(d.contains("cases")) << "tests/ref/spectral.py failed";
  for (const auto& c : d["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    InputSpec in;
    in.frequency_hz = c["fs"];
    in.window_ms = c["frames"].get<double>() * 1000.0 / in.frequency_hz;
    ASSERT_EQ(in.window_frames(), c["frames"].get<size_t>());
    BlockSpec spec{"spectral", "spectral", {}, c["params"]};
    auto block = make_dsp_block(spec, in, c["axes"], "impulse.dsp[0]");
    auto input = c["input"].get<std::vector<float>>();
    std::vector<float> out(block->output_size());
    BlockInput w;
    w.window = input.data();
    w.frames = c["frames"];
    w.axes = c["axes"];
    block->run(w, out.data());
    auto expected = c["expected"].get<std::vector<double>>();
    EXPECT_LE(test::max_relative_error(out, expected), 1e-4);
    for (size_t i = 0; i < out.size() && i < expected.size(); ++i)
      if (std::fabs(out[i] - expected[i]) > 1e-4 * std::max(1.0, std::fabs(expected[i])))
        ADD_FAILURE() << "feature " << i << ": " << out[i] << " vs " << expected[i];
  }
}

TEST(Spectral, RealRecordingCaseRanWhenDatasetPresent) {
  const auto& d = test::reference_data("spectral.py", "spectral.json");
  ASSERT_TRUE(d.contains("cases"));
  if (test::dataset("ei-gestures").empty()) GTEST_SKIP() << "../shared/datasets/ei-gestures not present";
  EXPECT_TRUE(d["real_data"].get<bool>());
}

TEST(Spectral, ParameterErrorsNameTheField) {
  InputSpec in;
  auto err = [&](nlohmann::json params) {
    try {
      make_dsp_block({"s", "spectral", {}, params}, in, 3, "impulse.dsp[0]");
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(err({{"fft_length", 100}}).find("impulse.dsp[0].params.fft_length: 100 is not a power of two"), std::string::npos);
  EXPECT_NE(err({{"filter_order", 9}}).find("params.filter_order: 9 is out of range; use 1 to 8"), std::string::npos);
  EXPECT_NE(err({{"filter_type", "low"}, {"filter_cutoff_hz", 40}}).find("below half the sampling rate"), std::string::npos);
  EXPECT_NE(err({{"fft_lenght", 64}}).find("unknown parameter"), std::string::npos);
  EXPECT_EQ(err({}), "");
}
