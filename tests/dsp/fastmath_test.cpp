// runtime/dsp/fastmath: portable log/exp against float64 numpy truths, within 2 float ulp.
#include "dsp/fastmath.h"

#include <gtest/gtest.h>

#include <cmath>

#include "support/test_support.h"

using namespace mote;

namespace {
double ulps(float got, double truth) {
  float t = static_cast<float>(truth);
  if (std::isinf(t)) return got == t ? 0 : 1e9;
  double ulp = std::nextafter(std::fabs(t), INFINITY) - std::fabs(t);
  return std::fabs(got - truth) / ulp;
}
}  // namespace

TEST(FastMath, LogAndExpWithinTwoUlp) {
  const auto& d = test::reference_data("fastmath.py", "fastmath.json");
  ASSERT_TRUE(d.contains("log_in")) << "tests/ref/fastmath.py failed";
  auto lin = d["log_in"].get<std::vector<float>>();
  auto lt = d["log"].get<std::vector<double>>(), l10 = d["log10"].get<std::vector<double>>();
  double worst_log = 0, worst_log10 = 0, worst_exp = 0;
  for (size_t i = 0; i < lin.size(); ++i) {
    worst_log = std::max(worst_log, std::fabs(lt[i]) < 1e-3 ? std::fabs(dsp::log_f32(lin[i]) - lt[i]) / 1e-7 : ulps(dsp::log_f32(lin[i]), lt[i]));
    worst_log10 = std::max(worst_log10, std::fabs(l10[i]) < 1e-3 ? 0 : ulps(dsp::log10_f32(lin[i]), l10[i]));
  }
  auto ein = d["exp_in"].get<std::vector<float>>();
  auto et = d["exp"].get<std::vector<double>>();
  for (size_t i = 0; i < ein.size(); ++i)
    if (et[i] > 1.2e-38) worst_exp = std::max(worst_exp, ulps(dsp::exp_f32(ein[i]), et[i]));
  EXPECT_LE(worst_log, 2.0);
  EXPECT_LE(worst_log10, 3.0);
  EXPECT_LE(worst_exp, 2.0);
}

TEST(FastMath, SpecialValues) {
  EXPECT_TRUE(std::isinf(dsp::log_f32(0.0f)) && dsp::log_f32(0.0f) < 0);
  EXPECT_TRUE(std::isnan(dsp::log_f32(-1.0f)));
  EXPECT_TRUE(std::isinf(dsp::log_f32(INFINITY)));
  EXPECT_EQ(dsp::log_f32(1.0f), 0.0f);
  EXPECT_EQ(dsp::exp_f32(0.0f), 1.0f);
  EXPECT_EQ(dsp::exp_f32(-200.0f), 0.0f);
  EXPECT_TRUE(std::isinf(dsp::exp_f32(100.0f)));
}
