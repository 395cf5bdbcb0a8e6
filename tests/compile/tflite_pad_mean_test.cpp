// src/compile/tflite_reader's PAD / PADV2 and MEAN, on graphs made with the schema's builder as TensorFlow
// exports them: a PAD of height and width folds into the convolution, depthwise convolution or (after a ReLU)
// max pool reading it, as explicit padding equal to padding the input by hand; an int8 MEAN over height and width
// runs TFLite Micro's arithmetic (runtime/nn/mean_s8), checked against the independent numpy reference
// (tests/ref/nn_int8.py) and on the emulated Cortex-M4; float PAD and MEAN become SAME/VALID padding and a global
// average pool; every other form is a one-line error naming the operator.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <random>

#include "compile/tflite_reader.h"
#include "compile/tflite_writer.h"
#include "core/error.h"
#include "deploy/firmware.h"
#include "deploy/model_profile.h"
#include "quant/executor.h"
#include "support/test_support.h"
#include "tflite_schema_generated.h"

using namespace mote;
namespace tfl = tflite;

namespace {

// A one-subgraph model written tensor by tensor (int8 activations carry scale and zero point; float32 none).
class Graph {
 public:
  explicit Graph(bool int8 = true) : int8_(int8) { buffers_.push_back(tfl::CreateBuffer(b_)); }

  int act(std::vector<int32_t> shape, float scale = 0.05f, int64_t zp = 0) {
    return add(shape, int8_ ? tfl::TensorType_INT8 : tfl::TensorType_FLOAT32, 0, int8_ ? quant({scale}, {zp}) : 0);
  }
  template <class T>
  int constant(std::vector<int32_t> shape, const std::vector<T>& v, tfl::TensorType type,
               flatbuffers::Offset<tfl::QuantizationParameters> q = 0) {
    std::vector<uint8_t> bytes(v.size() * sizeof(T));
    std::memcpy(bytes.data(), v.data(), bytes.size());
    buffers_.push_back(tfl::CreateBufferDirect(b_, &bytes));
    return add(shape, type, static_cast<uint32_t>(buffers_.size() - 1), q);
  }
  int ints(std::vector<int32_t> shape, const std::vector<int32_t>& v) { return constant(shape, v, tfl::TensorType_INT32); }
  int runtime_ints(std::vector<int32_t> shape) { return add(shape, tfl::TensorType_INT32, 0, 0); }  // no buffer
  // Weights of `shape` with `channels` outputs along `dim`, values from `seed`; and their bias.
  std::pair<int, int> weights(std::vector<int32_t> shape, int channels, int dim, float in_scale, unsigned seed) {
    size_t n = 1;
    for (int d : shape) n *= static_cast<size_t>(d);
    std::mt19937 rng(seed);
    std::vector<float> scales(static_cast<size_t>(channels));
    for (auto& s : scales) s = 0.004f + 0.002f * static_cast<float>(rng() % 10);
    if (!int8_) {
      std::vector<float> w(n), bias(static_cast<size_t>(channels));
      for (auto& v : w) v = static_cast<float>(static_cast<int>(rng() % 255) - 127) / 200.0f;
      for (auto& v : bias) v = static_cast<float>(static_cast<int>(rng() % 101) - 50) / 100.0f;
      return {constant(shape, w, tfl::TensorType_FLOAT32), constant({channels}, bias, tfl::TensorType_FLOAT32)};
    }
    std::vector<int8_t> w(n);
    for (auto& v : w) v = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
    std::vector<int32_t> bias(static_cast<size_t>(channels));
    for (auto& v : bias) v = static_cast<int32_t>(rng() % 2001) - 1000;
    std::vector<float> bias_scales(scales);
    for (auto& s : bias_scales) s *= in_scale;
    const int wt = constant(shape, w, tfl::TensorType_INT8, quant(scales, std::vector<int64_t>(scales.size(), 0), dim));
    return {wt, constant({channels}, bias, tfl::TensorType_INT32, quant(bias_scales, std::vector<int64_t>(scales.size(), 0), 0))};
  }
  void op(tfl::BuiltinOperator code, std::vector<int32_t> ins, int out, tfl::BuiltinOptions type = tfl::BuiltinOptions_NONE,
          flatbuffers::Offset<void> options = 0) {
    size_t k = 0;
    while (k < codes_.size() && codes_[k] != code) ++k;
    if (k == codes_.size()) codes_.push_back(code);
    std::vector<int32_t> outs{out};
    ops_.push_back(tfl::CreateOperatorDirect(b_, static_cast<uint32_t>(k), &ins, &outs, type, options));
  }
  std::vector<uint8_t> finish(int input, int output) {
    std::vector<flatbuffers::Offset<tfl::OperatorCode>> codes;
    for (auto c : codes_) codes.push_back(tfl::CreateOperatorCode(b_, static_cast<int8_t>(std::min<int>(c, 127)), 0, 1, c));
    std::vector<int32_t> ins{input}, outs{output};
    std::vector<flatbuffers::Offset<tfl::SubGraph>> sgs{tfl::CreateSubGraphDirect(b_, &tensors_, &ins, &outs, &ops_, "main")};
    b_.Finish(tfl::CreateModelDirect(b_, 3, &codes, &sgs, "pad_mean", &buffers_), tfl::ModelIdentifier());
    return {b_.GetBufferPointer(), b_.GetBufferPointer() + b_.GetSize()};
  }
  flatbuffers::FlatBufferBuilder& builder() { return b_; }
  flatbuffers::Offset<tfl::QuantizationParameters> quant_of(float scale, int64_t zp) {
    return quant(std::vector<float>{scale}, std::vector<int64_t>{zp});
  }

 private:
  flatbuffers::Offset<tfl::QuantizationParameters> quant(const std::vector<float>& s, const std::vector<int64_t>& zp, int dim = 0) {
    return tfl::CreateQuantizationParametersDirect(b_, nullptr, nullptr, &s, &zp, tfl::QuantizationDetails_NONE, 0, dim);
  }
  int add(const std::vector<int32_t>& shape, tfl::TensorType type, uint32_t buffer, flatbuffers::Offset<tfl::QuantizationParameters> q) {
    const std::string name = "t" + std::to_string(tensors_.size());
    tensors_.push_back(tfl::CreateTensorDirect(b_, &shape, type, buffer, name.c_str(), q));
    return static_cast<int>(tensors_.size() - 1);
  }

  bool int8_;
  flatbuffers::FlatBufferBuilder b_;
  std::vector<flatbuffers::Offset<tfl::Buffer>> buffers_;
  std::vector<flatbuffers::Offset<tfl::Tensor>> tensors_;
  std::vector<flatbuffers::Offset<tfl::Operator>> ops_;
  std::vector<tfl::BuiltinOperator> codes_;
};

// What a PAD + window layer test varies.
struct PadCase {
  tfl::BuiltinOperator layer = tfl::BuiltinOperator_CONV_2D;  // or DEPTHWISE_CONV_2D, MAX_POOL_2D, AVERAGE_POOL_2D
  int h = 9, w = 8, c = 3, out_c = 4, k = 3, stride = 2;
  std::array<int32_t, 8> pads{0, 0, 1, 2, 2, 1, 0, 0};  // [N, H, W, C] x (before, after)
  tfl::Padding padding = tfl::Padding_VALID;            // the layer's own, over the padded tensor
  bool int8 = true, padv2 = false, relu_first = false, mean_after = false, keep_dims = false;
  int64_t zp = -3;  // of the input (and the PAD's output)
  int8_t pad_value = -3;  // PADV2's
  bool value_quantized = true;  // PADV2's value at the output's scale and zero point (TFLM requires it)
};

// input [1, h, w, c] (-> CONV 1x1 + RELU when relu_first) -> PAD -> layer (-> MEAN over 1, 2).
std::vector<uint8_t> pad_model(const PadCase& p) {
  Graph g(p.int8);
  const int in = g.act({1, p.h, p.w, p.c}, 0.05f, p.zp);
  int x = in;
  if (p.relu_first) {
    auto [w, b] = g.weights({p.c, 1, 1, p.c}, p.c, 0, 0.05f, 11);
    const int y = g.act({1, p.h, p.w, p.c}, 0.04f, -100);
    g.op(tfl::BuiltinOperator_CONV_2D, {x, w, b}, y, tfl::BuiltinOptions_Conv2DOptions,
         tfl::CreateConv2DOptions(g.builder(), tfl::Padding_VALID, 1, 1, tfl::ActivationFunctionType_RELU).Union());
    x = y;
  }
  const float scale = p.relu_first ? 0.04f : 0.05f;
  const int64_t zp = p.relu_first ? -100 : p.zp;
  const int ph = p.h + p.pads[2] + p.pads[3], pw = p.w + p.pads[4] + p.pads[5];
  const int padded = g.act({1 + p.pads[0] + p.pads[1], ph, pw, p.c + p.pads[6] + p.pads[7]}, scale, zp);
  const int paddings = g.ints({4, 2}, std::vector<int32_t>(p.pads.begin(), p.pads.end()));
  if (p.padv2) {
    const int v = p.int8 ? g.constant({1}, std::vector<int8_t>{p.pad_value}, tfl::TensorType_INT8,
                                      p.value_quantized ? g.quant_of(scale, zp) : 0)
                         : g.constant({1}, std::vector<float>{static_cast<float>(p.pad_value)}, tfl::TensorType_FLOAT32);
    g.op(tfl::BuiltinOperator_PADV2, {x, paddings, v}, padded);
  } else {
    g.op(tfl::BuiltinOperator_PAD, {x, paddings}, padded);
  }
  auto out_size = [&](int n) { return p.padding == tfl::Padding_SAME ? (n + p.stride - 1) / p.stride : (n - p.k) / p.stride + 1; };
  const bool dw = p.layer == tfl::BuiltinOperator_DEPTHWISE_CONV_2D, conv = p.layer == tfl::BuiltinOperator_CONV_2D;
  const int oc = conv || dw ? p.out_c : p.c;
  const int y = conv || dw ? g.act({1, out_size(ph), out_size(pw), oc}, 0.1f, 7)
                           : g.act({1, out_size(ph), out_size(pw), oc}, scale, zp);  // pools keep the quantization
  if (conv) {
    auto [w, b] = g.weights({oc, p.k, p.k, p.c}, oc, 0, scale, 5);
    g.op(p.layer, {padded, w, b}, y, tfl::BuiltinOptions_Conv2DOptions,
         tfl::CreateConv2DOptions(g.builder(), p.padding, p.stride, p.stride).Union());
  } else if (dw) {
    auto [w, b] = g.weights({1, p.k, p.k, oc}, oc, 3, scale, 6);
    g.op(p.layer, {padded, w, b}, y, tfl::BuiltinOptions_DepthwiseConv2DOptions,
         tfl::CreateDepthwiseConv2DOptions(g.builder(), p.padding, p.stride, p.stride, oc / p.c).Union());
  } else {
    g.op(p.layer, {padded}, y, tfl::BuiltinOptions_Pool2DOptions,
         tfl::CreatePool2DOptions(g.builder(), p.padding, p.stride, p.stride, p.k, p.k).Union());
  }
  if (!p.mean_after) return g.finish(in, y);
  const int axes = g.ints({2}, {1, 2});
  const int m = g.act(p.keep_dims ? std::vector<int32_t>{1, 1, 1, oc} : std::vector<int32_t>{1, oc}, 0.02f, -20);
  g.op(tfl::BuiltinOperator_MEAN, {y, axes}, m, tfl::BuiltinOptions_ReducerOptions,
       tfl::CreateReducerOptions(g.builder(), p.keep_dims).Union());
  return g.finish(in, m);
}

compile::TfliteModel read(const std::vector<uint8_t>& bytes) { return compile::read_tflite(bytes.data(), bytes.size(), "m.tflite"); }

std::string error_of(const std::vector<uint8_t>& bytes) {
  try {
    read(bytes);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

void expect_error(const std::vector<uint8_t>& bytes, const std::vector<std::string>& parts) {
  const std::string e = error_of(bytes);
  ASSERT_FALSE(e.empty()) << "expected an error";
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  EXPECT_EQ(e.rfind("m.tflite: ", 0), 0u) << e;
  for (const auto& part : parts) EXPECT_NE(e.find(part), std::string::npos) << "'" << part << "' not in: " << e;
}

// The int8 model's outputs on `inputs` equal tests/ref/nn_int8.py's, and the reference kernel path's.
void expect_numpy_agrees(const ir::QModel& q, const std::vector<std::vector<int8_t>>& inputs) {
  auto j = quant::to_json(q);
  j["inputs"] = inputs;
  test::TempDir dir;
  test::write_text(dir / "model.json", j.dump());
  ASSERT_EQ(test::run_reference("nn_int8.py", "--model " + (dir / "model.json").string() + " " + (dir / "out.json").string()), 0);
  const auto ref = nlohmann::json::parse(test::read_text(dir / "out.json"));
  for (size_t i = 0; i < inputs.size(); ++i) {
    const auto y = quant::run_int8(q, inputs[i].data());
    EXPECT_EQ(y, quant::run_int8(q, inputs[i].data(), quant::KernelPath::Reference)) << "input " << i;
    EXPECT_EQ(ref["outputs"][i].get<std::vector<int8_t>>(), y) << "input " << i;
  }
}

std::vector<std::vector<int8_t>> random_int8(size_t count, size_t n, unsigned seed) {
  std::vector<std::vector<int8_t>> xs;
  for (size_t i = 0; i < count; ++i) xs.push_back(deploy::random_inputs(1, n, seed + i));
  return xs;
}

// The same layer with the PAD applied by hand: the input padded with `value` and the layer unpadded.
std::vector<int8_t> padded_by_hand(const std::vector<int8_t>& x, const PadCase& p, int8_t value) {
  const int ph = p.h + p.pads[2] + p.pads[3], pw = p.w + p.pads[4] + p.pads[5];
  std::vector<int8_t> y(static_cast<size_t>(ph) * pw * p.c, value);
  for (int r = 0; r < p.h; ++r)
    for (int col = 0; col < p.w; ++col)
      for (int ch = 0; ch < p.c; ++ch)
        y[(static_cast<size_t>(r + p.pads[2]) * pw + col + p.pads[4]) * p.c + ch] = x[(static_cast<size_t>(r) * p.w + col) * p.c + ch];
  return y;
}

}  // namespace

TEST(TflitePadMean, PadFoldsIntoConvAndDepthwiseAsExplicitPadding) {
  PadCase conv;
  PadCase dw;
  dw.layer = tfl::BuiltinOperator_DEPTHWISE_CONV_2D;
  dw.out_c = 6;  // depth multiplier 2
  dw.pads = {0, 0, 3, 0, 0, 2, 0, 0};  // more than the kernel on top: whole windows in the padding
  dw.stride = 1;
  PadCase same = conv;  // a PAD before a SAME convolution: the two paddings add up
  same.padding = tfl::Padding_SAME;
  same.stride = 1;
  PadCase v2 = conv;
  v2.padv2 = true;
  PadCase big_c = conv;  // TF's MobileNet pattern: (0, 1) before a stride-2 VALID 3x3
  big_c.h = 12, big_c.w = 12, big_c.pads = {0, 0, 0, 1, 0, 1, 0, 0};
  for (const PadCase& p : {conv, dw, same, v2, big_c}) {
    const auto m = read(pad_model(p));
    ASSERT_TRUE(m.quantized);
    ASSERT_EQ(m.q.layers.size(), 1u) << "the PAD folds away";
    const auto& l = m.q.layers[0];
    EXPECT_EQ(l.in, (ir::Shape{p.h, p.w, p.c}));
    const int own = p.padding == tfl::Padding_SAME ? (p.k - 1) / 2 : 0;  // SAME's pad before at stride 1
    EXPECT_EQ(l.pad_h, p.pads[2] + own);
    EXPECT_EQ(l.pad_w, p.pads[4] + own);
    const auto xs = random_int8(6, l.in.size(), 40);
    expect_numpy_agrees(m.q, xs);
    // Folding equals padding by hand with the zero point, then the unpadded layer.
    ir::QModel by_hand = m.q;
    by_hand.input_shape = by_hand.layers[0].in = {p.h + p.pads[2] + p.pads[3], p.w + p.pads[4] + p.pads[5], p.c};
    by_hand.layers[0].pad_h = own, by_hand.layers[0].pad_w = own;
    for (const auto& x : xs)
      EXPECT_EQ(quant::run_int8(m.q, x.data()),
                quant::run_int8(by_hand, padded_by_hand(x, p, static_cast<int8_t>(p.zp)).data()));
  }
}

TEST(TflitePadMean, Int8MeanMatchesNumpyAndTflmArithmetic) {
  struct Case {
    std::vector<int32_t> in_shape, axes, out_shape;
    bool keep_dims;
    float in_scale, out_scale;
    int64_t in_zp, out_zp;
  };
  for (const Case& c : {Case{{1, 5, 7, 6}, {1, 2}, {1, 6}, false, 0.05f, 0.03f, -3, 10},
                        Case{{1, 4, 4, 8}, {2, 1}, {1, 1, 1, 8}, true, 0.02f, 0.02f, 5, 5},
                        Case{{1, 3, 9, 5}, {-3, -2}, {1, 5}, false, 0.01f, 0.013f, -128, -40},
                        Case{{1, 1, 49, 4}, {2}, {1, 1, 1, 4}, true, 0.04f, 0.05f, 0, 0},  // 1-D: axis 1 has size 1
                        Case{{1, 24, 6}, {1}, {1, 6}, false, 0.07f, 0.01f, 20, -7}}) {  // 3-D NWC
    Graph g;
    const int in = g.act(c.in_shape, c.in_scale, c.in_zp);
    const int axes = g.ints({static_cast<int32_t>(c.axes.size())}, c.axes);
    const int out = g.act(c.out_shape, c.out_scale, c.out_zp);
    g.op(tfl::BuiltinOperator_MEAN, {in, axes}, out, tfl::BuiltinOptions_ReducerOptions,
         tfl::CreateReducerOptions(g.builder(), c.keep_dims).Union());
    const auto m = read(g.finish(in, out));
    ASSERT_TRUE(m.quantized);
    ASSERT_EQ(m.q.layers.size(), 1u);
    const auto& l = m.q.layers[0];
    EXPECT_EQ(l.op, ir::Op::Mean);
    EXPECT_EQ(l.out, (ir::Shape{1, 1, c.in_shape.back()}));
    const auto [mult, shift] = quant::quantize_multiplier(static_cast<double>(c.in_scale) / static_cast<double>(c.out_scale));
    EXPECT_EQ(l.multiplier, std::vector<int32_t>{mult});
    EXPECT_EQ(l.shift, std::vector<int32_t>{shift});
    expect_numpy_agrees(m.q, random_int8(8, l.in.size(), 7));
    // Within one step of the real mean (TFLM's arithmetic is the real one, rounded, up to its multiplier).
    const auto x = random_int8(1, l.in.size(), 99)[0];
    const auto y = quant::run_int8(m.q, x.data());
    const size_t n = l.in.size() / static_cast<size_t>(l.in.c);
    for (int ch = 0; ch < l.in.c; ++ch) {
      double sum = 0;
      for (size_t i = 0; i < n; ++i) sum += x[i * static_cast<size_t>(l.in.c) + static_cast<size_t>(ch)] - c.in_zp;
      const double real = std::clamp(std::round(sum / static_cast<double>(n) * c.in_scale / c.out_scale) + static_cast<double>(c.out_zp), -128.0, 127.0);
      EXPECT_LE(std::fabs(real - y[static_cast<size_t>(ch)]), 1.0) << "channel " << ch;
    }
  }
}

TEST(TflitePadMean, PadDepthwiseMeanRunsBitExactThroughWriterAndOnCortexM4) {
  PadCase p;
  p.layer = tfl::BuiltinOperator_DEPTHWISE_CONV_2D;
  p.h = 10, p.w = 10, p.c = 8, p.out_c = 8, p.stride = 2;
  p.pads = {0, 0, 1, 1, 1, 1, 0, 0};  // ResNet style: (1, 1) before a stride-2 VALID 3x3 (neither SAME nor VALID)
  p.mean_after = true;
  const auto m = read(pad_model(p));
  ASSERT_EQ(m.q.layers.size(), 2u);
  EXPECT_EQ(m.q.layers[1].op, ir::Op::Mean);
  const auto xs = random_int8(6, m.q.input_shape.size(), 3);
  expect_numpy_agrees(m.q, xs);
  // mote's writer gives the explicit padding back as a PAD before a VALID window, and the mean as MEAN.
  const auto again = read(compile::write_tflite(m.q));
  ASSERT_EQ(again.q.layers.size(), m.q.layers.size());
  EXPECT_EQ(again.q.layers[0].pad_h, 1);
  EXPECT_EQ(again.q.layers[1].multiplier, m.q.layers[1].multiplier);
  for (const auto& x : xs) EXPECT_EQ(quant::run_int8(again.q, x.data()), quant::run_int8(m.q, x.data()));
  // A project stores an imported int8 model as quant::to_json: the mean and the explicit padding come back.
  const auto stored = quant::from_json(quant::to_json(m.q));
  EXPECT_EQ(stored.layers[0].pad_h, 1);
  for (const auto& x : xs) EXPECT_EQ(quant::run_int8(stored, x.data()), quant::run_int8(m.q, x.data()));
  if (!deploy::missing_m4_tools().empty()) GTEST_SKIP() << "no Cortex-M4 toolchain/QEMU: " << deploy::missing_m4_tools();
  test::TempDir dir;
  deploy::ModelProfileOptions o;
  o.work = dir / "work";
  const auto r = deploy::profile_model_cortex_m4(m.q, "pad_dw_mean", deploy::random_inputs(3, m.q.input_shape.size(), 5), o);
  EXPECT_TRUE(r["parity"]["ok"].get<bool>()) << r["parity"].dump();
  EXPECT_EQ(r["parity"]["outputs_equal"].get<int>(), 3);
}

TEST(TflitePadMean, PadFoldsIntoMaxPoolOnlyAfterRelu) {
  PadCase pool;
  pool.layer = tfl::BuiltinOperator_MAX_POOL_2D;
  pool.pads = {0, 0, 1, 1, 1, 1, 0, 0};
  pool.relu_first = true;  // the conv's RELU clamps at the zero point: the PAD's zeros never win a max
  const auto m = read(pad_model(pool));
  ASSERT_EQ(m.q.layers.size(), 2u);
  EXPECT_EQ(m.q.layers[1].op, ir::Op::MaxPool2D);
  EXPECT_EQ(m.q.layers[1].pad_h, 1);
  expect_numpy_agrees(m.q, random_int8(4, m.q.input_shape.size(), 21));

  PadCase no_relu = pool;
  no_relu.relu_first = false;
  expect_error(pad_model(no_relu), {"operator 0 (PAD)", "MAX_POOL_2D", "below the pad value"});
  PadCase avg = pool;
  avg.layer = tfl::BuiltinOperator_AVERAGE_POOL_2D;
  expect_error(pad_model(avg), {"operator 1 (PAD)", "read by operator 2 (AVERAGE_POOL_2D)", "CONV_2D, DEPTHWISE_CONV_2D or MAX_POOL_2D"});
}

TEST(TflitePadMean, FloatPadAndMeanBecomeSamePaddingAndGlobalAveragePool) {
  PadCase p;
  p.int8 = false;
  p.pads = {0, 0, 1, 1, 1, 1, 0, 0};  // (1, 1) + VALID 3x3 stride 1 = SAME
  p.stride = 1;
  p.mean_after = true;
  p.keep_dims = true;
  const auto m = read(pad_model(p));
  ASSERT_FALSE(m.quantized);
  ASSERT_EQ(m.f.layers.size(), 2u);
  EXPECT_EQ(m.f.layers[0].padding, ir::Padding::Same);
  EXPECT_EQ(m.f.layers[0].in, (ir::Shape{p.h, p.w, p.c}));
  EXPECT_EQ(m.f.layers[1].op, ir::Op::AvgPool2D);
  EXPECT_EQ(m.f.layers[1].kernel_h, p.h);
  EXPECT_EQ(m.f.layers[1].out, (ir::Shape{1, 1, p.out_c}));
  // The global pool is the mean of the conv's output, channel by channel.
  std::vector<float> x(m.f.input.size());
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(static_cast<int>(i * 7 % 23) - 11) / 10.0f;
  const auto all = ir::run_float_all(m.f, x.data());
  for (int ch = 0; ch < p.out_c; ++ch) {
    double sum = 0;
    for (size_t i = static_cast<size_t>(ch); i < all[0].size(); i += static_cast<size_t>(p.out_c)) sum += all[0][i];
    EXPECT_NEAR(all[1][static_cast<size_t>(ch)], sum / static_cast<double>(all[0].size() / static_cast<size_t>(p.out_c)), 1e-5);
  }
  PadCase mobilenet = p;  // (0, 1) + VALID 3x3 stride 2 on an even size = SAME
  mobilenet.h = mobilenet.w = 12, mobilenet.stride = 2, mobilenet.pads = {0, 0, 0, 1, 0, 1, 0, 0};
  EXPECT_EQ(read(pad_model(mobilenet)).f.layers[0].padding, ir::Padding::Same);
  PadCase valid = p;  // no padding at all
  valid.pads = {0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(read(pad_model(valid)).f.layers[0].padding, ir::Padding::Valid);
  PadCase resnet = p;  // (1, 1) + VALID 3x3 stride 2 on an even size: neither
  resnet.h = resnet.w = 12, resnet.stride = 2;
  expect_error(pad_model(resnet), {"operator 0 (PAD)", "neither SAME nor VALID", "int8 models take any"});
}

TEST(TflitePadMean, RefusesPadAndMeanFormsMoteDoesNotRun) {
  PadCase channel;
  channel.pads = {0, 0, 1, 1, 1, 1, 0, 2};
  expect_error(pad_model(channel), {"operator 0 (PAD)", "batch or channel axis", "height and width only"});
  PadCase batch;
  batch.pads = {1, 0, 1, 1, 1, 1, 0, 0};
  expect_error(pad_model(batch), {"operator 0 (PAD)", "batch or channel axis"});
  PadCase value;
  value.padv2 = true, value.pad_value = 9;
  expect_error(pad_model(value), {"operator 0 (PADV2)", "pads with 9, not the zero point -3"});
  PadCase unquantized_value;
  unquantized_value.padv2 = true, unquantized_value.value_quantized = false;
  expect_error(pad_model(unquantized_value), {"operator 0 (PADV2)", "not quantized as its output"});
  PadCase float_value;
  float_value.int8 = false, float_value.padv2 = true, float_value.pad_value = 1;
  expect_error(pad_model(float_value), {"operator 0 (PADV2)", "pads with 1", "zero"});

  {  // paddings made at run time (an activation, not a constant)
    Graph g;
    const int in = g.act({1, 4, 4, 2}), pads = g.runtime_ints({4, 2}), y = g.act({1, 6, 6, 2});
    g.op(tfl::BuiltinOperator_PAD, {in, pads}, y);
    expect_error(g.finish(in, y), {"operator 0 (PAD)", "paddings is not a constant tensor"});
  }
  {  // read by two layers, and the model output
    Graph g;
    const int in = g.act({1, 4, 4, 2}), pads = g.ints({4, 2}, {0, 0, 1, 1, 1, 1, 0, 0}), y = g.act({1, 6, 6, 2});
    const int z = g.act({1, 6, 6, 2});
    g.op(tfl::BuiltinOperator_PAD, {in, pads}, y);
    g.op(tfl::BuiltinOperator_ADD, {y, y}, z, tfl::BuiltinOptions_AddOptions, tfl::CreateAddOptions(g.builder()).Union());
    expect_error(g.finish(in, z), {"operator 0 (PAD)", "read by 2 operators", "the one CONV_2D"});
  }
  {
    Graph g;
    const int in = g.act({1, 4, 4, 2}), pads = g.ints({4, 2}, {0, 0, 1, 1, 1, 1, 0, 0}), y = g.act({1, 6, 6, 2});
    g.op(tfl::BuiltinOperator_PAD, {in, pads}, y);
    expect_error(g.finish(in, y), {"operator 0 (PAD)", "is the model output"});
  }
  {  // a rank-2 PAD
    Graph g;
    const int in = g.act({1, 8}), pads = g.ints({2, 2}, {0, 0, 1, 1}), y = g.act({1, 10});
    g.op(tfl::BuiltinOperator_PAD, {in, pads}, y);
    expect_error(g.finish(in, y), {"operator 0 (PAD)", "rank-2", "4-D NHWC"});
  }
  {  // negative padding (cropping)
    Graph g;
    const int in = g.act({1, 4, 4, 2}), pads = g.ints({4, 2}, {0, 0, -1, 0, 0, 0, 0, 0}), y = g.act({1, 3, 4, 2});
    g.op(tfl::BuiltinOperator_PAD, {in, pads}, y);
    expect_error(g.finish(in, y), {"operator 0 (PAD)", "pads by -1", "no cropping"});
  }
  auto mean = [](std::vector<int32_t> in_shape, std::vector<int32_t> axes, std::vector<int32_t> out_shape) {
    Graph g;
    const int in = g.act(in_shape), a = g.ints({static_cast<int32_t>(axes.size())}, axes), y = g.act(out_shape);
    g.op(tfl::BuiltinOperator_MEAN, {in, a}, y, tfl::BuiltinOptions_ReducerOptions, tfl::CreateReducerOptions(g.builder(), false).Union());
    return g.finish(in, y);
  };
  expect_error(mean({1, 4, 4, 3}, {3}, {1, 4, 4}), {"operator 0 (MEAN)", "averages over channels", "height and width"});
  expect_error(mean({1, 4, 4, 3}, {1}, {1, 4, 3}), {"operator 0 (MEAN)", "keeps axis 2"});
  expect_error(mean({1, 4, 4, 3}, {1, 4}, {1, 3}), {"operator 0 (MEAN)", "names axis 4"});
  expect_error(mean({1, 4, 4, 3}, {1, 2}, {1, 2}), {"operator 0 (MEAN)", "not one per channel"});
  expect_error(mean({1, 400, 400, 1}, {1, 2}, {1, 1}), {"operator 0 (MEAN)", "averages 160000 values", "at most 66000"});
  expect_error(mean({1, 12}, {1}, {1}), {"operator 0 (MEAN)", "rank 2"});
}

TEST(TflitePadMean, FuzzSeedsWithPadAndMeanImport) {
  // tests/fuzz/corpus/tflite_fuzz: PAD(V2) -> DEPTHWISE -> CONV + RELU -> PAD -> MAX_POOL -> MEAN, int8 and float.
  const auto dir = std::filesystem::path(MOTE_SOURCE_DIR) / "tests" / "fuzz" / "corpus" / "tflite_fuzz";
  for (const char* file : {"pad_conv_mean_int8.tflite", "padv2_conv_mean_int8.tflite", "pad_conv_mean_float.tflite"}) {
    const auto m = compile::load_tflite(dir / file);
    const bool int8 = std::string(file).find("int8") != std::string::npos;
    ASSERT_EQ(m.quantized, int8) << file;
    ASSERT_EQ(int8 ? m.q.layers.size() : m.f.layers.size(), 4u) << file;
    if (int8) {
      EXPECT_EQ(m.q.layers[0].pad_h, 1) << file;
      EXPECT_EQ(m.q.layers[2].op, ir::Op::MaxPool2D) << file;
      EXPECT_EQ(m.q.layers[3].op, ir::Op::Mean) << file;
    } else {
      EXPECT_EQ(m.f.layers[0].padding, ir::Padding::Same) << file;
      EXPECT_EQ(m.f.layers[3].op, ir::Op::AvgPool2D) << file;
    }
  }
}
