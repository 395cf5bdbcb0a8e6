// runtime/dsp/fastmath: portable log/log10/exp within 1 float ulp, checked on a sweep of the float
// range against float64 libm and on numpy's float64 truths (tests/ref/fastmath.py).
#include "dsp/fastmath.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "support/test_support.h"

using namespace mote;

namespace {

// |got - truth| in units of the float spacing at truth.
double ulps(float got, double truth) {
  float t = static_cast<float>(truth);
  if (std::isinf(t)) return got == t ? 0 : 1e9;
  double ulp = std::nextafter(std::fabs(t), INFINITY) - std::fabs(t);
  return std::fabs(got - truth) / ulp;
}

float float_of(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

}  // namespace

TEST(FastMath, SweepOfFloatRangeWithinOneUlp) {
  double worst_log = 0, worst_log10 = 0, worst_exp = 0;
  // Every 1021st positive float bit pattern, subnormals included: about 2 million inputs.
  for (uint32_t u = 1; u < 0x7f800000u; u += 1021) {
    const float x = float_of(u);
    worst_log = std::max(worst_log, ulps(dsp::log_f32(x), std::log(static_cast<double>(x))));
    worst_log10 = std::max(worst_log10, ulps(dsp::log10_f32(x), std::log10(static_cast<double>(x))));
  }
  for (uint64_t u = 0; u <= 0xffffffffu; u += 2039) {
    const float x = float_of(static_cast<uint32_t>(u));
    const double truth = std::exp(static_cast<double>(x));
    if (std::isnan(x) || truth < 1.1754943508222875e-38 || truth > 3.4028234663852886e38) continue;
    worst_exp = std::max(worst_exp, ulps(dsp::exp_f32(x), truth));
  }
  EXPECT_LT(worst_log, 1.0);
  EXPECT_LT(worst_log10, 1.0);
  EXPECT_LT(worst_exp, 1.0);
}

TEST(FastMath, MatchesNumpyWithinOneUlp) {
  const auto& d = test::reference_data("fastmath.py", "fastmath.json");
  ASSERT_TRUE(d.contains("log_in")) << "tests/ref/fastmath.py failed";
  auto lin = d["log_in"].get<std::vector<float>>();
  auto lt = d["log"].get<std::vector<double>>(), l10 = d["log10"].get<std::vector<double>>();
  double worst_log = 0, worst_log10 = 0, worst_exp = 0;
  for (size_t i = 0; i < lin.size(); ++i) {
    worst_log = std::max(worst_log, ulps(dsp::log_f32(lin[i]), lt[i]));
    worst_log10 = std::max(worst_log10, ulps(dsp::log10_f32(lin[i]), l10[i]));
  }
  auto ein = d["exp_in"].get<std::vector<float>>();
  auto et = d["exp"].get<std::vector<double>>();
  for (size_t i = 0; i < ein.size(); ++i)
    if (et[i] > 1.2e-38) worst_exp = std::max(worst_exp, ulps(dsp::exp_f32(ein[i]), et[i]));
  EXPECT_LT(worst_log, 1.0);
  EXPECT_LT(worst_log10, 1.0);
  EXPECT_LT(worst_exp, 1.0);
}

TEST(FastMath, SpecialValues) {
  EXPECT_TRUE(std::isinf(dsp::log_f32(0.0f)) && dsp::log_f32(0.0f) < 0);
  EXPECT_TRUE(std::isinf(dsp::log_f32(-0.0f)) && dsp::log_f32(-0.0f) < 0);
  EXPECT_TRUE(std::isnan(dsp::log_f32(-1.0f)));
  EXPECT_TRUE(std::isnan(dsp::log10_f32(-INFINITY)));
  EXPECT_TRUE(std::isnan(dsp::log_f32(NAN)));
  EXPECT_TRUE(std::isinf(dsp::log_f32(INFINITY)));
  EXPECT_EQ(dsp::log_f32(1.0f), 0.0f);
  EXPECT_EQ(dsp::log10_f32(1.0f), 0.0f);
  for (int e = 0; e <= 10; ++e) EXPECT_EQ(dsp::log10_f32(static_cast<float>(std::pow(10.0, e))), static_cast<float>(e)) << e;  // exact powers
  EXPECT_EQ(dsp::exp_f32(0.0f), 1.0f);
  EXPECT_EQ(dsp::exp_f32(-200.0f), 0.0f);
  EXPECT_GT(dsp::exp_f32(-103.0f), 0.0f);  // subnormal result
  EXPECT_TRUE(std::isinf(dsp::exp_f32(100.0f)));
  EXPECT_TRUE(std::isnan(dsp::exp_f32(NAN)));
  EXPECT_EQ(dsp::exp_f32(88.72283f), static_cast<float>(std::exp(static_cast<double>(88.72283f))));  // near FLT_MAX
}

TEST(FastMath, InPlaceLog10IsLog10BitForBit) {
  // log10_f32_inplace runs log10_f32's operations without a call per value (and log10_f32 is it on one
  // value): the same bits on every float class, subnormals and special values included.
  std::vector<float> in;
  for (uint32_t u = 0; u < 0xffffffffu - 65521u; u += 65521u) in.push_back(float_of(u));
  for (float v : {0.0f, -0.0f, 1.0f, 1e-30f, 1e-45f, 3.4e38f, INFINITY, -INFINITY, NAN}) in.push_back(v);
  std::vector<float> out = in;
  dsp::log10_f32_inplace(out.data(), out.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const float want = dsp::log10_f32(in[i]);
    EXPECT_EQ(0, std::memcmp(&out[i], &want, sizeof want)) << in[i];
  }
}
