// src/compile/tflite_writer: the int8 .tflite of mote's three test classifiers (dense, conv1d, conv2d +
// depthwise) read back with flatbuffers (structure, per-channel quantization) and run by an independent
// runtime, ArmNN's TfLite parser on its CpuRef backend (tests/interop/armnn_tflite_run.cpp), whose int8
// outputs are compared with mote's host int8 executor, whole models and layer by layer (docs/interop.md).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "compile/tflite_writer.h"
#include "core/error.h"
#include "quant/executor.h"
#include "support/model_fixtures.h"
#include "support/test_support.h"
#include "tflite_schema_generated.h"

using namespace mote;

namespace {

struct Case {
  quant::QModel q;
  std::vector<std::vector<float>> inputs;  // held-out test inputs
};

// equal_fc_scales: every FULLY_CONNECTED row rescaled to the same max |w|, so its per-channel scales are
// equal and the writer stores one per-tensor scale (ArmNN 20.08 refuses per-channel FULLY_CONNECTED).
std::vector<Case> cases(bool equal_fc_scales = false) {
  std::vector<Case> out;
  for (auto m : test::classifier_models()) {
    for (auto& l : m.layers) {
      if (!equal_fc_scales || l.op != ir::Op::FullyConnected) continue;
      const size_t n = l.in.size();
      for (int u = 0; u < l.units; ++u) {
        float mx = 0;
        for (size_t k = 0; k < n; ++k) mx = std::max(mx, std::fabs(l.weights[u * n + k]));
        for (size_t k = 0; k < n; ++k) l.weights[u * n + k] *= 0.5f / mx;
      }
    }
    out.push_back({quant::quantize(m, test::random_inputs(m, 300, 1), quant::QuantizeOptions{false, quant::InputScaling::PerTensor}), test::random_inputs(m, 200, 2)});
  }
  return out;
}

}  // namespace

TEST(TfliteWriter, StructureFollowsTheSchema) {
  for (const auto& c : cases()) {
    const auto bytes = compile::write_tflite(c.q);
    flatbuffers::Verifier v(bytes.data(), bytes.size());
    ASSERT_TRUE(tflite::VerifyModelBuffer(v));
    ASSERT_TRUE(tflite::ModelBufferHasIdentifier(bytes.data()));
    const auto* model = tflite::GetModel(bytes.data());
    EXPECT_EQ(model->version(), 3u);
    ASSERT_EQ(model->subgraphs()->size(), 1u);
    const auto* g = model->subgraphs()->Get(0);
    const auto* in = g->tensors()->Get(g->inputs()->Get(0));
    const auto* out = g->tensors()->Get(g->outputs()->Get(0));
    EXPECT_EQ(in->type(), tflite::TensorType_INT8);
    EXPECT_EQ(out->type(), tflite::TensorType_INT8);
    EXPECT_FLOAT_EQ(in->quantization()->scale()->Get(0), c.q.input.scale);
    EXPECT_EQ(in->quantization()->zero_point()->Get(0), c.q.input.zero_point);
    EXPECT_FLOAT_EQ(out->quantization()->scale()->Get(0), 1.0f / 256);
    EXPECT_EQ(out->quantization()->zero_point()->Get(0), -128);
    EXPECT_EQ(model->buffers()->Get(0)->data() == nullptr || model->buffers()->Get(0)->data()->size() == 0, true);
    // Every weighted op: int8 weights with one scale per output channel along the right axis, int32 bias.
    size_t weighted = 0;
    for (const auto* op : *g->operators()) {
      const auto code = model->operator_codes()->Get(op->opcode_index())->builtin_code();
      EXPECT_EQ(model->operator_codes()->Get(op->opcode_index())->deprecated_builtin_code(), static_cast<int8_t>(code));
      if (code != tflite::BuiltinOperator_FULLY_CONNECTED && code != tflite::BuiltinOperator_CONV_2D &&
          code != tflite::BuiltinOperator_DEPTHWISE_CONV_2D)
        continue;
      const auto* w = g->tensors()->Get(op->inputs()->Get(1));
      const auto* b = g->tensors()->Get(op->inputs()->Get(2));
      EXPECT_EQ(w->type(), tflite::TensorType_INT8);
      EXPECT_EQ(b->type(), tflite::TensorType_INT32);
      const int dim = code == tflite::BuiltinOperator_DEPTHWISE_CONV_2D ? 3 : 0;
      EXPECT_EQ(w->quantization()->quantized_dimension(), dim);
      EXPECT_EQ(static_cast<int>(w->quantization()->scale()->size()), w->shape()->Get(dim));  // random weights: per channel
      EXPECT_EQ(b->quantization()->scale()->size(), w->quantization()->scale()->size());
      size_t n = 1;
      for (int d : *w->shape()) n *= d;
      EXPECT_EQ(model->buffers()->Get(w->buffer())->data()->size(), n);
      ++weighted;
    }
    EXPECT_GE(weighted, 2u);
  }
}

TEST(TfliteWriter, RefusesAClampTfliteCannotName) {
  auto c = cases()[0];
  c.q.layers[0].act_min = -100;
  c.q.layers[0].act_max = 100;
  EXPECT_THROW(compile::write_tflite(c.q), Error);
}

#ifdef MOTE_ARMNN_TFLITE_RUN
TEST(TfliteWriter, ArmnnRunsItLikeTheHostExecutor) {
  test::TempDir dir;
  size_t model_index = 0;
  for (const auto& c : cases(true)) {
    SCOPED_TRACE("model " + std::to_string(model_index));
    const auto tfl = dir / ("m" + std::to_string(model_index) + ".tflite");
    compile::save_tflite(c.q, tfl);
    std::vector<int8_t> xs, expected;
    for (const auto& x : c.inputs) {
      const auto xq = quant::quantize_input(c.q, x.data());
      const auto y = quant::run_int8(c.q, xq.data());
      xs.insert(xs.end(), xq.begin(), xq.end());
      expected.insert(expected.end(), y.begin(), y.end());
    }
    const auto in_path = dir / "in.bin", out_path = dir / "out.bin";
    std::ofstream(in_path, std::ios::binary).write(reinterpret_cast<const char*>(xs.data()), xs.size());
    const std::string cmd = std::string(MOTE_ARMNN_TFLITE_RUN) + " " + tfl.string() + " " + in_path.string() + " " +
                            out_path.string() + " 2>" + (dir / "err.txt").string();
    ASSERT_EQ(std::system(cmd.c_str()), 0) << test::read_text(dir / "err.txt");
    std::ifstream f(out_path, std::ios::binary);
    std::vector<char> got((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    ASSERT_EQ(got.size(), expected.size());
    size_t differ = 0, argmax_differ = 0;
    int worst = 0;
    const size_t classes = c.q.output_shape().size();
    for (size_t i = 0; i < expected.size(); ++i) {
      const int d = std::abs(static_cast<int8_t>(got[i]) - expected[i]);
      differ += d != 0;
      worst = std::max(worst, d);
    }
    for (size_t k = 0; k < c.inputs.size(); ++k) {
      auto a = std::max_element(got.begin() + k * classes, got.begin() + (k + 1) * classes) - got.begin();
      auto b = std::max_element(expected.begin() + k * classes, expected.begin() + (k + 1) * classes) - expected.begin();
      argmax_differ += a != b;
    }
    std::printf("[ tflite ] model %zu: %zu of %zu int8 outputs differ from ArmNN CpuRef, worst %d LSB, argmax differs on %zu of %zu\n",
                model_index, differ, expected.size(), worst, argmax_differ, c.inputs.size());
    // Per-layer 1-LSB rounding differences (ArmnnLayerByLayer) compound to at most 2 LSB end to end.
    EXPECT_LE(worst, 2);
    EXPECT_LE(differ, expected.size() / 4);
    EXPECT_LE(argmax_differ, c.inputs.size() / 100);
    ++model_index;
  }
}
#else
TEST(TfliteWriter, ArmnnRunsItLikeTheHostExecutor) {
  GTEST_SKIP() << "ArmNN's TfLite parser is not installed (scripts/setup installs libarmnntfliteparser-dev)";
}
#endif

#ifdef MOTE_ARMNN_TFLITE_RUN
namespace {

// Runs q on ArmNN for every int8 input (concatenated) and returns the concatenated int8 outputs.
std::vector<int8_t> run_armnn(const quant::QModel& q, const std::vector<int8_t>& xs, const test::TempDir& dir) {
  const auto tfl = dir / "model.tflite", in_path = dir / "in.bin", out_path = dir / "out.bin";
  compile::save_tflite(q, tfl);
  std::ofstream(in_path, std::ios::binary).write(reinterpret_cast<const char*>(xs.data()), xs.size());
  const std::string cmd = std::string(MOTE_ARMNN_TFLITE_RUN) + " " + tfl.string() + " " + in_path.string() + " " +
                          out_path.string() + " 2>" + (dir / "err.txt").string();
  if (std::system(cmd.c_str()) != 0) throw Error("armnn_tflite_run failed: " + test::read_text(dir / "err.txt"));
  std::ifstream f(out_path, std::ios::binary);
  std::vector<char> got((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return {got.begin(), got.end()};
}

}  // namespace

TEST(TfliteWriter, ArmnnLayerByLayer) {
  test::TempDir dir;
  size_t model_index = 0;
  for (const auto& c : cases(true)) {
    // The host's int8 input to every layer, then each layer alone on ArmNN.
    std::vector<std::vector<int8_t>> acts(c.q.layers.size() + 1);
    for (const auto& x : c.inputs) {
      auto cur = quant::quantize_input(c.q, x.data());
      acts[0].insert(acts[0].end(), cur.begin(), cur.end());
      for (size_t i = 0; i < c.q.layers.size(); ++i) {
        quant::QModel one;
        one.input_shape = c.q.layers[i].in;
        one.input = c.q.layers[i].input;
        one.layers = {c.q.layers[i]};
        cur = quant::run_int8(one, cur.data());
        acts[i + 1].insert(acts[i + 1].end(), cur.begin(), cur.end());
      }
    }
    for (size_t i = 0; i < c.q.layers.size(); ++i) {
      quant::QModel one;
      one.input_shape = c.q.layers[i].in;
      one.input = c.q.layers[i].input;
      one.layers = {c.q.layers[i]};
      if (one.layers[0].op == ir::Op::Reshape) continue;
      const auto got = run_armnn(one, acts[i], dir);
      ASSERT_EQ(got.size(), acts[i + 1].size());
      const quant::QLayer& l = c.q.layers[i];
      size_t differ = 0, near_tie = 0;
      int worst = 0;
      for (size_t k = 0; k < got.size(); ++k) {
        const int d = std::abs(got[k] - acts[i + 1][k]);
        differ += d != 0;
        worst = std::max(worst, d);
        if (d == 0 || l.op != ir::Op::FullyConnected) continue;
        // ArmNN requantizes in float; TFLite (and mote) in fixed point. They may only disagree where the
        // exact rescaled accumulator lies next to a rounding boundary (x.5).
        const size_t n = l.in.size(), u = k % l.out.size(), row = k / l.out.size();
        double acc = l.bias[u];
        for (size_t j = 0; j < n; ++j) acc += (acts[i][row * n + j] - l.input.zero_point) * double(l.weights[u * n + j]);
        const double real = acc * l.input.scale * l.weight_scales[u] / l.output.scale;
        near_tie += std::fabs(real - std::floor(real) - 0.5) < 0.01;
      }
      std::printf("[ tflite layer ] model %zu layer %zu %s: %zu of %zu int8 outputs differ, worst %d LSB\n", model_index, i,
                  ir::op_name(l.op), differ, got.size(), worst);
      EXPECT_LE(worst, 1) << ir::op_name(l.op);
      if (l.op == ir::Op::MaxPool2D) EXPECT_EQ(differ, 0u);  // no arithmetic: must be exact
      if (l.op == ir::Op::AvgPool2D) EXPECT_LE(differ, got.size() / 10);
      else EXPECT_LE(differ, got.size() / 100) << ir::op_name(l.op);
      if (l.op == ir::Op::FullyConnected) EXPECT_EQ(near_tie, differ) << "a FULLY_CONNECTED output differs away from a rounding tie";
    }
    ++model_index;
  }
}
#endif

TEST(TfliteWriter, PerTensorDenseWritesOneScale) {
  const auto m = test::classifier_models()[0];
  const auto q = quant::quantize(m, test::random_inputs(m, 100, 1), quant::QuantizeOptions{true, quant::InputScaling::PerTensor});
  const auto bytes = compile::write_tflite(q);
  const auto* g = tflite::GetModel(bytes.data())->subgraphs()->Get(0);
  size_t dense = 0;
  for (const auto* op : *g->operators()) {
    if (op->inputs()->size() < 3) continue;  // the weighted ops: input, weights, bias
    const auto* w = g->tensors()->Get(op->inputs()->Get(1));
    EXPECT_EQ(w->quantization()->scale()->size(), 1u);
    ++dense;
  }
  EXPECT_EQ(dense, 3u);
  // Per-tensor dense weights still track the float model.
  for (const auto& x : test::random_inputs(m, 50, 9)) {
    const auto want = ir::run_float(m, x.data());
    const auto got = quant::run_quantized(q, x.data());
    for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 0.08);
  }
}
