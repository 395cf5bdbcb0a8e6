// runtime/dsp/flatten against numpy/scipy.stats (tests/ref/flatten.py); raw's scaling.
#include "dsp/flatten.h"

#include <gtest/gtest.h>

#include "dsp/raw.h"
#include "support/test_support.h"

using namespace mote;

TEST(Flatten, MatchesScipyStats) {
  const auto& d = test::reference_data("flatten.py", "flatten.json");
  ASSERT_TRUE(d.contains("cases")) << "tests/ref/flatten.py failed";
  for (const auto& c : d["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    dsp::FlattenConfig cfg{c["frames"], c["axes"], c["scale"], (1u << dsp::FLATTEN_STAT_COUNT) - 1};
    auto in = c["input"].get<std::vector<float>>();
    std::vector<float> out(dsp::flatten_output_len(cfg)), scratch(cfg.frames);
    ASSERT_EQ(dsp::flatten_f32(cfg, in.data(), out.data(), out.size(), scratch.data(), scratch.size() * 4), MOTE_OK);
    EXPECT_LE(test::max_relative_error(out, c["expected"].get<std::vector<double>>()), 1e-4);
  }
}

TEST(Flatten, ChosenStatsOnlyInOrder) {
  dsp::FlattenConfig cfg{4, 1, 1.0f, (1u << dsp::FLATTEN_MIN) | (1u << dsp::FLATTEN_MAX)};
  std::vector<float> in = {3, -1, 7, 2}, out(2), scratch(4);
  ASSERT_EQ(dsp::flatten_output_len(cfg), 2u);
  ASSERT_EQ(dsp::flatten_f32(cfg, in.data(), out.data(), 2, scratch.data(), 16), MOTE_OK);
  EXPECT_EQ(out, (std::vector<float>{-1, 7}));
  EXPECT_EQ(dsp::flatten_f32(cfg, in.data(), out.data(), 1, scratch.data(), 16), MOTE_ERR_SHAPE);
}

TEST(Raw, ScalesEveryValue) {
  dsp::RawConfig cfg{2, 2, 0.5f};
  std::vector<float> in = {1, 2, 3, 4}, out(4);
  ASSERT_EQ(dsp::raw_f32(cfg, in.data(), out.data(), 4), MOTE_OK);
  EXPECT_EQ(out, (std::vector<float>{0.5f, 1, 1.5f, 2}));
  EXPECT_EQ(dsp::raw_f32(cfg, in.data(), out.data(), 3), MOTE_ERR_SHAPE);
}
