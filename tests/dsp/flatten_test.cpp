// runtime/dsp/flatten against numpy / scipy.stats (tests/ref/flatten.py).
#include "dsp/flatten.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "support/test_support.h"

using namespace mote;

TEST(Flatten, MatchesScipyStats) {
  const auto& d = test::reference_data("flatten.py", "flatten.json");
  ASSERT_TRUE(d.contains("cases")) << "tests/ref/flatten.py failed";
  for (const auto& c : d["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    dsp::FlattenConfig cfg{c["frames"], c["axes"], c["scale"], c["stats"]};
    auto in = c["input"].get<std::vector<float>>();
    auto expected = c["expected"].get<std::vector<double>>();
    ASSERT_EQ(dsp::flatten_output_len(cfg), expected.size());
    EXPECT_EQ(dsp::flatten_scratch_bytes(cfg), 0u);
    std::vector<float> out(dsp::flatten_output_len(cfg));
    ASSERT_EQ(dsp::flatten_f32(cfg, in.data(), out.data(), out.size(), nullptr, 0), MOTE_OK);
    EXPECT_LE(test::max_relative_error(out, expected), 1e-4);
  }
}

TEST(Flatten, ChosenStatsOnlyAxisMajorInEnumOrder) {
  dsp::FlattenConfig cfg{4, 2, 1.0f, (1u << dsp::FLATTEN_MAX) | (1u << dsp::FLATTEN_MIN)};
  std::vector<float> in = {3, 10, -1, 20, 7, 30, 2, 40}, out(4);
  ASSERT_EQ(dsp::flatten_output_len(cfg), 4u);
  ASSERT_EQ(dsp::flatten_f32(cfg, in.data(), out.data(), 4, nullptr, 0), MOTE_OK);
  EXPECT_EQ(out, (std::vector<float>{-1, 7, 10, 40}));
}

TEST(Flatten, RefusesBadArguments) {
  std::vector<float> in(8), out(14);
  dsp::FlattenConfig cfg{4, 2, 1.0f, dsp::kFlattenAllStats};
  EXPECT_EQ(dsp::flatten_f32(cfg, in.data(), out.data(), 13, nullptr, 0), MOTE_ERR_SHAPE);
  EXPECT_EQ(dsp::flatten_f32(cfg, nullptr, out.data(), 14, nullptr, 0), MOTE_ERR_ARG);
  cfg.stats = 0;
  EXPECT_EQ(dsp::flatten_f32(cfg, in.data(), out.data(), 14, nullptr, 0), MOTE_ERR_ARG);
  cfg.stats = 1u << dsp::FLATTEN_STAT_COUNT;
  EXPECT_EQ(dsp::flatten_f32(cfg, in.data(), out.data(), 14, nullptr, 0), MOTE_ERR_ARG);
  cfg = {0, 2, 1.0f, 1u};
  EXPECT_EQ(dsp::flatten_f32(cfg, in.data(), out.data(), 14, nullptr, 0), MOTE_ERR_ARG);
}

TEST(Flatten, AxisMomentsReadsEveryStrideAndScales) {
  std::vector<float> xy = {1, 0, 2, 0, 6, 0};
  dsp::Moments m;
  dsp::axis_moments(xy.data(), 3, 2, -2.0f, &m);
  EXPECT_FLOAT_EQ(m.mean, -6.0f);
  EXPECT_EQ(m.min, -12.0f);
  EXPECT_EQ(m.max, -2.0f);
  EXPECT_FLOAT_EQ(m.rms, std::sqrt((4.0f + 16.0f + 144.0f) / 3.0f));
  EXPECT_LT(m.skewness, 0.0f);  // one large negative value
}

TEST(Flatten, MomentsWithoutExtremaAreTheSameFloats) {
  // The spectral block's variant skips min and max; every other field is the same float.
  std::vector<float> x(3 * 211);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(9.81 * (i % 3 == 2) + 0.5 * std::sin(0.37 * double(i)));
  for (float scale : {1.0f, -0.25f})
    for (size_t a = 0; a < 3; ++a) {
      dsp::Moments all, some;
      dsp::axis_moments(x.data() + a, 211, 3, scale, &all);
      dsp::axis_moments_no_extrema(x.data() + a, 211, 3, scale, &some);
      EXPECT_EQ(some.mean, all.mean);
      EXPECT_EQ(some.rms, all.rms);
      EXPECT_EQ(some.stdev, all.stdev);
      EXPECT_EQ(some.skewness, all.skewness);
      EXPECT_EQ(some.kurtosis, all.kurtosis);
    }
}
