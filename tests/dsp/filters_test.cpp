// Butterworth design (src/impulse/dsp_tables) + runtime/dsp/filters against scipy butter + sosfilt.
#include "dsp/filters.h"

#include <gtest/gtest.h>

#include "impulse/dsp_tables.h"
#include "support/test_support.h"

using namespace mote;

TEST(Filters, ButterworthMatchesScipyOrders1To8) {
  const auto& d = test::reference_data("filters.py", "filters.json");
  ASSERT_TRUE(d.contains("cases")) << "tests/ref/filters.py failed";
  ASSERT_EQ(d["cases"].size(), 32u);
  for (const auto& c : d["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    auto sos = butterworth_sos(c["order"], c["cutoff_hz"], c["fs"], c["highpass"]);
    EXPECT_EQ(sos.size(), 6u * ((c["order"].get<size_t>() + 1) / 2));
    auto in = c["input"].get<std::vector<float>>();
    std::vector<float> out(in.size()), state(sos.size() / 3);
    dsp::BiquadCascade f{static_cast<uint16_t>(sos.size() / 6), sos.data()};
    ASSERT_EQ(dsp::sosfilt_f32(f, in.data(), out.data(), in.size(), 1, state.data()), MOTE_OK);
    EXPECT_LE(test::max_relative_error(out, c["expected"].get<std::vector<double>>()), 1e-4);
  }
}

TEST(Filters, StrideReadsOneAxisAndInPlaceWorks) {
  auto sos = butterworth_sos(2, 10, 100, false);
  dsp::BiquadCascade f{1, sos.data()};
  std::vector<float> xy = {1, 100, 2, 200, 3, 300, 4, 400}, x = {1, 2, 3, 4}, ox(4), state(2);
  ASSERT_EQ(dsp::sosfilt_f32(f, x.data(), ox.data(), 4, 1, state.data()), MOTE_OK);
  ASSERT_EQ(dsp::sosfilt_f32(f, xy.data(), xy.data(), 4, 2, state.data()), MOTE_OK);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(xy[2 * i], ox[i]);
  EXPECT_EQ(xy[1], 100.0f);  // the other axis is untouched
  EXPECT_THROW(butterworth_sos(9, 10, 100, false), std::exception);
  EXPECT_THROW(butterworth_sos(2, 60, 100, false), std::exception);
}
