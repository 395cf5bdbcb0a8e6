// src/quant: TFLite-style post-training int8 quantization and the host int8 executor. Random IR models are
// quantized from calibration inputs; int8 outputs must track ir::run_float, both kernel paths must agree,
// and a whole quantized model must agree bit for bit with tests/ref/nn_int8.py --model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/error.h"
#include "quant/executor.h"
#include "quant/quantize.h"
#include "support/model_fixtures.h"
#include "support/test_support.h"

using namespace mote;

namespace {

using test::Builder;

std::vector<ir::Model> classifiers() { return test::classifier_models(); }

std::vector<std::vector<float>> inputs(const ir::Model& m, int n, unsigned seed) {
  return test::random_inputs(m, n, seed);
}

size_t argmax(const std::vector<float>& v) { return std::max_element(v.begin(), v.end()) - v.begin(); }

}  // namespace

TEST(Quantize, MultiplierMatchesReference) {
  const auto& d = test::reference_data("nn_int8.py", "nn_int8.json");
  ASSERT_TRUE(d.contains("multipliers")) << "tests/ref/nn_int8.py failed";
  for (const auto& row : d["multipliers"]) {
    const auto [m, s] = quant::quantize_multiplier(row[0].get<double>());
    EXPECT_EQ(m, row[1].get<int32_t>()) << row[0];
    EXPECT_EQ(s, row[2].get<int32_t>()) << row[0];
  }
}

TEST(Quantize, ChosenRangesRepresentZeroExactly) {
  for (auto [lo, hi] : std::vector<std::pair<double, double>>{{-1, 1}, {0, 6}, {0.5, 3}, {-7.25, -0.1}, {-0.3, 11}}) {
    const auto t = quant::choose_quant(lo, hi);
    SCOPED_TRACE(std::to_string(lo) + ".." + std::to_string(hi));
    EXPECT_GE(t.zero_point, -128);
    EXPECT_LE(t.zero_point, 127);
    // Both ends (widened to include 0) fall inside the int8 grid to within one step.
    EXPECT_GE(std::round(std::min(lo, 0.0) / t.scale) + t.zero_point, -128 - 1);
    EXPECT_LE(std::round(std::max(hi, 0.0) / t.scale) + t.zero_point, 127 + 1);
    EXPECT_NEAR(t.scale, (std::max(hi, 0.0) - std::min(lo, 0.0)) / 255.0, 1e-7);
  }
  EXPECT_EQ(quant::choose_quant(0, 6).zero_point, -128);   // ReLU output: 0 is the lowest code
  EXPECT_EQ(quant::choose_quant(-5, 0).zero_point, 127);
  EXPECT_GT(quant::choose_quant(0, 0).scale, 0.0f);
}

TEST(Quantize, ClassifiersTrackFloatOnBothPaths) {
  for (const auto& m : classifiers()) {
    SCOPED_TRACE("input " + std::to_string(m.input.h) + "x" + std::to_string(m.input.w) + "x" + std::to_string(m.input.c));
    const auto q = quant::quantize(m, inputs(m, 200, 1));
    EXPECT_EQ(q.output().scale, 1.0f / 256.0f);
    EXPECT_EQ(q.output().zero_point, -128);
    const auto test = inputs(m, 300, 2);
    int agree = 0;
    double worst = 0, sum = 0;
    for (const auto& x : test) {
      const auto f = ir::run_float(m, x.data());
      const auto xq = quant::quantize_input(q, x.data());
      const auto yr = quant::run_int8(q, xq.data(), quant::KernelPath::Reference);
      const auto yd = quant::run_int8(q, xq.data(), quant::KernelPath::Dsp);
      ASSERT_EQ(yr, yd) << "reference and DSP paths differ";
      const auto p = quant::dequantize_output(q, yr);
      agree += argmax(p) == argmax(f);
      for (size_t i = 0; i < f.size(); ++i) {
        worst = std::max(worst, static_cast<double>(std::fabs(p[i] - f[i])));
        sum += std::fabs(p[i] - f[i]);
      }
    }
    std::printf("classifier %dx%dx%d: argmax agreement %d/%zu, mean |dp| %.4f, max |dp| %.4f\n", m.input.h, m.input.w,
                m.input.c, agree, test.size(), sum / (test.size() * m.output().size()), worst);
    EXPECT_GE(agree, 0.95 * test.size()) << agree << " of " << test.size();
    EXPECT_LT(sum / (test.size() * m.output().size()), 0.02) << "mean |p_int8 - p_float|";
    EXPECT_LT(worst, 0.2) << "max |p_int8 - p_float|";
  }
}

TEST(Quantize, RandomDenseClassifiersAgreeWithFloat) {
  std::mt19937 rng(99);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % static_cast<unsigned>(hi - lo + 1)); };
  int agree_all = 0, total = 0;
  for (int trial = 0; trial < 10; ++trial) {
    Builder b;
    b.rng.seed(100 + trial);
    ir::Model m;
    int width = pick(5, 60);
    m.input = {1, 1, width};
    const int hidden = pick(1, 3);
    for (int h = 0; h < hidden; ++h) {
      const int units = pick(4, 40);
      const auto act = static_cast<ir::Activation>(pick(0, 2));
      m.layers.push_back(b.dense(units, width, act));
      width = units;
    }
    const int classes = pick(2, 6);
    m.layers.push_back(b.dense(classes, width));
    m.layers.push_back(b.simple(ir::Op::Softmax));
    for (int c = 0; c < classes; ++c) m.labels.push_back("c" + std::to_string(c));
    ir::infer_shapes(m);
    const auto q = quant::quantize(m, inputs(m, 300, 200 + trial));
    int agree = 0;
    const auto test = inputs(m, 200, 300 + trial);
    for (const auto& x : test) agree += argmax(quant::run_quantized(q, x.data())) == argmax(ir::run_float(m, x.data()));
    EXPECT_GE(agree, 0.9 * test.size()) << "trial " << trial;
    agree_all += agree;
    total += static_cast<int>(test.size());
  }
  std::printf("random dense classifiers: argmax agreement %d/%d\n", agree_all, total);
  EXPECT_GE(agree_all, 0.95 * total);
}

TEST(Quantize, RegressionErrorBoundedByOutputRange) {
  Builder b;
  ir::Model m;
  m.input = {1, 1, 16};
  m.layers = {b.dense(12, 16, ir::Activation::Relu), b.dense(8, 12, ir::Activation::Relu6), b.dense(2, 8)};
  m.regression = true;
  m.labels = {"x", "y"};
  ir::infer_shapes(m);
  // Min/max calibration clips what lies beyond the calibration set, so the bound is on the typical error
  // (mean) tightly and on the worst case loosely; on the calibration data itself the worst case is tight.
  const auto calibration = inputs(m, 1000, 3);
  const auto q = quant::quantize(m, calibration);
  auto measure = [&](const std::vector<std::vector<float>>& xs, double& lo, double& hi, double& worst, double& mean) {
    lo = INFINITY, hi = -INFINITY, worst = 0, mean = 0;
    for (const auto& x : xs) {
      const auto f = ir::run_float(m, x.data());
      const auto y = quant::run_quantized(q, x.data());
      for (size_t i = 0; i < f.size(); ++i) {
        lo = std::min(lo, static_cast<double>(f[i]));
        hi = std::max(hi, static_cast<double>(f[i]));
        worst = std::max(worst, static_cast<double>(std::fabs(y[i] - f[i])));
        mean += std::fabs(y[i] - f[i]) / (xs.size() * f.size());
      }
    }
  };
  double lo, hi, worst, mean;
  measure(calibration, lo, hi, worst, mean);
  EXPECT_LT(worst, 0.03 * (hi - lo)) << "calibration data: worst " << worst << " over a range of " << hi - lo;
  measure(inputs(m, 300, 4), lo, hi, worst, mean);
  EXPECT_LT(mean, 0.01 * (hi - lo)) << "held-out data: mean " << mean << " over a range of " << hi - lo;
  EXPECT_LT(worst, 0.1 * (hi - lo)) << "held-out data: worst " << worst << " over a range of " << hi - lo;
  std::printf("regression: held-out mean |error| %.4f, worst %.4f, output range %.3f\n", mean, worst, hi - lo);
}

TEST(Quantize, WholeModelsMatchNumpyReferenceBitExact) {
  test::TempDir dir;
  int idx = 0;
  for (const auto& m : classifiers()) {
    const auto q = quant::quantize(m, inputs(m, 100, 5));
    auto j = quant::to_json(q);
    std::vector<std::vector<int8_t>> xs, ys;
    for (const auto& x : inputs(m, 8, 6)) {
      xs.push_back(quant::quantize_input(q, x.data()));
      ys.push_back(quant::run_int8(q, xs.back().data()));
    }
    j["inputs"] = xs;
    const auto in = dir / ("model" + std::to_string(idx) + ".json");
    const auto out = dir / ("out" + std::to_string(idx++) + ".json");
    test::write_text(in, j.dump());
    ASSERT_EQ(test::run_reference("nn_int8.py", "--model " + in.string() + " " + out.string()), 0);
    const auto ref = nlohmann::json::parse(test::read_text(out));
    ASSERT_EQ(ref["outputs"].size(), ys.size());
    for (size_t i = 0; i < ys.size(); ++i) EXPECT_EQ(ref["outputs"][i].get<std::vector<int8_t>>(), ys[i]) << "input " << i;
  }
}

TEST(Quantize, RefusesBadCalibration) {
  const auto m = classifiers()[0];
  EXPECT_THROW(quant::quantize(m, {}), Error);
  try {
    quant::quantize(m, {std::vector<float>(32, 0.0f)});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("calibration input 0 has 32 values"), std::string::npos) << e.what();
  }
}

namespace {

// Inputs whose channels differ in unit by up to 10^5 (raw g beside deg/s); `spread` per channel, repeated HWC.
std::vector<std::vector<float>> mixed_unit_inputs(const ir::Model& m, const std::vector<float>& spread, int n, unsigned seed) {
  auto xs = test::random_inputs(m, n, seed);
  for (auto& x : xs)
    for (size_t i = 0; i < x.size(); ++i) x[i] = x[i] * spread[i % spread.size()] + 3 * spread[i % spread.size()];
  return xs;
}

// A trained network sees standardized inputs: its first layer's weights carry 1 / spread (as mote's export folds).
// Weight j reads input channel j % spread.size(): dense [units][in] with in = spread.size(), or conv OHWI.
void fold_spread(ir::Layer& first, const std::vector<float>& spread) {
  for (size_t j = 0; j < first.weights.size(); ++j) first.weights[j] /= spread[j % spread.size()];
}

int agreement(const ir::Model& m, const quant::QModel& q, const std::vector<std::vector<float>>& xs) {
  int agree = 0;
  for (const auto& x : xs) agree += argmax(quant::run_quantized(q, x.data())) == argmax(ir::run_float(m, x.data()));
  return agree;
}

}  // namespace

TEST(Quantize, MixedUnitDenseInputsGetThePerChannelMap) {
  Builder b;
  ir::Model m;
  m.input = {1, 1, 12};
  m.layers = {b.dense(16, 12, ir::Activation::Relu), b.dense(4, 16), b.simple(ir::Op::Softmax)};
  m.labels = {"a", "b", "c", "d"};
  const std::vector<float> spread = {1000, 0.01f, 1, 250, 0.05f, 3, 1000, 0.01f, 1, 250, 0.05f, 3};
  fold_spread(m.layers[0], spread);
  // The folded bias: centred features (x - 3 spread) / spread, as a normalized network reads them.
  for (int u = 0; u < 16; ++u)
    for (int k = 0; k < 12; ++k) m.layers[0].bias[u] -= m.layers[0].weights[u * 12 + k] * 3 * spread[k];
  ir::infer_shapes(m);
  const auto cal = mixed_unit_inputs(m, spread, 400, 1), held_out = mixed_unit_inputs(m, spread, 300, 2);

  const auto one_scale = quant::quantize(m, cal, {false, quant::InputScaling::PerTensor});
  const auto mapped = quant::quantize(m, cal, {false, quant::InputScaling::PerChannel});
  const auto chosen = quant::quantize(m, cal);
  EXPECT_TRUE(one_scale.input_gain.empty());
  ASSERT_EQ(mapped.input_gain.size(), 12u);  // a flat input: one entry per feature
  ASSERT_EQ(mapped.input_offset.size(), 12u);
  const int a_one = agreement(m, one_scale, held_out), a_map = agreement(m, mapped, held_out);
  std::printf("mixed-unit dense: argmax agreement with float, one scale %d/300, per-channel map %d/300\n", a_one, a_map);
  EXPECT_LT(a_one, 0.8 * 300) << "one int8 scale cannot hold 0.01 beside 1000";
  EXPECT_GE(a_map, 0.97 * 300);
  EXPECT_EQ(chosen.input_gain, mapped.input_gain) << "auto takes the map when one scale strays";
  // Each feature lands in about [-1, 1] at the input scale: gain x spread x 3.5 sigma spans ~ 127 steps.
  for (size_t k = 0; k < 12; ++k) {
    const float u = mapped.input_gain[k] * mapped.input.scale * spread[k];
    EXPECT_GT(u, 0.05f) << k;
    EXPECT_LT(u, 1.0f) << k;
  }
  // The executor's input is the kernel's: x * gain + offset, rounded half away, plus the zero point.
  const auto xq = quant::quantize_input(mapped, held_out[0].data());
  for (size_t k = 0; k < 12; ++k) {
    const float v = held_out[0][k] * mapped.input_gain[k] + mapped.input_offset[k];
    const int expected = std::clamp(static_cast<int>(std::round(v)) + mapped.input.zero_point, -128, 127);
    EXPECT_EQ(xq[k], expected) << k;
  }
}

TEST(Quantize, WellScaledInputsKeepOneScale) {
  // The random classifiers take N(0, 1) inputs: one scale stays within 1 %, so auto adds no flash.
  for (const auto& m : classifiers()) {
    const auto q = quant::quantize(m, inputs(m, 300, 1));
    EXPECT_TRUE(q.input_gain.empty()) << m.input.h << "x" << m.input.w << "x" << m.input.c;
  }
}

TEST(Quantize, MixedUnitConvInputsGetOneGainPerChannel) {
  Builder b;
  ir::Model m;
  m.input = {1, 40, 6};  // 40 frames of a 6-axis IMU: accelerometer in g, gyroscope in deg/s
  m.layers = {b.conv(8, 1, 5, 1, 6, ir::Padding::Same, ir::Activation::Relu), b.pool(ir::Op::MaxPool2D, 1, 4, 4, ir::Padding::Valid),
              b.simple(ir::Op::Reshape), b.dense(5, 80), b.simple(ir::Op::Softmax)};
  m.labels = {"a", "b", "c", "d", "e"};
  const std::vector<float> spread = {2, 2, 2, 2000, 2000, 2000};
  fold_spread(m.layers[0], spread);  // OHWI: the input channel is the last axis
  ir::infer_shapes(m);
  const auto cal = mixed_unit_inputs(m, spread, 300, 3), held_out = mixed_unit_inputs(m, spread, 200, 4);
  const auto one_scale = quant::quantize(m, cal, {false, quant::InputScaling::PerTensor});
  const auto chosen = quant::quantize(m, cal);
  ASSERT_EQ(chosen.input_gain.size(), 6u);  // HWC: one gain per channel, repeated along time
  for (float o : chosen.input_offset) EXPECT_EQ(o, 0.0f) << "an offset would not commute with zero padding";
  const int a_one = agreement(m, one_scale, held_out), a_map = agreement(m, chosen, held_out);
  std::printf("mixed-unit conv1d: argmax agreement with float, one scale %d/200, per-channel map %d/200\n", a_one, a_map);
  EXPECT_GE(a_map, 0.95 * 200);
  EXPECT_GT(a_map, a_one);
  // Both kernel paths still agree on the mapped model.
  for (const auto& x : held_out) {
    const auto xq = quant::quantize_input(chosen, x.data());
    ASSERT_EQ(quant::run_int8(chosen, xq.data(), quant::KernelPath::Reference),
              quant::run_int8(chosen, xq.data(), quant::KernelPath::Dsp));
  }
}

TEST(Quantize, PerChannelMapNeedsAWeightedFirstLayer) {
  Builder b;
  ir::Model m;
  m.input = {1, 1, 8};
  m.layers = {b.simple(ir::Op::Softmax)};
  ir::infer_shapes(m);
  const auto cal = inputs(m, 20, 1);
  EXPECT_THROW(quant::quantize(m, cal, {false, quant::InputScaling::PerChannel}), Error);
  EXPECT_TRUE(quant::quantize(m, cal).input_gain.empty());
}
