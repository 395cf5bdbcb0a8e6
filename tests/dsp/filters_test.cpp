// Butterworth design (src/impulse/dsp_tables) against scipy.signal.butter(output='sos'), and the runtime
// biquads (runtime/dsp/filters) against scipy.signal.sosfilt (tests/ref/filters.py).
#include "dsp/filters.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "impulse/dsp_tables.h"
#include "support/test_support.h"

using namespace mote;

namespace {

const nlohmann::json& filter_data() { return test::reference_data("filters.py", "filters.json"); }

std::vector<float> run(const std::vector<float>& sos, const std::vector<float>& in) {
  dsp::BiquadCascade f{static_cast<uint16_t>(sos.size() / 6), sos.data()};
  std::vector<float> out(in.size()), state(dsp::sosfilt_state_bytes(f) / sizeof(float));
  EXPECT_EQ(dsp::sosfilt_f32(f, in.data(), out.data(), in.size(), 1, state.data()), MOTE_OK);
  return out;
}

}  // namespace

TEST(DspTables, ButterworthSosMatchesScipyOrders1To8) {
  const auto& d = filter_data();
  ASSERT_TRUE(d.contains("cases")) << "tests/ref/filters.py failed";
  for (const auto& c : d["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    auto sos = butterworth_sos(c["order"], c["cutoff_hz"], c["fs"], c["highpass"]);
    auto want = c["sos"].get<std::vector<double>>();
    ASSERT_EQ(sos.size(), want.size());
    EXPECT_EQ(sos.size(), 6u * ((c["order"].get<size_t>() + 1) / 2));
    // Same sections in the same order: each coefficient is scipy's, rounded to float.
    for (size_t i = 0; i < sos.size(); ++i) EXPECT_NEAR(sos[i], want[i], 1e-6 * std::max(1.0, std::fabs(want[i]))) << i;
  }
}

TEST(DspTables, ButterworthRefusesBadDesigns) {
  EXPECT_THROW(butterworth_sos(0, 10, 100, false), Error);
  EXPECT_THROW(butterworth_sos(9, 10, 100, false), Error);
  EXPECT_THROW(butterworth_sos(2, 50, 100, true), Error);
  EXPECT_THROW(butterworth_sos(2, 0, 100, false), Error);
  EXPECT_THROW(butterworth_sos(2, 10, 0, false), Error);
}

TEST(Filters, MatchesScipySosfilt) {
  const auto& d = filter_data();
  ASSERT_TRUE(d.contains("cases")) << "tests/ref/filters.py failed";
  ASSERT_GE(d["cases"].size(), 64u);
  for (const auto& c : d["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    auto in = c["input"].get<std::vector<float>>();
    auto expected = c["expected"].get<std::vector<double>>();
    // The runtime with the host's design, and with scipy's coefficients: both within tolerance.
    EXPECT_LE(test::max_relative_error(run(butterworth_sos(c["order"], c["cutoff_hz"], c["fs"], c["highpass"]), in), expected), 1e-4);
    EXPECT_LE(test::max_relative_error(run(c["sos"].get<std::vector<float>>(), in), expected), 1e-4);
  }
}

TEST(Filters, StreamingInChunksEqualsWhole) {
  auto sos = butterworth_sos(5, 8, 100, false);
  dsp::BiquadCascade f{static_cast<uint16_t>(sos.size() / 6), sos.data()};
  std::vector<float> x(300), whole(300), chunked(300), state(6);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.2f * i) + (i % 7 == 0 ? 1.0f : 0.0f);
  ASSERT_EQ(dsp::sosfilt_state_bytes(f), 6u * sizeof(float));
  ASSERT_EQ(dsp::sosfilt_f32(f, x.data(), whole.data(), x.size(), 1, state.data()), MOTE_OK);
  state.assign(6, 123.0f);
  dsp::sosfilt_reset(f, state.data());
  for (size_t at = 0, len = 1; at < x.size(); at += len, len = len * 2 + 1) {
    size_t n = std::min(len, x.size() - at);
    ASSERT_EQ(dsp::sosfilt_stream_f32(f, x.data() + at, chunked.data() + at, n, 1, state.data()), MOTE_OK);
  }
  EXPECT_EQ(chunked, whole);
}

TEST(Filters, StrideReadsOneAxisAndInPlaceWorks) {
  auto sos = butterworth_sos(2, 10, 100, false);
  dsp::BiquadCascade f{1, sos.data()};
  std::vector<float> xy = {1, 100, 2, 200, 3, 300, 4, 400}, x = {1, 2, 3, 4}, ox(4), state(2);
  ASSERT_EQ(dsp::sosfilt_f32(f, x.data(), ox.data(), 4, 1, state.data()), MOTE_OK);
  ASSERT_EQ(dsp::sosfilt_f32(f, xy.data(), xy.data(), 4, 2, state.data()), MOTE_OK);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(xy[2 * i], ox[i]);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(xy[2 * i + 1], 100.0f * (i + 1));  // the other axis is untouched
}

TEST(Filters, NoSectionsIsIdentityAndBadArgumentsAreRefused) {
  dsp::BiquadCascade none{0, nullptr};
  std::vector<float> x = {1, -2, 3}, y(3);
  EXPECT_EQ(dsp::sosfilt_state_bytes(none), 0u);
  ASSERT_EQ(dsp::sosfilt_f32(none, x.data(), y.data(), 3, 1, nullptr), MOTE_OK);
  EXPECT_EQ(y, x);
  auto sos = butterworth_sos(2, 10, 100, true);
  dsp::BiquadCascade f{1, sos.data()};
  float state[2];
  EXPECT_EQ(dsp::sosfilt_f32(f, x.data(), y.data(), 3, 1, nullptr), MOTE_ERR_ARG);
  EXPECT_EQ(dsp::sosfilt_f32(f, x.data(), y.data(), 3, 0, state), MOTE_ERR_ARG);
  EXPECT_EQ(dsp::sosfilt_stream_f32(f, nullptr, y.data(), 3, 1, state), MOTE_ERR_ARG);
  dsp::BiquadCascade missing{1, nullptr};
  EXPECT_EQ(dsp::sosfilt_f32(missing, x.data(), y.data(), 3, 1, state), MOTE_ERR_ARG);
}
