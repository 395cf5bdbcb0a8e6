#include "compile/onnx_writer.h"

#include <fstream>

#include "compile/onnx_proto.h"
#include "core/error.h"
#include "core/files.h"

namespace mote::compile {

namespace {

// onnx.proto field numbers and enum values used below.
enum : int {
  kModelIrVersion = 1, kModelProducerName = 2, kModelProducerVersion = 3, kModelDocString = 6, kModelGraph = 7,
  kModelOpsetImport = 8,
  kOpsetDomain = 1, kOpsetVersion = 2,
  kGraphNode = 1, kGraphName = 2, kGraphInitializer = 5, kGraphInput = 11, kGraphOutput = 12,
  kNodeInput = 1, kNodeOutput = 2, kNodeName = 3, kNodeOpType = 4, kNodeAttribute = 5,
  kAttrName = 1, kAttrF = 2, kAttrI = 3, kAttrInts = 8, kAttrType = 20,
  kAttrTypeFloat = 1, kAttrTypeInt = 2, kAttrTypeInts = 7,
  kTensorDims = 1, kTensorDataType = 2, kTensorName = 8, kTensorRawData = 9,
  kTypeFloat = 1, kTypeInt64 = 7,
  kValueInfoName = 1, kValueInfoType = 2, kTypeTensorType = 1, kTensorTypeElemType = 1, kTensorTypeShape = 2,
  kShapeDim = 1, kDimValue = 1,
};
// Opset 10 (IR version 5): the last with Clip's bounds as attributes, which OpenCV's importer (4.6) and
// older runtimes read; every op mote writes means the same there as in later opsets.
constexpr int kIrVersion = 5, kOpset = 10;

pb::Message attr_int(const std::string& name, int64_t v) {
  return pb::Message().bytes(kAttrName, name).int64(kAttrI, v).varint(kAttrType, kAttrTypeInt);
}
pb::Message attr_float(const std::string& name, float v) {
  return pb::Message().bytes(kAttrName, name).float32(kAttrF, v).varint(kAttrType, kAttrTypeFloat);
}
pb::Message attr_ints(const std::string& name, const std::vector<int64_t>& v) {
  pb::Message a;
  a.bytes(kAttrName, name);
  for (int64_t x : v) a.int64(kAttrInts, x);  // unpacked, as onnx's own helper writes them
  return a.varint(kAttrType, kAttrTypeInts);
}

pb::Message value_info(const std::string& name, const std::vector<int64_t>& dims) {
  pb::Message shape;
  for (int64_t d : dims) shape.message(kShapeDim, pb::Message().int64(kDimValue, d));
  pb::Message tensor_type;
  tensor_type.varint(kTensorTypeElemType, kTypeFloat).message(kTensorTypeShape, shape);
  return pb::Message().bytes(kValueInfoName, name).message(kValueInfoType, pb::Message().message(kTypeTensorType, tensor_type));
}

// Where the current tensor's elements are: flat [1, n] in HWC order, NHWC, or NCHW.
enum class Layout { Flat, Nhwc, Nchw };

class Graph {
 public:
  void node(const std::string& op, const std::vector<std::string>& ins, const std::string& out,
            const std::vector<pb::Message>& attrs = {}) {
    pb::Message n;
    for (const auto& i : ins) n.bytes(kNodeInput, i);
    n.bytes(kNodeOutput, out).bytes(kNodeName, out).bytes(kNodeOpType, op);
    for (const auto& a : attrs) n.message(kNodeAttribute, a);
    nodes_.push_back(n);
  }
  std::string floats(const std::string& name, const std::vector<int64_t>& dims, const std::vector<float>& v) {
    add_initializer(name, dims, kTypeFloat, std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float)));
    return name;
  }
  std::string int64s(const std::string& name, const std::vector<int64_t>& v) {
    add_initializer(name, {static_cast<int64_t>(v.size())}, kTypeInt64,
                    std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(int64_t)));
    return name;
  }
  std::string fresh(const std::string& base) { return base + "_" + std::to_string(counter_++); }

  std::string model(const std::string& name, const pb::Message& input, const pb::Message& output) const {
    pb::Message g;
    for (const auto& n : nodes_) g.message(kGraphNode, n);
    g.bytes(kGraphName, name);
    for (const auto& t : initializers_) g.message(kGraphInitializer, t);
    g.message(kGraphInput, input).message(kGraphOutput, output);
    pb::Message m;
    m.int64(kModelIrVersion, kIrVersion)
        .bytes(kModelProducerName, "mote")
        .bytes(kModelProducerVersion, MOTE_VERSION)
        .bytes(kModelDocString, "float model exported by mote; input NHWC (or flat), as mote's features")
        .message(kModelGraph, g)
        .message(kModelOpsetImport, pb::Message().bytes(kOpsetDomain, "").int64(kOpsetVersion, kOpset));
    return m.str();
  }

 private:
  void add_initializer(const std::string& name, const std::vector<int64_t>& dims, int type, const std::string& raw) {
    pb::Message t;
    for (int64_t d : dims) t.int64(kTensorDims, d);
    t.varint(kTensorDataType, static_cast<uint64_t>(type)).bytes(kTensorName, name).bytes(kTensorRawData, raw);
    initializers_.push_back(t);
  }
  std::vector<pb::Message> nodes_, initializers_;
  int counter_ = 0;
};

class Writer {
 public:
  explicit Writer(const ir::Model& m) : m_(m) {}

  std::string finish(const std::string& name) {
    if (m_.layers.empty()) throw Error("onnx: the model has no layers");
    const bool flat_input = m_.layers[0].op == ir::Op::FullyConnected;
    const ir::Shape& in = m_.input;
    auto input = value_info("input", flat_input ? std::vector<int64_t>{1, static_cast<int64_t>(in.size())}
                                                : std::vector<int64_t>{1, in.h, in.w, in.c});
    x_ = "input";
    layout_ = flat_input ? Layout::Flat : Layout::Nhwc;
    for (size_t i = 0; i < m_.layers.size(); ++i) {
      if (ir::layer_inputs(m_.layers[i], i) != std::vector<int>{static_cast<int>(i)})
        throw Error("onnx: layer " + std::to_string(i) + " reads a tensor other than the previous layer's; ONNX export handles chains only");
      layer(m_.layers[i]);
    }
    const ir::Shape& out = m_.output();
    const bool flat_output = out.h == 1 && out.w == 1;
    to(flat_output ? Layout::Flat : Layout::Nhwc, out);
    g_.node("Identity", {x_}, "output");
    auto output = value_info("output", flat_output ? std::vector<int64_t>{1, static_cast<int64_t>(out.size())}
                                                   : std::vector<int64_t>{1, out.h, out.w, out.c});
    return g_.model(name, input, output);
  }

 private:
  // Moves the current tensor (of IR shape s) into layout `want`; element order stays the IR's.
  void to(Layout want, const ir::Shape& s) {
    if (layout_ == want) return;
    if (want == Layout::Nchw) {
      if (layout_ == Layout::Flat) reshape({1, s.h, s.w, s.c});
      transpose({0, 3, 1, 2});
    } else {
      if (layout_ == Layout::Nchw) transpose({0, 2, 3, 1});
      if (want == Layout::Flat) reshape({1, static_cast<int64_t>(s.size())});
      else if (layout_ == Layout::Flat) reshape({1, s.h, s.w, s.c});
    }
    layout_ = want;
  }
  void transpose(const std::vector<int64_t>& perm) {
    const std::string y = g_.fresh("transpose");
    g_.node("Transpose", {x_}, y, {attr_ints("perm", perm)});
    x_ = y;
  }
  void reshape(const std::vector<int64_t>& shape) {
    const std::string y = g_.fresh("reshape");
    g_.node("Reshape", {x_, g_.int64s(y + "_shape", shape)}, y);
    x_ = y;
  }
  void activation(const std::string& base, ir::Activation a) {
    if (a == ir::Activation::None) return;
    const std::string y = base + (a == ir::Activation::Relu ? "_relu" : "_relu6");
    if (a == ir::Activation::Relu) {
      g_.node("Relu", {x_}, y);
    } else {
      g_.node("Clip", {x_}, y, {attr_float("min", 0.0f), attr_float("max", 6.0f)});
    }
    x_ = y;
  }

  void layer(const ir::Layer& l) {
    const std::string base = g_.fresh(l.name.empty() ? ir::op_name(l.op) : l.name);
    const std::vector<float> bias = l.bias.empty() ? std::vector<float>(l.out.c, 0.0f) : l.bias;
    switch (l.op) {
      case ir::Op::FullyConnected: {
        to(Layout::Flat, l.in);
        const auto n = static_cast<int64_t>(l.in.size());
        g_.node("Gemm", {x_, g_.floats(base + "_W", {l.units, n}, l.weights), g_.floats(base + "_B", {l.units}, bias)}, base,
                {attr_int("transB", 1)});
        x_ = base;
        break;
      }
      case ir::Op::Conv2D:
      case ir::Op::DepthwiseConv2D: {
        to(Layout::Nchw, l.in);
        const bool dw = l.op == ir::Op::DepthwiseConv2D;
        const int oc = l.out.c, ic = dw ? 1 : l.in.c;
        // IR OHWI (conv) or [kh][kw][out_c] (depthwise) -> ONNX [out_c][in_c / group][kh][kw].
        std::vector<float> w(static_cast<size_t>(oc) * ic * l.kernel_h * l.kernel_w);
        for (int o = 0; o < oc; ++o)
          for (int c = 0; c < ic; ++c)
            for (int y = 0; y < l.kernel_h; ++y)
              for (int x = 0; x < l.kernel_w; ++x) {
                const size_t src = dw ? (static_cast<size_t>(y) * l.kernel_w + x) * oc + o
                                      : ((static_cast<size_t>(o) * l.kernel_h + y) * l.kernel_w + x) * ic + c;
                w[((static_cast<size_t>(o) * ic + c) * l.kernel_h + y) * l.kernel_w + x] = l.weights[src];
              }
        g_.node("Conv", {x_, g_.floats(base + "_W", {oc, ic, l.kernel_h, l.kernel_w}, w), g_.floats(base + "_B", {oc}, bias)},
                base, window(l, {attr_int("group", dw ? l.in.c : 1)}));
        x_ = base;
        break;
      }
      case ir::Op::MaxPool2D:
      case ir::Op::AvgPool2D:
        to(Layout::Nchw, l.in);
        // Padded taps: ignored by MaxPool, not counted by AveragePool (count_include_pad = 0), as the IR.
        g_.node(l.op == ir::Op::MaxPool2D ? "MaxPool" : "AveragePool", {x_}, base,
                window(l, l.op == ir::Op::AvgPool2D ? std::vector<pb::Message>{attr_int("count_include_pad", 0)}
                                                    : std::vector<pb::Message>{}));
        x_ = base;
        break;
      case ir::Op::Reshape:
        // The IR's reshape keeps the HWC element order: a view, nothing to compute.
        to(Layout::Flat, l.in);
        layout_ = Layout::Flat;
        if (!(l.out.h == 1 && l.out.w == 1)) {
          reshape({1, l.out.h, l.out.w, l.out.c});
          layout_ = Layout::Nhwc;
        }
        break;
      case ir::Op::Softmax:
        to(Layout::Flat, l.in);
        g_.node("Softmax", {x_}, base, {attr_int("axis", 1)});  // over [1, n]: the whole row
        x_ = base;
        break;
      case ir::Op::Add:  // the writer follows one chain of tensors (and their layouts)
        throw Error("onnx: layer '" + base + "' is an Add (a residual connection); ONNX export handles chains only");
      case ir::Op::Mean:  // int8 models only: a float model holds a global average pool instead
        throw Error("onnx: layer '" + base + "' is an int8 mean; float models express it as a global average pool");
    }
    activation(base, l.activation);
  }

  // kernel_shape, strides and explicit pads (TFLite's SAME puts the extra pixel after).
  std::vector<pb::Message> window(const ir::Layer& l, std::vector<pb::Message> attrs) {
    const int th = std::max((l.out.h - 1) * l.stride_h + l.kernel_h - l.in.h, 0);
    const int tw = std::max((l.out.w - 1) * l.stride_w + l.kernel_w - l.in.w, 0);
    const int ph = ir::conv_pad_before(l.in.h, l.kernel_h, l.stride_h, l.padding);
    const int pw = ir::conv_pad_before(l.in.w, l.kernel_w, l.stride_w, l.padding);
    const bool same = l.padding == ir::Padding::Same;
    attrs.push_back(attr_ints("kernel_shape", {l.kernel_h, l.kernel_w}));
    attrs.push_back(attr_ints("strides", {l.stride_h, l.stride_w}));
    attrs.push_back(attr_ints("pads", same ? std::vector<int64_t>{ph, pw, th - ph, tw - pw} : std::vector<int64_t>{0, 0, 0, 0}));
    return attrs;
  }

  const ir::Model& m_;
  Graph g_;
  std::string x_;
  Layout layout_ = Layout::Nhwc;
};

}  // namespace

std::string write_onnx(const ir::Model& model, const std::string& graph_name) {
  ir::Model m = model;
  ir::infer_shapes(m);
  return Writer(m).finish(graph_name);
}

void save_onnx(const ir::Model& m, const std::filesystem::path& out, const std::string& graph_name) {
  const std::string bytes = write_onnx(m, graph_name);
  write_file_atomic(out, bytes);  // nothing half-written is left behind
}

}  // namespace mote::compile
