// src/compile/onnx_reader: mote's own float models written by onnx_writer and read back compute the same
// function; models made independently with python3-onnx (tests/ref/onnx_models.py, one or two per supported
// operator, NCHW) match that script's numpy evaluation within 1e-4 and, quantized by mote's PTQ, keep the
// float argmax; unsupported operators, grouped or dilated convolutions, other types, dynamic shapes and
// corrupt bytes are one-line errors naming the node.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <random>

#include "compile/onnx_reader.h"
#include "compile/onnx_writer.h"
#include "core/error.h"
#include "quant/executor.h"
#include "quant/quantize.h"
#include "support/model_fixtures.h"
#include "support/test_support.h"

using namespace mote;

namespace {

ir::Model read(const std::string& bytes) {
  return compile::read_onnx(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "m.onnx");
}

std::string error_of(const std::string& bytes) {
  try {
    read(bytes);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

size_t argmax(const std::vector<float>& v) { return static_cast<size_t>(std::max_element(v.begin(), v.end()) - v.begin()); }

// [C][H][W] -> [H][W][C]
std::vector<float> chw_to_hwc(const std::vector<float>& x, const ir::Shape& s) {
  std::vector<float> y(x.size());
  for (int c = 0; c < s.c; ++c)
    for (int i = 0; i < s.h * s.w; ++i) y[static_cast<size_t>(i) * s.c + c] = x[static_cast<size_t>(c) * s.h * s.w + i];
  return y;
}

// The reference models, made once per test run in a folder that lives as long as the process.
const nlohmann::json& reference(std::filesystem::path* dir) {
  static test::TempDir tmp;
  static nlohmann::json j = [] {
    if (test::run_reference("onnx_models.py", tmp.path().string()) != 0) return nlohmann::json();
    return nlohmann::json::parse(test::read_text(tmp / "onnx_models.json"));
  }();
  *dir = tmp.path();
  return j;
}

}  // namespace

TEST(OnnxReader, MotesModelsRoundTripThroughTheWriter) {
  size_t index = 0;
  for (const auto& m : test::classifier_models()) {
    SCOPED_TRACE("model " + std::to_string(index++));
    const ir::Model r = read(compile::write_onnx(m));
    EXPECT_EQ(r.input, m.input);
    EXPECT_EQ(r.output(), m.output());
    // The writer's Transposes and Reshapes leave nothing behind: the same layers, weights bit for bit.
    ASSERT_EQ(r.layers.size(), m.layers.size());
    for (size_t i = 0; i < m.layers.size(); ++i) {
      EXPECT_EQ(r.layers[i].op, m.layers[i].op) << i;
      EXPECT_EQ(r.layers[i].activation, m.layers[i].activation) << i;
      EXPECT_EQ(r.layers[i].padding, m.layers[i].padding) << i;
      EXPECT_EQ(r.layers[i].weights, m.layers[i].weights) << i;
      EXPECT_EQ(r.layers[i].bias, m.layers[i].bias) << i;
    }
    for (const auto& x : test::random_inputs(m, 20, 5)) {
      const auto want = ir::run_float(m, x.data()), got = ir::run_float(r, x.data());
      ASSERT_EQ(got.size(), want.size());
      for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5) << i;
    }
  }
}

TEST(OnnxReader, IndependentModelsMatchNumpyAndQuantize) {
  std::filesystem::path dir;
  const auto& ref = reference(&dir);
  ASSERT_FALSE(ref.is_null()) << "tests/ref/onnx_models.py failed (see the Python error above)";
  ASSERT_GE(ref["cases"].size(), 15u);
  for (const auto& c : ref["cases"]) {
    const std::string name = c["name"];
    SCOPED_TRACE(name);
    ir::Model m;
    ASSERT_NO_THROW(m = compile::load_onnx(dir / c["file"].get<std::string>()));
    const std::string in_layout = c["input_layout"], out_layout = c["output_layout"];
    std::vector<std::vector<float>> xs;
    for (const auto& x : c["inputs"]) {
      auto v = x.get<std::vector<float>>();
      ASSERT_EQ(v.size(), m.input.size());
      xs.push_back(in_layout == "nchw" || in_layout == "ncw" ? chw_to_hwc(v, m.input) : v);
    }
    double worst = 0;
    std::vector<std::vector<float>> floats;
    for (size_t k = 0; k < xs.size(); ++k) {
      floats.push_back(ir::run_float(m, xs[k].data()));
      auto want = c["outputs"][k].get<std::vector<float>>();
      if (out_layout == "nchw") want = chw_to_hwc(want, m.output());
      worst = std::max(worst, test::max_relative_error(floats.back(), std::vector<double>(want.begin(), want.end())));
    }
    EXPECT_LE(worst, 1e-4);
    // mote's PTQ calibrated on the same inputs: the int8 model picks the float model's argmax.
    const auto q = quant::quantize(m, xs);
    int agree = 0;
    for (size_t k = 0; k < xs.size(); ++k) agree += argmax(quant::run_quantized(q, xs[k].data())) == argmax(floats[k]);
    EXPECT_GE(agree * 10, static_cast<int>(xs.size()) * 8) << agree << " of " << xs.size();
  }
}

TEST(OnnxReader, FlattenAfterConvPermutesDenseColumnsToHwc) {
  std::filesystem::path dir;
  const auto& ref = reference(&dir);
  ASSERT_FALSE(ref.is_null());
  const ir::Model m = compile::load_onnx(dir / "flatten_after_conv.onnx");
  std::vector<ir::Op> ops;
  for (const auto& l : m.layers) ops.push_back(l.op);
  // Conv (Relu fused), the flatten as a view, Gemm, Softmax: Dropout and Identity leave nothing behind.
  EXPECT_EQ(ops, (std::vector<ir::Op>{ir::Op::Conv2D, ir::Op::Reshape, ir::Op::FullyConnected, ir::Op::Softmax}));
  EXPECT_EQ(m.layers[0].activation, ir::Activation::Relu);
  EXPECT_EQ(m.layers[0].padding, ir::Padding::Same);
  EXPECT_EQ(m.input, (ir::Shape{6, 6, 2}));
}

namespace {

// A small ONNX graph built with libonnx_proto: input x of `dims`, nodes appended, output named `out`.
struct Net {
  onnx::ModelProto m;
  onnx::GraphProto* g;
  explicit Net(std::vector<int64_t> dims, int opset = 13) {
    m.set_ir_version(8);
    auto* o = m.add_opset_import();
    o->set_domain("");
    o->set_version(opset);
    g = m.mutable_graph();
    g->set_name("t");
    value(g->add_input(), "x", dims);
    value(g->add_output(), "out", {});
  }
  static void value(onnx::ValueInfoProto* v, const std::string& name, const std::vector<int64_t>& dims,
                    int type = onnx::TensorProto::FLOAT) {
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(type);
    auto* s = t->mutable_shape();
    for (int64_t d : dims) s->add_dim()->set_dim_value(d);
  }
  onnx::NodeProto* node(const std::string& op, std::vector<std::string> ins, const std::string& out) {
    auto* n = g->add_node();
    n->set_op_type(op);
    for (auto& i : ins) n->add_input(i);
    n->add_output(out);
    return n;
  }
  void floats(const std::string& name, std::vector<int64_t> dims, float v = 0.25f, bool raw = true) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    int64_t n = 1;
    for (int64_t d : dims) t->add_dims(d), n *= d;
    std::vector<float> vals(static_cast<size_t>(n));
    for (size_t i = 0; i < vals.size(); ++i) vals[i] = v * static_cast<float>(static_cast<int>(i % 7) - 3);
    if (raw) t->set_raw_data(std::string(reinterpret_cast<const char*>(vals.data()), vals.size() * 4));
    else
      for (float f : vals) t->add_float_data(f);
  }
  void scalar(const std::string& name, float v) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_float_data(v);
  }
  std::string bytes() const { return m.SerializeAsString(); }
};

void ints_attr(onnx::NodeProto* n, const std::string& name, std::vector<int64_t> v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}
void int_attr(onnx::NodeProto* n, const std::string& name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

// x [1, 4, 6, 6] -> Conv 3x3 (4 -> 4) pads 1 -> out
Net conv_net() {
  Net n({1, 4, 6, 6});
  n.floats("w", {4, 4, 3, 3});
  n.floats("b", {4});
  auto* c = n.node("Conv", {"x", "w", "b"}, "out");
  ints_attr(c, "pads", {1, 1, 1, 1});
  return n;
}

// x [1, 8] -> Gemm (8 -> 3, transB) -> out
Net gemm_net() {
  Net n({1, 8});
  n.floats("w", {3, 8});
  n.floats("b", {3});
  int_attr(n.node("Gemm", {"x", "w", "b"}, "out"), "transB", 1);
  return n;
}

void expect_error(const Net& n, const std::vector<std::string>& parts) {
  const std::string e = error_of(n.bytes());
  ASSERT_FALSE(e.empty()) << "expected an error";
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  EXPECT_EQ(e.rfind("m.onnx: ", 0), 0u) << e;
  for (const auto& p : parts) EXPECT_NE(e.find(p), std::string::npos) << "'" << p << "' not in: " << e;
}

}  // namespace

TEST(OnnxReader, ReadsFloatDataConstantsAndSymbolicBatch) {
  // Baselines used by the refusal test import; float_data weights equal raw_data ones.
  EXPECT_EQ(error_of(conv_net().bytes()), "");
  Net a = gemm_net(), b({1, 8});
  b.floats("w", {3, 8}, 0.25f, false);
  b.floats("b", {3}, 0.25f, false);
  int_attr(b.node("Gemm", {"x", "w", "b"}, "out"), "transB", 1);
  const auto ma = read(a.bytes()), mb = read(b.bytes());
  EXPECT_EQ(ma.layers.at(0).weights, mb.layers.at(0).weights);
  EXPECT_EQ(ma.layers.at(0).bias, mb.layers.at(0).bias);
  // A symbolic batch is read as 1.
  Net s = gemm_net();
  s.g->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0)->set_dim_param("N");
  EXPECT_EQ(read(s.bytes()).input, (ir::Shape{1, 1, 8}));
  // Relu fused into MaxPool; a Conv 1x1 with depthwise group 1 == channels 1.
  Net p({1, 1, 4, 4});
  p.floats("w", {2, 1, 1, 1});
  auto* c = p.node("Conv", {"x", "w"}, "c");
  int_attr(c, "group", 1);
  auto* mp = p.node("MaxPool", {"c"}, "mp");
  ints_attr(mp, "kernel_shape", {2, 2});
  ints_attr(mp, "strides", {2, 2});
  p.node("Relu", {"mp"}, "out");
  const auto mp_model = read(p.bytes());
  ASSERT_EQ(mp_model.layers.size(), 2u);
  EXPECT_EQ(mp_model.layers[1].op, ir::Op::MaxPool2D);
  EXPECT_EQ(mp_model.layers[1].activation, ir::Activation::Relu);
}

TEST(OnnxReader, RefusesUnsupportedOperatorsShapesAndTypes) {
  {
    Net n({1, 8});
    n.node("Tanh", {"x"}, "out");
    expect_error(n, {"node 0 (Tanh)", "is not supported", "Conv", "Gemm", "Softmax"});
  }
  {
    Net n = gemm_net();
    n.g->mutable_node(0)->set_output(0, "y");
    n.node("Sigmoid", {"y"}, "out");
    expect_error(n, {"node 1 (Sigmoid)", "is not supported"});
  }
  {
    Net n({1, 4, 6, 6});
    n.floats("w", {4, 2, 3, 3});
    int_attr(n.node("Conv", {"x", "w"}, "out"), "group", 2);
    expect_error(n, {"node 0 (Conv)", "grouped convolution (group 2 over 4 channels)", "depthwise"});
  }
  {
    Net n = conv_net();
    ints_attr(n.g->mutable_node(0), "dilations", {2, 2});
    expect_error(n, {"node 0 (Conv)", "dilat", "dilation 1"});
  }
  {
    Net n = conv_net();  // pads 1 before, 0 after on 6 with a 3x3 window: neither VALID nor SAME
    n.g->mutable_node(0)->mutable_attribute(0)->clear_ints();
    for (int64_t p : {1, 1, 0, 0}) n.g->mutable_node(0)->mutable_attribute(0)->add_ints(p);
    expect_error(n, {"node 0 (Conv)", "pads 1+0, 1+0", "SAME"});
  }
  {
    Net n({1, 4, 6, 6});
    auto* p = n.node("AveragePool", {"x"}, "out");
    ints_attr(p, "kernel_shape", {3, 3});
    ints_attr(p, "pads", {1, 1, 1, 1});
    int_attr(p, "count_include_pad", 1);
    expect_error(n, {"node 0 (AveragePool)", "count_include_pad"});
  }
  {
    Net n = gemm_net();  // Softmax then Relu: nothing to fuse into
    n.g->mutable_node(0)->set_output(0, "y");
    n.node("Softmax", {"y"}, "s");
    n.node("Relu", {"s"}, "out");
    expect_error(n, {"node 2 (Relu)", "follows Softmax", "fuses Relu"});
  }
  {
    Net n({1, 8});
    n.node("Relu", {"x"}, "out");
    expect_error(n, {"node 0 (Relu)", "model input"});
  }
  {
    Net n = gemm_net();  // the pre-activation is read twice: Relu cannot be fused
    n.g->mutable_node(0)->set_output(0, "y");
    n.node("Relu", {"y"}, "r");
    n.node("Add", {"y", "r"}, "out");
    expect_error(n, {"node 1 (Relu)", "also read elsewhere"});
  }
  {
    Net n = gemm_net();
    n.g->mutable_node(0)->set_output(0, "y");
    n.node("Clip", {"y", "lo", "hi"}, "out");
    n.scalar("lo", 0.0f);
    n.scalar("hi", 4.0f);
    expect_error(n, {"node 1 (Clip)", "clips to [0.000000, 4.000000]", "Clip(0, 6)"});
  }
  {
    Net n({1, 8});
    n.node("QuantizeLinear", {"x", "s", "z"}, "out");
    expect_error(n, {"node 0 (QuantizeLinear)", "quantized operator", "float32"});
  }
  {
    Net n = gemm_net();
    n.g->mutable_initializer(0)->set_data_type(onnx::TensorProto::INT8);
    expect_error(n, {"node 0 (Gemm)", "INT8", "float32"});
  }
  {
    Net n = gemm_net();
    n.g->mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::UINT8);
    expect_error(n, {"input 'x' is UINT8", "float32"});
  }
  {
    Net n = conv_net();
    n.g->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(2)->set_dim_param("h");
    expect_error(n, {"dimension 2 'h'", "static shapes"});
  }
  {
    Net n = gemm_net();
    Net::value(n.g->add_input(), "x2", {1, 8});
    expect_error(n, {"2 inputs and 1 outputs", "exactly one input and one output"});
  }
  {
    Net n = gemm_net();
    n.m.mutable_opset_import(0)->set_version(6);
    expect_error(n, {"opset 6", "opsets 7 to 18"});
  }
  {
    Net n = gemm_net();
    n.g->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0)->set_dim_value(2);
    expect_error(n, {"batch 2", "batch 1"});
  }
  {
    Net n = gemm_net();
    int_attr(n.g->mutable_node(0), "transA", 1);
    expect_error(n, {"node 0 (Gemm)", "transA"});
  }
  {
    Net n({1, 4, 6, 6});  // MaxPool then a constant Add: no bias to fold it into
    n.floats("k", {4, 1, 1});
    auto* p = n.node("MaxPool", {"x"}, "p");
    ints_attr(p, "kernel_shape", {2, 2});
    n.node("Add", {"p", "k"}, "out");
    expect_error(n, {"node 1 (Add)", "after MaxPool", "bias"});
  }
  {
    Net n = conv_net();  // Add broadcasting [1, 4, 6, 6] + [1, 4, 1, 1] activations
    n.g->mutable_node(0)->set_output(0, "c");
    n.node("GlobalAveragePool", {"c"}, "gap");
    n.node("Add", {"c", "gap"}, "out");
    expect_error(n, {"node 2 (Add)", "does not broadcast"});
  }
  {
    Net n = conv_net();  // Transpose that really moves elements (H <-> W)
    n.g->mutable_node(0)->set_output(0, "c");
    ints_attr(n.node("Transpose", {"c"}, "out"), "perm", {0, 1, 3, 2});
    expect_error(n, {"node 1 (Transpose)", "perm [0, 1, 3, 2]", "NHWC <-> NCHW"});
  }
  {
    Net n = conv_net();  // Softmax over channels at every pixel: many rows
    n.g->mutable_node(0)->set_output(0, "c");
    int_attr(n.node("Softmax", {"c"}, "out"), "axis", 1);
    expect_error(n, {"node 1 (Softmax)", "more than one row"});
  }
  {
    Net n = conv_net();  // ends in a channel-major flatten
    n.g->mutable_node(0)->set_output(0, "c");
    n.node("Flatten", {"c"}, "out");
    expect_error(n, {"output flattens an NCHW tensor"});
  }
  {
    Net n = gemm_net();
    n.g->mutable_initializer(0)->set_data_location(onnx::TensorProto::EXTERNAL);
    expect_error(n, {"node 0 (Gemm)", "external file"});
  }
  {
    Net n = gemm_net();
    n.g->mutable_node(0)->set_input(1, "missing");
    expect_error(n, {"node 0 (Gemm)", "'missing'", "no earlier node"});
  }
  {
    Net n = gemm_net();
    n.g->mutable_initializer(0)->mutable_raw_data()->resize(12);
    expect_error(n, {"node 0 (Gemm)", "holds 3 values for shape [3, 8]"});
  }
  {
    Net n = gemm_net();
    n.g->mutable_node(0)->set_domain("com.microsoft");
    expect_error(n, {"node 0 (Gemm)", "domain 'com.microsoft'"});
  }
  {
    Net n = gemm_net();
    n.g->mutable_node(0)->set_op_type("Bad\nName");
    expect_error(n, {"node 0 (Bad?Name)"});
  }
}

TEST(OnnxReader, RefusesCorruptAndTruncatedFiles) {
  EXPECT_NE(error_of("").find("m.onnx: not an ONNX model"), std::string::npos);
  EXPECT_NE(error_of(std::string("\xff\xff\xff\xff\xff\xff\xff\xff", 8)).find("corrupt or truncated"), std::string::npos);
  const std::string good = compile::write_onnx(test::classifier_models()[2]);
  ASSERT_NO_THROW(read(good));
  // Every proper prefix is refused with one line (never read past, never a crash).
  for (size_t n = 0; n < good.size(); ++n) {
    const std::string e = error_of(good.substr(0, n));
    ASSERT_FALSE(e.empty()) << "prefix " << n << " was accepted";
    ASSERT_EQ(e.find('\n'), std::string::npos) << e;
    ASSERT_EQ(e.rfind("m.onnx: ", 0), 0u) << e;
  }
  // Random byte flips: a model or a one-line mote::Error, nothing else.
  std::mt19937 rng(3);
  int refused = 0;
  for (int k = 0; k < 3000; ++k) {
    std::string b = good;
    for (int f = 0; f < 3; ++f) b[rng() % b.size()] = static_cast<char>(rng());
    const std::string e = error_of(b);
    refused += !e.empty();
    ASSERT_EQ(e.find('\n'), std::string::npos) << e;
  }
  EXPECT_GT(refused, 0);
}
