// src/compile/tflite_reader: mote's own int8 models (dense, conv1d, conv2d + depthwise, and a residual network
// with Add) written by tflite_writer and read back run bit for bit as before; the imported graph also agrees
// with the numpy reference (tests/ref/nn_int8.py); malformed and unsupported files are one-line errors naming
// the operator; the MLPerf Tiny reference models (../shared/peers) import, agree with numpy, and run bit-exact
// on the emulated Cortex-M4.
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "compile/tflite_reader.h"
#include "compile/tflite_writer.h"
#include "core/error.h"
#include "deploy/firmware.h"
#include "deploy/model_profile.h"
#include "quant/executor.h"
#include "support/model_fixtures.h"
#include "support/test_support.h"
#include "tflite_schema_generated.h"

using namespace mote;

namespace {

// conv -> conv -> Add(with the first conv, relu) -> avg pool -> flatten -> dense -> softmax on 8x8x3.
ir::Model residual_model() {
  test::Builder b;
  ir::Model m;
  m.input = {8, 8, 3};
  m.layers.push_back(b.conv(8, 3, 3, 1, 3, ir::Padding::Same, ir::Activation::Relu));
  m.layers.push_back(b.conv(8, 3, 3, 1, 8, ir::Padding::Same, ir::Activation::None));
  ir::Layer add = b.simple(ir::Op::Add);
  add.inputs = {2, 1};
  add.activation = ir::Activation::Relu;
  m.layers.push_back(add);
  m.layers.push_back(b.pool(ir::Op::AvgPool2D, 2, 2, 2, ir::Padding::Valid));
  m.layers.push_back(b.simple(ir::Op::Reshape));
  m.layers.push_back(b.dense(4, 4 * 4 * 8));
  m.layers.push_back(b.simple(ir::Op::Softmax));
  ir::infer_shapes(m);
  return m;
}

std::vector<ir::Model> models() {
  auto ms = test::classifier_models();
  ms.push_back(residual_model());
  return ms;
}

quant::QModel quantized(const ir::Model& m) {
  return quant::quantize(m, test::random_inputs(m, 200, 1), quant::QuantizeOptions{false, quant::InputScaling::PerTensor});
}

compile::TfliteModel read(const std::vector<uint8_t>& bytes) { return compile::read_tflite(bytes.data(), bytes.size(), "m.tflite"); }

std::vector<int8_t> random_int8(size_t n, unsigned seed) { return deploy::random_inputs(1, n, seed); }

std::string error_of(const std::vector<uint8_t>& bytes) {
  try {
    read(bytes);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(TfliteReader, MotesModelsRoundTripBitExact) {
  for (const auto& m : models()) {
    const auto q = quantized(m);
    const auto r = read(compile::write_tflite(q));
    ASSERT_TRUE(r.quantized);
    EXPECT_EQ(r.q.input, q.input);
    EXPECT_EQ(r.q.input_shape, q.input_shape);
    // The writer adds reshapes where TFLite needs a rank change; the weighted layers come back unchanged.
    std::vector<const ir::QLayer*> a, b;
    for (const auto& l : q.layers)
      if (!l.weights.empty() || l.op == ir::Op::Add) a.push_back(&l);
    for (const auto& l : r.q.layers)
      if (!l.weights.empty() || l.op == ir::Op::Add) b.push_back(&l);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i]->op, b[i]->op) << i;
      EXPECT_EQ(a[i]->weights, b[i]->weights) << i;
      EXPECT_EQ(a[i]->bias, b[i]->bias) << i;
      EXPECT_EQ(a[i]->multiplier, b[i]->multiplier) << i;
      EXPECT_EQ(a[i]->shift, b[i]->shift) << i;
      EXPECT_EQ(a[i]->act_min, b[i]->act_min) << i;
      EXPECT_EQ(a[i]->act_max, b[i]->act_max) << i;
      EXPECT_EQ(a[i]->add_output_multiplier, b[i]->add_output_multiplier) << i;
    }
    for (unsigned s = 0; s < 20; ++s) {
      const auto x = random_int8(q.input_shape.size(), s);
      EXPECT_EQ(quant::run_int8(q, x.data()), quant::run_int8(r.q, x.data())) << "input " << s;
    }
  }
}

TEST(TfliteReader, ResidualGraphMatchesNumpyReference) {
  const auto r = read(compile::write_tflite(quantized(residual_model())));
  int adds = 0;
  for (const auto& l : r.q.layers) adds += l.op == ir::Op::Add && l.inputs.size() == 2 && l.inputs[0] != l.inputs[1];
  EXPECT_EQ(adds, 1);
  auto j = quant::to_json(r.q);
  std::vector<std::vector<int8_t>> xs, ys;
  for (unsigned s = 0; s < 6; ++s) {
    xs.push_back(random_int8(r.q.input_shape.size(), 100 + s));
    ys.push_back(quant::run_int8(r.q, xs.back().data()));
    EXPECT_EQ(ys.back(), quant::run_int8(r.q, xs.back().data(), quant::KernelPath::Reference));
  }
  j["inputs"] = xs;
  test::TempDir dir;
  test::write_text(dir / "model.json", j.dump());
  ASSERT_EQ(test::run_reference("nn_int8.py", "--model " + (dir / "model.json").string() + " " + (dir / "out.json").string()), 0);
  const auto ref = nlohmann::json::parse(test::read_text(dir / "out.json"));
  for (size_t i = 0; i < ys.size(); ++i) EXPECT_EQ(ref["outputs"][i].get<std::vector<int8_t>>(), ys[i]) << "input " << i;
}

namespace {

// A one-operator int8 model made with the schema's builder: input [1, 4, 4, 2] -> op -> output.
struct Tiny {
  tflite::BuiltinOperator code = tflite::BuiltinOperator_CONV_2D;
  tflite::BuiltinOptions options_type = tflite::BuiltinOptions_NONE;
  std::function<flatbuffers::Offset<void>(flatbuffers::FlatBufferBuilder&)> options;
  std::vector<int32_t> in_shape{1, 4, 4, 2}, out_shape{1, 4, 4, 2}, second_shape{};
  std::vector<int32_t> weight_shape{};  // with weights: [2, 3, 3, 2] etc.
  tflite::TensorType in_type = tflite::TensorType_INT8;
  int subgraphs = 1;
};

std::vector<uint8_t> tiny(const Tiny& t) {
  flatbuffers::FlatBufferBuilder b;
  std::vector<flatbuffers::Offset<tflite::Buffer>> buffers{tflite::CreateBuffer(b)};
  auto quant = [&](float s) {
    std::vector<float> sc{s};
    std::vector<int64_t> zp{0};
    return tflite::CreateQuantizationParametersDirect(b, nullptr, nullptr, &sc, &zp);
  };
  std::vector<flatbuffers::Offset<tflite::Tensor>> tensors;
  tensors.push_back(tflite::CreateTensorDirect(b, &t.in_shape, t.in_type, 0, "in", quant(0.1f)));
  tensors.push_back(tflite::CreateTensorDirect(b, &t.out_shape, tflite::TensorType_INT8, 0, "out", quant(0.1f)));
  std::vector<int32_t> op_inputs{0};
  if (!t.second_shape.empty()) {
    tensors.push_back(tflite::CreateTensorDirect(b, &t.second_shape, tflite::TensorType_INT8, 0, "in2", quant(0.1f)));
    op_inputs.push_back(2);
  }
  if (!t.weight_shape.empty()) {
    size_t n = 1;
    for (int d : t.weight_shape) n *= static_cast<size_t>(d);
    std::vector<uint8_t> w(n, 1);
    buffers.push_back(tflite::CreateBufferDirect(b, &w));
    tensors.push_back(tflite::CreateTensorDirect(b, &t.weight_shape, tflite::TensorType_INT8, 1, "w", quant(0.01f)));
    op_inputs.push_back(static_cast<int32_t>(tensors.size() - 1));
    op_inputs.push_back(-1);
  }
  std::vector<int32_t> outs{1}, ins{0};
  std::vector<flatbuffers::Offset<tflite::Operator>> ops{tflite::CreateOperatorDirect(
      b, 0, &op_inputs, &outs, t.options_type, t.options ? t.options(b) : 0)};
  std::vector<flatbuffers::Offset<tflite::OperatorCode>> codes{
      tflite::CreateOperatorCode(b, static_cast<int8_t>(std::min<int>(t.code, 127)), 0, 1, t.code)};
  std::vector<flatbuffers::Offset<tflite::SubGraph>> sgs;
  for (int i = 0; i < t.subgraphs; ++i) sgs.push_back(tflite::CreateSubGraphDirect(b, &tensors, &ins, &outs, &ops, "main"));
  b.Finish(tflite::CreateModelDirect(b, 3, &codes, &sgs, "tiny", &buffers), tflite::ModelIdentifier());
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

void expect_error(const Tiny& t, const std::vector<std::string>& parts) {
  const std::string e = error_of(tiny(t));
  ASSERT_FALSE(e.empty()) << "expected an error";
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  EXPECT_EQ(e.rfind("m.tflite: ", 0), 0u) << e;
  for (const auto& p : parts) EXPECT_NE(e.find(p), std::string::npos) << "'" << p << "' not in: " << e;
}

}  // namespace

TEST(TfliteReader, RefusesUnsupportedOperatorsShapesAndTypes) {
  Tiny conv;  // the valid baseline: a 3x3 SAME convolution
  conv.weight_shape = {2, 3, 3, 2};
  conv.options_type = tflite::BuiltinOptions_Conv2DOptions;
  conv.options = [](auto& b) { return tflite::CreateConv2DOptions(b, tflite::Padding_SAME, 1, 1).Union(); };
  EXPECT_EQ(error_of(tiny(conv)), "");
  EXPECT_EQ(read(tiny(conv)).q.layers.at(0).op, ir::Op::Conv2D);

  Tiny tanh;
  tanh.code = tflite::BuiltinOperator_TANH;
  expect_error(tanh, {"operator 0 (TANH)", "is not supported", "CONV_2D", "SOFTMAX"});

  Tiny dilated = conv;
  dilated.options = [](auto& b) { return tflite::CreateConv2DOptions(b, tflite::Padding_SAME, 1, 1, tflite::ActivationFunctionType_NONE, 2, 2).Union(); };
  expect_error(dilated, {"operator 0 (CONV_2D)", "dilat"});

  Tiny tanh_act = conv;
  tanh_act.options = [](auto& b) { return tflite::CreateConv2DOptions(b, tflite::Padding_SAME, 1, 1, tflite::ActivationFunctionType_TANH).Union(); };
  expect_error(tanh_act, {"fused activation TANH", "NONE, RELU, RELU6"});

  Tiny wrong_out = conv;
  wrong_out.out_shape = {1, 3, 3, 2};
  expect_error(wrong_out, {"operator 0 (CONV_2D)", "output is 3x3"});

  Tiny broadcast;
  broadcast.code = tflite::BuiltinOperator_ADD;
  broadcast.second_shape = {1, 1, 1, 2};
  expect_error(broadcast, {"operator 0 (ADD)", "does not broadcast"});

  Tiny batch = conv;
  batch.in_shape = {2, 4, 4, 2};
  expect_error(batch, {"batch 2"});

  Tiny f16 = conv;
  f16.in_type = tflite::TensorType_FLOAT16;
  expect_error(f16, {"FLOAT16", "int8 and float32"});

  Tiny two = conv;
  two.subgraphs = 2;
  expect_error(two, {"2 subgraphs"});

  Tiny grouped = conv;
  grouped.weight_shape = {2, 3, 3, 1};
  expect_error(grouped, {"grouped convolution"});
}

TEST(TfliteReader, RefusesCorruptFiles) {
  const auto good = compile::write_tflite(quantized(residual_model()));
  EXPECT_NE(error_of({good.begin(), good.begin() + static_cast<long>(good.size() / 2)}).find("corrupt or truncated"), std::string::npos);
  EXPECT_NE(error_of({1, 2, 3}).find("not a TensorFlow Lite model"), std::string::npos);
  std::vector<uint8_t> flipped = good;
  std::mt19937 rng(3);
  size_t refused = 0;
  for (int i = 0; i < 300; ++i) {  // random bit flips: an error or a model, never a crash
    flipped = good;
    for (int k = 0; k < 4; ++k) flipped[rng() % flipped.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
    refused += !error_of(flipped).empty();
  }
  EXPECT_GT(refused, 0u);
  // Found by tflite_fuzz: an output tensor index past the tensors was used before it was checked.
  const std::string crash = test::read_text(std::filesystem::path(MOTE_SOURCE_DIR) / "tests" / "fuzz" / "corpus" /
                                            "tflite_fuzz" / "crash_output_index.tflite");
  EXPECT_FALSE(error_of({crash.begin(), crash.end()}).empty());
}

namespace {

std::filesystem::path mlperf(const std::string& file) {
  const auto dir = test::peer("mlperf-tiny");
  return dir.empty() ? dir : dir / file;
}

}  // namespace

TEST(TfliteReader, MlperfTinyModelsImportAndMatchNumpy) {
  if (mlperf("").empty()) GTEST_SKIP() << "../shared/peers/mlperf-tiny is not here: skipping the MLPerf Tiny models";
  struct Expect {
    const char* file;
    size_t adds, layers;
  };
  for (const Expect& e : {Expect{"kws_ref_model.tflite", 0, 13}, Expect{"ic_resnet8_int8.tflite", 3, 16},
                          Expect{"vww_96_int8.tflite", 0, 31}, Expect{"ad01_int8.tflite", 0, 10}}) {
    const auto m = compile::load_tflite(mlperf(e.file));
    ASSERT_TRUE(m.quantized) << e.file;
    size_t adds = 0;
    for (const auto& l : m.q.layers) adds += l.op == ir::Op::Add;
    EXPECT_EQ(adds, e.adds) << e.file;
    EXPECT_EQ(m.q.layers.size(), e.layers) << e.file;
    auto j = quant::to_json(m.q);
    const auto x = random_int8(m.q.input_shape.size(), 7);
    const auto y = quant::run_int8(m.q, x.data());
    EXPECT_EQ(y, quant::run_int8(m.q, x.data(), quant::KernelPath::Reference)) << e.file;
    j["inputs"] = {x};
    test::TempDir dir;
    test::write_text(dir / "model.json", j.dump());
    ASSERT_EQ(test::run_reference("nn_int8.py", "--model " + (dir / "model.json").string() + " " + (dir / "out.json").string()), 0);
    EXPECT_EQ(nlohmann::json::parse(test::read_text(dir / "out.json"))["outputs"][0].get<std::vector<int8_t>>(), y) << e.file;
  }
}

TEST(TfliteReader, MlperfResidualAndDenseModelsRunBitExactOnCortexM4) {
  if (mlperf("").empty()) GTEST_SKIP() << "../shared/peers/mlperf-tiny is not here: skipping the MLPerf Tiny models";
  if (!deploy::missing_m4_tools().empty()) GTEST_SKIP() << "no Cortex-M4 toolchain/QEMU: " << deploy::missing_m4_tools();
  for (const char* file : {"ad01_int8.tflite", "ic_resnet8_int8.tflite"}) {
    const auto m = compile::load_tflite(mlperf(file));
    test::TempDir dir;
    deploy::ModelProfileOptions o;
    o.work = dir / "work";
    const auto r = deploy::profile_model_cortex_m4(m.q, file, deploy::random_inputs(2, m.q.input_shape.size(), 5), o);
    EXPECT_TRUE(r["parity"]["ok"].get<bool>()) << file << ": " << r["parity"].dump();
    EXPECT_EQ(r["parity"]["outputs_equal"].get<int>(), 2) << file;
    EXPECT_GT(r["instructions"]["mean"].get<double>(), static_cast<double>(r["macs"].get<uint64_t>()) * 0.5) << file;
    EXPECT_GE(r["flash"]["minus_harness_bytes"].get<long>(), static_cast<long>(r["flash"]["weight_bytes"].get<uint64_t>())) << file;
  }
}

namespace {

// input [1, 4, 4, 2] -> CONV_2D 3x3 SAME (fused `act`) -> t1 [, then `relu` (RELU/RELU6 standalone) -> out at
// `relu_scale`].
std::vector<uint8_t> conv_then_relu(tflite::ActivationFunctionType act, int relu, float relu_scale) {
  flatbuffers::FlatBufferBuilder b;
  auto quant = [&](float s, int64_t z) {
    std::vector<float> sc{s};
    std::vector<int64_t> zp{z};
    return tflite::CreateQuantizationParametersDirect(b, nullptr, nullptr, &sc, &zp);
  };
  std::vector<int32_t> shape{1, 4, 4, 2}, wshape{2, 3, 3, 2};
  std::vector<uint8_t> w(36);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<uint8_t>(static_cast<int8_t>(static_cast<int>(i * 37 % 61) - 30));
  std::vector<flatbuffers::Offset<tflite::Buffer>> buffers{tflite::CreateBuffer(b), tflite::CreateBufferDirect(b, &w)};
  std::vector<flatbuffers::Offset<tflite::Tensor>> tensors{
      tflite::CreateTensorDirect(b, &shape, tflite::TensorType_INT8, 0, "in", quant(0.05f, 3)),
      tflite::CreateTensorDirect(b, &shape, tflite::TensorType_INT8, 0, "t1", quant(0.02f, -10)),
      tflite::CreateTensorDirect(b, &wshape, tflite::TensorType_INT8, 1, "w", quant(0.01f, 0)),
      tflite::CreateTensorDirect(b, &shape, tflite::TensorType_INT8, 0, "out", quant(relu_scale, -10))};
  std::vector<int32_t> conv_in{0, 2, -1}, conv_out{1}, relu_in{1}, relu_out{3}, ins{0}, outs{relu ? 3 : 1};
  std::vector<flatbuffers::Offset<tflite::Operator>> ops{tflite::CreateOperatorDirect(
      b, 0, &conv_in, &conv_out, tflite::BuiltinOptions_Conv2DOptions,
      tflite::CreateConv2DOptions(b, tflite::Padding_SAME, 1, 1, act).Union())};
  std::vector<flatbuffers::Offset<tflite::OperatorCode>> codes{
      tflite::CreateOperatorCode(b, tflite::BuiltinOperator_CONV_2D, 0, 1, tflite::BuiltinOperator_CONV_2D)};
  if (relu) {
    codes.push_back(tflite::CreateOperatorCode(b, static_cast<int8_t>(relu), 0, 1, static_cast<tflite::BuiltinOperator>(relu)));
    ops.push_back(tflite::CreateOperatorDirect(b, 1, &relu_in, &relu_out));
  }
  std::vector<flatbuffers::Offset<tflite::SubGraph>> sgs{tflite::CreateSubGraphDirect(b, &tensors, &ins, &outs, &ops, "main")};
  b.Finish(tflite::CreateModelDirect(b, 3, &codes, &sgs, "relu", &buffers), tflite::ModelIdentifier());
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

}  // namespace

TEST(TfliteReader, StandaloneReluFoldsIntoTheLayerBeforeIt) {
  for (auto [act, code] : {std::pair{tflite::ActivationFunctionType_RELU, tflite::BuiltinOperator_RELU},
                           std::pair{tflite::ActivationFunctionType_RELU6, tflite::BuiltinOperator_RELU6}}) {
    const auto fused = read(conv_then_relu(act, 0, 0.02f)).q;
    const auto standalone = read(conv_then_relu(tflite::ActivationFunctionType_NONE, code, 0.02f)).q;
    ASSERT_EQ(standalone.layers.size(), 1u);
    EXPECT_EQ(standalone.layers[0].act_min, fused.layers[0].act_min);
    EXPECT_EQ(standalone.layers[0].act_max, fused.layers[0].act_max);
    EXPECT_GT(standalone.layers[0].act_min, -128);
    for (unsigned s = 0; s < 10; ++s) {
      const auto x = random_int8(32, s);
      EXPECT_EQ(quant::run_int8(standalone, x.data()), quant::run_int8(fused, x.data()));
    }
  }
  const std::string e = error_of(conv_then_relu(tflite::ActivationFunctionType_NONE, tflite::BuiltinOperator_RELU, 0.03f));
  EXPECT_NE(e.find("operator 1 (RELU)"), std::string::npos) << e;
  EXPECT_NE(e.find("rescales"), std::string::npos) << e;
}
