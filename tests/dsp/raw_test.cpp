// runtime/dsp/raw against numpy (tests/ref/raw.py): a float product is exactly rounded, so bit-exact.
#include "dsp/raw.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

using namespace mote;

TEST(Raw, MatchesNumpyBitExact) {
  const auto& d = test::reference_data("raw.py", "raw.json");
  ASSERT_TRUE(d.contains("cases")) << "tests/ref/raw.py failed";
  for (const auto& c : d["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    dsp::RawConfig cfg{c["frames"], c["axes"], c["scale"]};
    auto in = c["input"].get<std::vector<float>>();
    auto expected = c["expected"].get<std::vector<double>>();
    ASSERT_EQ(dsp::raw_output_len(cfg), in.size());
    EXPECT_EQ(dsp::raw_scratch_bytes(cfg), 0u);
    std::vector<float> out(dsp::raw_output_len(cfg));
    ASSERT_EQ(dsp::raw_f32(cfg, in.data(), out.data(), out.size()), MOTE_OK);
    EXPECT_LE(test::max_relative_error(out, expected), 1e-4);
    for (size_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i], static_cast<float>(expected[i])) << i;
  }
}

TEST(Raw, ScalesInPlaceFrameMajor) {
  dsp::RawConfig cfg{2, 2, 0.5f};
  std::vector<float> buf = {1, 2, 3, 4};
  ASSERT_EQ(dsp::raw_f32(cfg, buf.data(), buf.data(), 4), MOTE_OK);
  EXPECT_EQ(buf, (std::vector<float>{0.5f, 1, 1.5f, 2}));
}

TEST(Raw, RefusesBadArguments) {
  dsp::RawConfig cfg{2, 2, 1.0f};
  std::vector<float> in(4), out(4);
  EXPECT_EQ(dsp::raw_f32(cfg, in.data(), out.data(), 3), MOTE_ERR_SHAPE);
  EXPECT_EQ(dsp::raw_f32(cfg, nullptr, out.data(), 4), MOTE_ERR_ARG);
  EXPECT_EQ(dsp::raw_f32(cfg, in.data(), nullptr, 4), MOTE_ERR_ARG);
}
