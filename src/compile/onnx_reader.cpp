#include "compile/onnx_reader.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <set>

#include "core/error.h"
#include "core/files.h"

namespace mote::compile {
namespace {

constexpr const char* kSupported =
    "Conv (group 1 or depthwise), Gemm, MatMul, Add, Relu, Clip(0, 6), MaxPool, AveragePool, GlobalAveragePool, "
    "GlobalMaxPool, Flatten, Reshape, Squeeze, Unsqueeze, Transpose (NHWC/NCHW), Softmax, Identity, Dropout, Constant";
constexpr int kMinOpset = 7, kMaxOpset = 18;
constexpr int64_t kMaxDim = int64_t{1} << 24, kMaxElements = int64_t{1} << 28, kMaxWindow = int64_t{1} << 16;

// A name from the file, fit for a one-line message: printable ASCII, at most 60 characters, quoted.
std::string quoted(const std::string& s) {
  std::string r = "'";
  for (size_t i = 0; i < s.size() && i < 60; ++i) r += s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
  return r + (s.size() > 60 ? "...'" : "'");
}

std::string list(const std::vector<int64_t>& v) {
  std::string r = "[";
  for (size_t i = 0; i < v.size(); ++i) r += (i ? ", " : "") + std::to_string(v[i]);
  return r + "]";
}

int64_t product(const std::vector<int64_t>& d, size_t from = 0, size_t to = SIZE_MAX) {
  int64_t n = 1;
  for (size_t i = from; i < d.size() && i < to; ++i) n *= d[i];
  return n;
}

std::string type_name(int t) {
  return onnx::TensorProto_DataType_IsValid(t) ? onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(t))
                                               : "data type " + std::to_string(t);
}

// One ONNX activation tensor: the IR tensor holding its elements, its ONNX shape, and its element order.
// chw: the ONNX elements walk the IR tensor {h, w, c} channel-major (c, h, w), as NCHW does; otherwise in
// the IR's own HWC order. A Flatten or Reshape changes only `dims`.
struct Value {
  int t = 0;
  std::vector<int64_t> dims;
  bool chw = false;
};

// A constant (initializer or Constant node), decoded.
struct Const {
  std::vector<int64_t> dims;
  std::vector<float> f;    // FLOAT
  std::vector<int64_t> i;  // INT64 / INT32
};

// A channel-major walk of {h, w, c} is the HWC walk when one of the two parts is a single element.
bool trivial(const ir::Shape& s) { return s.c == 1 || s.h * s.w == 1; }

class Reader {
 public:
  Reader(const onnx::ModelProto& m, std::string name) : m_(m), name_(std::move(name)) {}

  ir::Model read() {
    opset_ = opset();
    if (!m_.has_graph()) fail("has no graph");
    const auto& g = m_.graph();
    if (g.sparse_initializer_size() > 0) fail("has sparse initializers; mote reads dense float32 initializers");
    for (const auto& t : g.initializer()) init_[t.name()] = &t;

    std::vector<const onnx::ValueInfoProto*> inputs;
    for (const auto& i : g.input())
      if (!init_.count(i.name())) inputs.push_back(&i);
    if (inputs.size() != 1 || g.output_size() != 1)
      fail("has " + std::to_string(inputs.size()) + " inputs and " + std::to_string(g.output_size()) +
           " outputs; mote imports models with exactly one input and one output");
    const std::string output = g.output(0).name();
    if (init_.count(output)) fail("its output " + quoted(output) + " is a constant");

    // Only the nodes the output depends on (an unused branch is not run), and how often each value is read.
    std::set<std::string> needed = {output};
    live_.assign(static_cast<size_t>(g.node_size()), false);
    for (int n = g.node_size() - 1; n >= 0; --n) {
      const auto& node = g.node(n);
      for (const auto& o : node.output())
        if (!o.empty() && needed.count(o)) live_[n] = true;
      if (live_[n])
        for (const auto& i : node.input()) needed.insert(i);
    }
    uses_[output]++;
    for (int n = 0; n < g.node_size(); ++n)
      if (live_[n])
        for (const auto& i : g.node(n).input())
          if (!i.empty()) uses_[i]++;

    read_input(*inputs[0]);
    for (int n = 0; n < g.node_size(); ++n) {
      if (!live_[n]) continue;
      at_ = n;
      node_ = &g.node(n);
      read_node();
    }
    node_ = nullptr;
    finish(output);
    try {
      ir::infer_shapes(f_);
    } catch (const Error& e) {
      fail(std::string("the imported model is inconsistent (") + e.what() + ")");
    }
    for (size_t k = 0; k < f_.layers.size(); ++k)
      if (!(f_.layers[k].out == shapes_[k + 1])) fail("the imported model is inconsistent at layer " + std::to_string(k));
    return std::move(f_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw Error(name_ + ": " + what); }
  [[noreturn]] void fail_node(const std::string& what) const {
    throw Error(name_ + ": node " + std::to_string(at_) + " (" + op_label() + "): " + what);
  }
  std::string op_label() const {
    std::string s = node_ ? node_->op_type() : "";
    for (char& ch : s)
      if (ch < 0x20 || ch >= 0x7f) ch = '?';
    if (s.size() > 40) s = s.substr(0, 40) + "...";
    return s.empty() ? "no op_type" : s;
  }

  int opset() const {
    int v = -1;
    for (const auto& o : m_.opset_import())
      if (o.domain().empty() || o.domain() == "ai.onnx") v = static_cast<int>(std::clamp<int64_t>(o.version(), -1, 1000000));
    if (v < 0) fail("imports no default-domain (ai.onnx) opset");
    if (v < kMinOpset || v > kMaxOpset)
      fail("uses opset " + std::to_string(v) + "; mote reads opsets " + std::to_string(kMinOpset) + " to " +
           std::to_string(kMaxOpset) + " (re-export with one of them)");
    return v;
  }

  // ---- tensors and attributes ----

  const ir::Shape& shape(int t) const { return shapes_.at(static_cast<size_t>(t)); }
  bool chw(const Value& v) const { return v.chw && !trivial(shape(v.t)); }  // the order really differs from HWC

  void define(const std::string& name, const Value& v) {
    if (name.empty()) return;
    if (values_.count(name) || consts_.count(name) || init_.count(name)) fail_node("redefines " + quoted(name));
    values_[name] = v;
    aliases_[v.t].push_back(name);
  }

  bool is_const(const std::string& name) const { return init_.count(name) || consts_.count(name); }

  const Value& act(int k) {
    if (k >= node_->input_size() || node_->input(k).empty()) fail_node("has no input " + std::to_string(k));
    const std::string& n = node_->input(k);
    auto it = values_.find(n);
    if (it != values_.end()) return it->second;
    if (is_const(n)) fail_node("input " + std::to_string(k) + " " + quoted(n) + " is a constant where mote expects an activation");
    fail_node("reads " + quoted(n) + ", which no earlier node produces");
  }

  bool has_input(int k) const { return k < node_->input_size() && !node_->input(k).empty(); }

  Const constant(int k, const std::string& what) {
    if (!has_input(k)) fail_node("has no " + what);
    const std::string& n = node_->input(k);
    const onnx::TensorProto* t = nullptr;
    if (auto it = init_.find(n); it != init_.end()) t = it->second;
    if (auto it = consts_.find(n); it != consts_.end()) t = it->second;
    if (!t) {
      if (values_.count(n)) fail_node(what + " " + quoted(n) + " is computed; mote needs it constant (an initializer)");
      fail_node("reads " + quoted(n) + ", which no earlier node produces");
    }
    return decode(*t, what);
  }

  Const decode(const onnx::TensorProto& t, const std::string& what) const {
    if (t.data_location() == onnx::TensorProto::EXTERNAL)
      fail_node(what + " is stored in an external file; mote reads initializers held in the model");
    if (t.has_segment()) fail_node(what + " is segmented; mote reads whole tensors");
    Const c;
    int64_t n = 1;
    for (int64_t d : t.dims()) {
      if (d < 1 || d > kMaxDim) fail_node(what + " has dimension " + std::to_string(d) + "; mote reads dimensions in [1, 2^24]");
      n *= d;
      if (n > kMaxElements) fail_node(what + " has more than 2^28 elements");
      c.dims.push_back(d);
    }
    const auto count = static_cast<size_t>(n);
    const std::string& raw = t.raw_data();
    auto mismatch = [&](size_t got) {
      fail_node(what + " holds " + std::to_string(got) + " values for shape " + list(c.dims));
    };
    // Sizes are checked before anything is allocated: the dims alone may claim 2^28 elements.
    auto check = [&](size_t width, size_t listed) {
      if (!raw.empty() ? raw.size() != width * count : listed != count) mismatch(!raw.empty() ? raw.size() / width : listed);
    };
    switch (t.data_type()) {
      case onnx::TensorProto::FLOAT:
        check(4, static_cast<size_t>(t.float_data_size()));
        c.f.resize(count);
        if (!raw.empty()) std::memcpy(c.f.data(), raw.data(), raw.size());  // little-endian, as ONNX stores raw data
        else std::copy(t.float_data().begin(), t.float_data().end(), c.f.begin());
        for (float v : c.f)
          if (!std::isfinite(v)) fail_node(what + " holds a NaN or infinity");
        break;
      case onnx::TensorProto::INT64:
        check(8, static_cast<size_t>(t.int64_data_size()));
        c.i.resize(count);
        if (!raw.empty()) std::memcpy(c.i.data(), raw.data(), raw.size());
        else std::copy(t.int64_data().begin(), t.int64_data().end(), c.i.begin());
        break;
      case onnx::TensorProto::INT32:
        check(4, static_cast<size_t>(t.int32_data_size()));
        c.i.resize(count);
        for (size_t k = 0; k < count; ++k) {
          if (raw.empty()) {
            c.i[k] = t.int32_data(static_cast<int>(k));
          } else {
            int32_t v;
            std::memcpy(&v, raw.data() + 4 * k, 4);
            c.i[k] = v;
          }
        }
        break;
      default:
        fail_node(what + " is " + type_name(t.data_type()) +
                  "; mote imports float32 models (int8/QDQ and other types are not supported: export float32, mote quantizes)");
    }
    return c;
  }

  std::vector<float> floats(int k, const std::string& what) {
    auto c = constant(k, what);
    if (c.f.empty()) fail_node(what + " is not float32");
    return c.f;
  }
  std::vector<int64_t> ints(int k, const std::string& what) {
    auto c = constant(k, what);
    if (!c.f.empty()) fail_node(what + " is not an int64 tensor");
    return c.i;
  }

  const onnx::AttributeProto* attr(const std::string& n) const {
    for (const auto& a : node_->attribute())
      if (a.name() == n) return &a;
    return nullptr;
  }
  void attr_type(const onnx::AttributeProto& a, onnx::AttributeProto::AttributeType want, const char* what) const {
    if (a.type() != onnx::AttributeProto::UNDEFINED && a.type() != want)
      fail_node("attribute " + quoted(a.name()) + " is not " + what);
  }
  int64_t attr_int(const std::string& n, int64_t def) const {
    const auto* a = attr(n);
    if (!a) return def;
    attr_type(*a, onnx::AttributeProto::INT, "an integer");
    return a->i();
  }
  float attr_float(const std::string& n, float def) const {
    const auto* a = attr(n);
    if (!a) return def;
    attr_type(*a, onnx::AttributeProto::FLOAT, "a float");
    return a->f();
  }
  std::string attr_string(const std::string& n, const std::string& def) const {
    const auto* a = attr(n);
    if (!a) return def;
    attr_type(*a, onnx::AttributeProto::STRING, "a string");
    return a->s();
  }
  std::vector<int64_t> attr_ints(const std::string& n) const {
    const auto* a = attr(n);
    if (!a) return {};
    attr_type(*a, onnx::AttributeProto::INTS, "a list of integers");
    return {a->ints().begin(), a->ints().end()};
  }

  // ---- the IR being built ----

  int add_layer(ir::Layer l, const ir::Shape& out) {
    if (l.name.empty() && node_) l.name = !node_->name().empty() ? node_->name() : node_->output(0);
    if (l.name.size() > 200) l.name.resize(200);
    l.out = out;
    f_.layers.push_back(std::move(l));
    shapes_.push_back(out);
    producer_.push_back(node_ ? op_label() : "the model output");
    return static_cast<int>(f_.layers.size());
  }

  ir::Layer layer(ir::Op op, int input) const {
    ir::Layer l;
    l.op = op;
    l.inputs = {input};
    l.in = shape(input);
    return l;
  }

  // The IR tensor of shape `s` whose walk (channel-major when want_chw) is v's ONNX element order: v's own
  // tensor, or a Reshape of it (a view) when that keeps the order; -1 when only a transpose would do.
  int as_layout(const Value& v, const ir::Shape& s, bool want_chw) {
    const bool have = chw(v), want = want_chw && !trivial(s);
    if (static_cast<int64_t>(s.size()) != product(v.dims)) return -1;
    if (have != want) return -1;
    if (shape(v.t) == s) return v.t;
    if (have && shape(v.t).c != s.c) return -1;  // channel-major: the channel count must stay
    return add_layer(layer(ir::Op::Reshape, v.t), s);
  }

  // The activation of a Conv or pool: ONNX [1, C, H, W] or [1, C, W] -> (the IR tensor, its shape).
  std::pair<int, ir::Shape> nchw_input(const Value& v) {
    if ((v.dims.size() != 4 && v.dims.size() != 3) || v.dims[0] != 1)
      fail_node("input has shape " + list(v.dims) + "; mote reads NCHW [1, C, H, W] (or [1, C, W])");
    const ir::Shape s{v.dims.size() == 4 ? static_cast<int>(v.dims[2]) : 1, static_cast<int>(v.dims.back()),
                      static_cast<int>(v.dims[1])};
    const int t = as_layout(v, s, true);
    if (t < 0) fail_node("input is an NHWC tensor read as NCHW; mote cannot express that transpose");
    return {t, s};
  }

  // Fuses Relu / Relu6 into the layer that produced v's tensor.
  void fuse_activation(const Value& v, ir::Activation a) {
    const char* kWhere = "; mote fuses Relu and Clip(0, 6) into the Conv, Gemm, MatMul, Add or pool that produces their input";
    if (v.t == 0) fail_node(std::string("applies to the model input") + kWhere);
    ir::Layer& l = f_.layers[static_cast<size_t>(v.t) - 1];
    if (l.op == ir::Op::Reshape || l.op == ir::Op::Softmax) fail_node("follows " + producer_[v.t] + kWhere);
    only_reader(v, "its activation");
    if (l.activation == ir::Activation::Relu6 || a == ir::Activation::Relu6) l.activation = ir::Activation::Relu6;
    else l.activation = ir::Activation::Relu;
  }

  // Everything that holds tensor v.t is read once (by this node, or along a chain of views to it): fusing
  // into its producer changes no one else's input.
  void only_reader(const Value& v, const std::string& what) {
    for (const auto& n : aliases_[v.t])
      if (uses_[n] > 1)
        fail_node("its input " + quoted(n) + " is also read elsewhere; mote can fold " + what + " into " + producer_[v.t] +
                  " only when this node is its one reader");
  }

  // ---- the graph ----

  void read_input(const onnx::ValueInfoProto& in) {
    const std::string what = "the input " + quoted(in.name());
    if (!in.has_type() || !in.type().has_tensor_type()) fail(what + " is not a tensor");
    const auto& tt = in.type().tensor_type();
    if (tt.elem_type() != onnx::TensorProto::FLOAT)
      fail(what + " is " + type_name(tt.elem_type()) + "; mote imports float32 models (export float32, mote quantizes)");
    if (!tt.has_shape()) fail(what + " has no shape; mote imports static shapes");
    std::vector<int64_t> d;
    for (int k = 0; k < tt.shape().dim_size(); ++k) {
      const auto& dim = tt.shape().dim(k);
      if (k == 0 && !dim.has_dim_value()) {
        d.push_back(1);  // a symbolic batch: mote runs batch 1
        continue;
      }
      if (!dim.has_dim_value() || dim.dim_value() < 1 || dim.dim_value() > kMaxDim)
        fail(what + " has dimension " + std::to_string(k) + " " +
             (dim.has_dim_value() ? std::to_string(dim.dim_value()) : quoted(dim.dim_param())) +
             "; mote imports static shapes with every dimension in [1, 2^24] (a symbolic batch is read as 1)");
      d.push_back(dim.dim_value());
    }
    if (product(d) > kMaxElements) fail(what + " has more than 2^28 elements");
    if (d.size() >= 2 && d[0] != 1) fail(what + " has batch " + std::to_string(d[0]) + "; mote runs batch 1");
    // Read only through Transpose to NCHW: an NHWC input (mote's own ONNX writer makes those).
    std::vector<int64_t> to_nchw = d.size() == 4 ? std::vector<int64_t>{0, 3, 1, 2} : std::vector<int64_t>{0, 2, 1};
    bool nhwc = true, read = false;
    const auto& g = m_.graph();
    for (int n = 0; n < g.node_size(); ++n) {
      if (!live_[n]) continue;
      for (const auto& i : g.node(n).input())
        if (i == in.name()) {
          read = true;
          at_ = n;
          node_ = &g.node(n);
          nhwc = nhwc && node_->op_type() == "Transpose" && attr_ints("perm") == to_nchw;
          node_ = nullptr;
        }
    }
    nhwc = nhwc && read;
    auto i = [](int64_t v) { return static_cast<int>(v); };
    Value v;
    v.dims = d;
    if (d.size() == 4) {
      f_.input = nhwc ? ir::Shape{i(d[1]), i(d[2]), i(d[3])} : ir::Shape{i(d[2]), i(d[3]), i(d[1])};
      v.chw = !nhwc;
    } else if (d.size() == 3) {
      f_.input = nhwc ? ir::Shape{1, i(d[1]), i(d[2])} : ir::Shape{1, i(d[2]), i(d[1])};
      v.chw = !nhwc;
    } else if (d.size() == 2 || d.size() == 1) {
      f_.input = {1, 1, i(d.back())};
    } else {
      fail(what + " has rank " + std::to_string(d.size()) + "; mote imports [1, C, H, W], [1, C, W], [1, N]");
    }
    shapes_ = {f_.input};
    producer_ = {"the model input"};
    values_[in.name()] = v;
    aliases_[0].push_back(in.name());
  }

  void finish(const std::string& output) {
    auto it = values_.find(output);
    if (it == values_.end()) fail("its output " + quoted(output) + " is not produced by any node");
    Value v = it->second;
    if (v.t == 0) fail("has no operators mote runs (its output is its input)");
    if (product(v.dims, 0, v.dims.size() - 1) == 1) {  // a vector: make the IR output flat
      if (chw(v))
        fail("its output flattens an NCHW tensor channel-major; mote's outputs are HWC (end with Gemm/MatMul, or "
             "keep the NCHW shape)");
      v.t = as_layout(v, {1, 1, static_cast<int>(product(v.dims))}, false);
    }
    if (static_cast<size_t>(v.t) != f_.layers.size())
      fail("its output is not the last operator's; mote imports models whose last operator makes the output");
  }

  void read_node() {
    const std::string& op = node_->op_type();
    if (!node_->domain().empty() && node_->domain() != "ai.onnx")
      fail_node("is in domain " + quoted(node_->domain()) + "; mote imports ai.onnx operators: " + kSupported);
    if (node_->output_size() < 1 || node_->output(0).empty()) fail_node("has no output");
    const std::string& y = node_->output(0);
    if ((op == "Identity" || op == "Dropout") && has_input(0) && is_const(node_->input(0))) {
      if (values_.count(y) || is_const(y)) fail_node("redefines " + quoted(y));
      consts_[y] = init_.count(node_->input(0)) ? init_.at(node_->input(0)) : consts_.at(node_->input(0));
    } else if (op == "Identity" || op == "Dropout") {
      define(y, act(0));
    } else if (op == "Constant") {
      constant_node(y);
    } else if (op == "Relu") {
      Value v = act(0);
      fuse_activation(v, ir::Activation::Relu);
      define(y, v);
    } else if (op == "Clip") {
      clip(y);
    } else if (op == "Conv") {
      conv(y);
    } else if (op == "MaxPool" || op == "AveragePool") {
      pool(y, op == "MaxPool");
    } else if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
      const auto [t, s] = nchw_input(act(0));
      ir::Layer l = layer(op == "GlobalMaxPool" ? ir::Op::MaxPool2D : ir::Op::AvgPool2D, t);
      l.kernel_h = s.h, l.kernel_w = s.w;
      Value v{add_layer(l, {1, 1, s.c}), act(0).dims, true};
      std::fill(v.dims.begin() + 2, v.dims.end(), 1);
      define(y, v);
    } else if (op == "Gemm") {
      gemm(y);
    } else if (op == "MatMul") {
      matmul(y);
    } else if (op == "Add") {
      add(y);
    } else if (op == "Flatten") {
      Value v = act(0);
      const auto r = static_cast<int64_t>(v.dims.size());
      int64_t axis = attr_int("axis", 1);
      if (axis < 0) axis += r;
      if (axis < 0 || axis > r) fail_node("axis " + std::to_string(attr_int("axis", 1)) + " is outside rank " + std::to_string(r));
      v.dims = {product(v.dims, 0, static_cast<size_t>(axis)), product(v.dims, static_cast<size_t>(axis))};
      define(y, v);
    } else if (op == "Reshape") {
      reshape(y);
    } else if (op == "Squeeze" || op == "Unsqueeze") {
      squeeze(y, op == "Unsqueeze");
    } else if (op == "Transpose") {
      transpose(y);
    } else if (op == "Softmax") {
      softmax(y);
    } else if (op == "QuantizeLinear" || op == "DequantizeLinear" || op.rfind("QLinear", 0) == 0 ||
               op.find("Integer") != std::string::npos) {
      fail_node("is a quantized operator; mote imports float32 models (export float32, mote quantizes)");
    } else {
      fail_node(std::string("is not supported; mote imports ") + kSupported);
    }
  }

  void constant_node(const std::string& y) {
    const onnx::AttributeProto* a = nullptr;
    for (const auto& at : node_->attribute()) {
      if (a) fail_node("has more than one value attribute");
      a = &at;
    }
    if (!a) fail_node("has no value");
    if (values_.count(y) || is_const(y)) fail_node("redefines " + quoted(y));
    if (a->name() == "value") {
      attr_type(*a, onnx::AttributeProto::TENSOR, "a tensor");
      consts_[y] = &a->t();
    } else if (a->name() == "value_float" || a->name() == "value_floats" || a->name() == "value_int" ||
               a->name() == "value_ints") {
      onnx::TensorProto& t = owned_.emplace_back();
      if (a->name() == "value_float") {
        t.set_data_type(onnx::TensorProto::FLOAT);
        t.add_float_data(a->f());
      } else if (a->name() == "value_floats") {
        t.set_data_type(onnx::TensorProto::FLOAT);
        t.add_dims(a->floats_size());
        *t.mutable_float_data() = a->floats();
      } else if (a->name() == "value_int") {
        t.set_data_type(onnx::TensorProto::INT64);
        t.add_int64_data(a->i());
      } else {
        t.set_data_type(onnx::TensorProto::INT64);
        t.add_dims(a->ints_size());
        *t.mutable_int64_data() = a->ints();
      }
      consts_[y] = &t;
    } else {
      fail_node("holds a " + quoted(a->name()) + "; mote reads value, value_float(s) and value_int(s) constants");
    }
  }

  void clip(const std::string& y) {
    Value v = act(0);
    float lo = std::numeric_limits<float>::lowest(), hi = std::numeric_limits<float>::max();
    auto scalar = [&](int k, const char* what) {
      const auto f = floats(k, what);
      if (f.size() != 1) fail_node(std::string(what) + " is not a scalar");
      return f[0];
    };
    if (opset_ < 11) {
      lo = attr_float("min", lo);
      hi = attr_float("max", hi);
    } else {
      if (has_input(1)) lo = scalar(1, "its min");
      if (has_input(2)) hi = scalar(2, "its max");
    }
    ir::Activation a;
    if (lo == 0 && hi == 6) a = ir::Activation::Relu6;
    else if (lo == 0 && !(hi < std::numeric_limits<float>::max())) a = ir::Activation::Relu;
    else fail_node("clips to [" + std::to_string(lo) + ", " + std::to_string(hi) + "]; mote fuses Clip(0, 6) and Clip(0)");
    fuse_activation(v, a);
    define(y, v);
  }

  // Window attributes of a Conv or pool over input s (spatial 2 for [1, C, H, W], 1 for [1, C, W]); sets
  // l's kernel, strides and padding, returns the output's {h, w}.
  std::pair<int, int> window(ir::Layer& l, const ir::Shape& s, size_t spatial, int64_t kh, int64_t kw, bool pool,
                             bool count_pad) {
    auto per_axis = [&](const char* n, int64_t def) {
      auto v = attr_ints(n);
      if (v.empty()) v.assign(spatial, def);
      if (v.size() != spatial) fail_node(std::string(n) + " " + list(v) + " does not match " + std::to_string(spatial) + " spatial axes");
      return v;
    };
    const auto strides = per_axis("strides", 1), dilations = per_axis("dilations", 1);
    for (int64_t d : dilations)
      if (d != 1) fail_node("is dilated (dilations " + list(dilations) + "); mote supports dilation 1");
    for (int64_t st : strides)
      if (st < 1 || st > kMaxWindow) fail_node("has strides " + list(strides) + "; mote reads strides in [1, 65536]");
    if (kh < 1 || kw < 1 || kh > kMaxWindow || kw > kMaxWindow) fail_node("has a kernel below 1 or above 65536");
    const std::string auto_pad = attr_string("auto_pad", "NOTSET");
    std::vector<int64_t> pads = attr_ints("pads");
    if (pads.empty()) pads.assign(2 * spatial, 0);
    if (pads.size() != 2 * spatial) fail_node("pads " + list(pads) + " do not match " + std::to_string(spatial) + " spatial axes");
    for (int64_t p : pads)
      if (p < 0 || p > kMaxWindow) fail_node("has pads " + list(pads) + "; mote reads pads in [0, 65536]");
    const bool ceil_mode = attr_int("ceil_mode", 0) != 0;
    if (auto_pad != "NOTSET" && auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER" && auto_pad != "VALID")
      fail_node("has auto_pad " + quoted(auto_pad));

    // Per axis: the ONNX output size and padding before; the IR padding (VALID or TFLite's SAME, the extra
    // pixel after) that gives the same windows.
    const int64_t in[2] = {s.h, s.w}, k[2] = {kh, kw};
    int out[2];
    bool valid_ok = true, same_ok = true;
    std::string pads_text;
    for (size_t a = 0; a < 2; ++a) {
      const size_t pa = spatial == 2 ? a : 0;  // 1-D: only the w axis has attributes
      const int64_t st = a == 0 && spatial == 1 ? 1 : strides[pa];
      int64_t before = 0, after = 0, o;
      if (a == 0 && spatial == 1) {
        o = 1;  // h = 1, kernel 1
      } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
        o = (in[a] + st - 1) / st;
        const int64_t total = std::max<int64_t>((o - 1) * st + k[a] - in[a], 0);
        before = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
        after = total - before;
      } else {
        if (auto_pad == "NOTSET") before = pads[pa], after = pads[pa + spatial];
        const int64_t span = in[a] + before + after - k[a];
        if (span < 0) fail_node("its kernel " + list({kh, kw}) + " is larger than its padded input");
        o = span / st + 1;
        if (ceil_mode && (span / st + 1) != (span + st - 1) / st + 1)
          fail_node("has ceil_mode 1 with a partial last window; mote supports floor (ceil_mode 0)");
      }
      pads_text += (a ? ", " : "") + std::to_string(before) + "+" + std::to_string(after);
      const int ii = static_cast<int>(in[a]), kk = static_cast<int>(k[a]), ss = static_cast<int>(st);
      for (auto p : {ir::Padding::Valid, ir::Padding::Same}) {
        bool ok = ir::conv_out_size(ii, kk, ss, p) == o && ir::conv_pad_before(ii, kk, ss, p) == before;
        // AveragePool counting padded taps: only when no window reaches the padding.
        if (pool && count_pad && (before != 0 || (o - 1) * st + k[a] > in[a])) ok = false;
        (p == ir::Padding::Valid ? valid_ok : same_ok) &= ok;
      }
      out[a] = static_cast<int>(o);
    }
    if (!valid_ok && !same_ok) {
      if (pool && count_pad) fail_node("averages padded taps (count_include_pad 1); mote's AveragePool does not count them");
      fail_node("pads " + pads_text + " (before+after per axis) give windows mote cannot run; mote supports VALID (0) and "
                "SAME with the extra pixel after (auto_pad SAME_UPPER or the equivalent pads)");
    }
    l.padding = valid_ok ? ir::Padding::Valid : ir::Padding::Same;
    l.kernel_h = static_cast<int>(kh), l.kernel_w = static_cast<int>(kw);
    l.stride_h = spatial == 2 ? static_cast<int>(strides[0]) : 1;
    l.stride_w = static_cast<int>(strides.back());
    return {out[0], out[1]};
  }

  void conv(const std::string& y) {
    const Value x = act(0);
    const auto [t, s] = nchw_input(x);
    const size_t spatial = x.dims.size() - 2;
    const Const w = constant(1, "its weights");
    if (w.f.empty() || w.dims.size() != spatial + 2)
      fail_node("weights have shape " + list(w.dims) + "; mote reads float32 [O, I, kh, kw] (or [O, I, kw])");
    const int64_t o = w.dims[0], per_group = w.dims[1], kh = spatial == 2 ? w.dims[2] : 1, kw = w.dims.back();
    const int64_t group = attr_int("group", 1);
    const auto ks = attr_ints("kernel_shape");
    if (!ks.empty() && ks != std::vector<int64_t>(w.dims.begin() + 2, w.dims.end()))
      fail_node("kernel_shape " + list(ks) + " disagrees with its weights " + list(w.dims));
    ir::Layer l = layer(ir::Op::Conv2D, t);
    const int c = s.c;
    if (group == 1) {
      if (per_group != c) fail_node("weights " + list(w.dims) + " do not read its " + std::to_string(c) + " input channels");
    } else if (group == c && per_group == 1 && o % c == 0) {
      l.op = ir::Op::DepthwiseConv2D;
      l.depth_multiplier = static_cast<int>(o / c);
    } else {
      fail_node("is a grouped convolution (group " + std::to_string(group) + " over " + std::to_string(c) +
                " channels); mote supports group 1 and depthwise (group = channels)");
    }
    const auto [oh, ow] = window(l, s, spatial, kh, kw, false, false);
    l.units = static_cast<int>(o);
    // ONNX [O][I][kh][kw] -> IR OHWI, or [kh][kw][O] for depthwise (output o = input o / m, as ONNX's groups).
    l.weights.resize(w.f.size());
    const int64_t ic = per_group;
    for (int64_t oo = 0; oo < o; ++oo)
      for (int64_t i = 0; i < ic; ++i)
        for (int64_t yy = 0; yy < kh; ++yy)
          for (int64_t xx = 0; xx < kw; ++xx) {
            const size_t dst = l.op == ir::Op::DepthwiseConv2D ? static_cast<size_t>((yy * kw + xx) * o + oo)
                                                                : static_cast<size_t>(((oo * kh + yy) * kw + xx) * ic + i);
            l.weights[dst] = w.f[static_cast<size_t>(((oo * ic + i) * kh + yy) * kw + xx)];
          }
    if (has_input(2)) {
      l.bias = floats(2, "its bias");
      if (static_cast<int64_t>(l.bias.size()) != o) fail_node("bias has " + std::to_string(l.bias.size()) + " values for " + std::to_string(o) + " channels");
    }
    Value v{add_layer(l, {oh, ow, static_cast<int>(o)}), {1, o, oh, ow}, true};
    if (spatial == 1) v.dims = {1, o, ow};
    define(y, v);
  }

  void pool(const std::string& y, bool max) {
    const Value x = act(0);
    const auto [t, s] = nchw_input(x);
    const size_t spatial = x.dims.size() - 2;
    const auto ks = attr_ints("kernel_shape");
    if (ks.size() != spatial) fail_node("kernel_shape " + list(ks) + " does not match " + std::to_string(spatial) + " spatial axes");
    if (max && node_->output_size() > 1 && !node_->output(1).empty() && uses_[node_->output(1)] > 0)
      fail_node("its Indices output is read; mote's MaxPool has none");
    if (max && attr_int("storage_order", 0) != 0 && node_->output_size() > 1) fail_node("has storage_order 1");
    ir::Layer l = layer(max ? ir::Op::MaxPool2D : ir::Op::AvgPool2D, t);
    const auto [oh, ow] = window(l, s, spatial, spatial == 2 ? ks[0] : 1, ks.back(), true,
                                 !max && attr_int("count_include_pad", 0) != 0);
    Value v{add_layer(l, {oh, ow, s.c}), {1, s.c, oh, ow}, true};
    if (spatial == 1) v.dims = {1, s.c, ow};
    define(y, v);
  }

  // A fully connected layer reading v as one vector (all but its last dimension 1 for MatMul; [1, K] for
  // Gemm) with weights w(n, j) for ONNX input element j. The IR reads the HWC walk: column j is taken from
  // the channel-major position when v is NCHW-ordered.
  template <class W>
  Value dense(const Value& v, int64_t n, W w, std::vector<float> bias, std::vector<int64_t> out_dims) {
    const ir::Shape s = shape(v.t);
    const int64_t k = static_cast<int64_t>(s.size());
    const bool perm = chw(v);
    const int t = as_layout(Value{v.t, {k}, false}, {1, 1, static_cast<int>(k)}, false);  // a view, element order kept
    ir::Layer l = layer(ir::Op::FullyConnected, t);
    l.units = static_cast<int>(n);
    l.weights.resize(static_cast<size_t>(n * k));
    for (int64_t i = 0; i < k; ++i) {
      // IR index i = (y * w + x) * c + ch  <-  ONNX index j = ch * h * w + y * w + x
      const int64_t j = perm ? (i % s.c) * s.h * s.w + i / s.c : i;
      for (int64_t u = 0; u < n; ++u) l.weights[static_cast<size_t>(u * k + i)] = w(u, j);
    }
    l.bias = std::move(bias);
    return Value{add_layer(l, {1, 1, static_cast<int>(n)}), std::move(out_dims), false};
  }

  void gemm(const std::string& y) {
    const Value a = act(0);
    if (attr_int("transA", 0) != 0) fail_node("has transA 1; mote reads A as [1, K]");
    if (a.dims.size() != 2 || a.dims[0] != 1) fail_node("A has shape " + list(a.dims) + "; mote reads [1, K] (batch 1)");
    const Const b = constant(1, "B (its weights)");
    const bool trans_b = attr_int("transB", 0) != 0;
    const int64_t k = a.dims[1];
    if (b.f.empty() || b.dims.size() != 2 || b.dims[trans_b ? 1 : 0] != k)
      fail_node("B has shape " + list(b.dims) + " for an input of " + std::to_string(k) + " (transB " + std::to_string(trans_b) + ")");
    const int64_t n = b.dims[trans_b ? 0 : 1];
    const float alpha = attr_float("alpha", 1.0f), beta = attr_float("beta", 1.0f);
    if (!std::isfinite(alpha) || !std::isfinite(beta)) fail_node("alpha and beta must be finite");
    std::vector<float> bias;
    if (has_input(2)) {
      const auto c = floats(2, "C (its bias)");
      if (c.size() != 1 && static_cast<int64_t>(c.size()) != n)
        fail_node("C has " + std::to_string(c.size()) + " values; mote reads a bias of 1 or " + std::to_string(n));
      for (int64_t u = 0; u < n; ++u) bias.push_back(beta * c[c.size() == 1 ? 0 : static_cast<size_t>(u)]);
    }
    define(y, dense(a, n, [&](int64_t u, int64_t j) { return alpha * b.f[static_cast<size_t>(trans_b ? u * k + j : j * n + u)]; },
                    std::move(bias), {1, n}));
  }

  void matmul(const std::string& y) {
    if (has_input(0) && is_const(node_->input(0)))
      fail_node("multiplies a constant by an activation; mote reads activation [1, K] x constant weights [K, N]");
    const Value a = act(0);
    const int64_t k = a.dims.empty() ? 0 : a.dims.back();
    if (a.dims.empty() || product(a.dims, 0, a.dims.size() - 1) != 1)
      fail_node("A has shape " + list(a.dims) + "; mote reads one row [1, K] (batch 1)");
    if (has_input(1) && values_.count(node_->input(1))) fail_node("multiplies two activations; mote reads constant weights [K, N]");
    const Const b = constant(1, "B (its weights)");
    if (b.f.empty() || b.dims.size() != 2 || b.dims[0] != k)
      fail_node("B has shape " + list(b.dims) + "; mote reads float32 [K, N] with K = " + std::to_string(k));
    const int64_t n = b.dims[1];
    auto dims = a.dims;
    dims.back() = n;
    define(y, dense(a, n, [&](int64_t u, int64_t j) { return b.f[static_cast<size_t>(j * n + u)]; }, {}, dims));
  }

  void add(const std::string& y) {
    if (node_->input_size() != 2) fail_node("needs two inputs");
    const bool c0 = has_input(0) && is_const(node_->input(0)), c1 = has_input(1) && is_const(node_->input(1));
    if (c0 && c1) fail_node("adds two constants; mote does not fold constants");
    if (c0 || c1) return add_bias(y, act(c0 ? 1 : 0), constant(c0 ? 0 : 1, "the constant"));
    const Value a = act(0), b = act(1);
    if (a.dims != b.dims)
      fail_node("adds shapes " + list(a.dims) + " and " + list(b.dims) + "; mote's Add does not broadcast");
    const ir::Shape s = shape(a.t);
    const int tb = as_layout(b, s, chw(a));
    if (tb < 0) fail_node("adds an NCHW and an NHWC tensor; mote cannot express that transpose");
    ir::Layer l = layer(ir::Op::Add, a.t);
    l.inputs = {a.t, tb};
    define(y, Value{add_layer(l, s), a.dims, a.chw});
  }

  // A constant Add after Conv / Gemm / MatMul: folded into the bias.
  void add_bias(const std::string& y, const Value& v, const Const& c) {
    if (c.f.empty()) fail_node("adds a constant that is not float32");
    const char* kFold = "; mote folds a constant Add only into the bias of the Conv, Gemm or MatMul before it";
    if (v.t == 0) fail_node(std::string("adds a constant to the model input") + kFold);
    ir::Layer& l = f_.layers[static_cast<size_t>(v.t) - 1];
    if (l.op != ir::Op::Conv2D && l.op != ir::Op::DepthwiseConv2D && l.op != ir::Op::FullyConnected)
      fail_node("adds a constant after " + producer_[v.t] + kFold);
    if (l.activation != ir::Activation::None) fail_node(std::string("adds a constant after an activation") + kFold);
    const int ch = l.out.c;
    // The channel axis in ONNX terms: the last of a dense output, 1 of a convolution's NCHW output.
    const ir::Shape s = shape(v.t);
    size_t axis;
    if (l.op == ir::Op::FullyConnected && !v.dims.empty() && product(v.dims, 0, v.dims.size() - 1) == 1) {
      axis = v.dims.size() - 1;
    } else if ((v.chw || trivial(s)) && ((v.dims.size() == 4 && v.dims == std::vector<int64_t>{1, s.c, s.h, s.w}) ||
                                         (v.dims.size() == 3 && s.h == 1 && v.dims == std::vector<int64_t>{1, s.c, s.w}))) {
      axis = 1;
    } else {
      fail_node("adds a constant to a reshaped output of " + producer_[v.t] + kFold);
    }
    if (c.dims.size() > v.dims.size()) fail_node("adds a constant of shape " + list(c.dims) + " to " + list(v.dims));
    const size_t off = v.dims.size() - c.dims.size();  // numpy broadcasting aligns the last axes
    for (size_t d = 0; d < c.dims.size(); ++d)
      if (c.dims[d] != 1 && (d + off != axis || c.dims[d] != ch))
        fail_node("adds a constant of shape " + list(c.dims) + " to " + list(v.dims) + "; mote folds one value per channel" + kFold);
    only_reader(v, "the constant Add");
    if (l.bias.empty()) l.bias.assign(static_cast<size_t>(ch), 0.0f);
    for (int k = 0; k < ch; ++k) l.bias[k] += c.f[c.f.size() == 1 ? 0 : static_cast<size_t>(k)];
    define(y, v);
  }

  void reshape(const std::string& y) {
    Value v = act(0);
    if (attr_int("allowzero", 0) != 0) fail_node("has allowzero 1");
    const auto want = ints(1, "its shape");
    std::vector<int64_t> d;
    int infer = -1;
    for (size_t k = 0; k < want.size(); ++k) {
      if (want[k] == 0) {
        if (k >= v.dims.size()) fail_node("shape " + list(want) + " copies a dimension its input does not have");
        d.push_back(v.dims[k]);
      } else if (want[k] == -1) {
        if (infer >= 0) fail_node("shape " + list(want) + " has more than one -1");
        infer = static_cast<int>(k);
        d.push_back(1);
      } else if (want[k] < 1 || want[k] > kMaxDim) {
        fail_node("shape " + list(want) + " has a dimension outside [1, 2^24]");
      } else {
        d.push_back(want[k]);
      }
      if (product(d) > kMaxElements) fail_node("shape " + list(want) + " has more than 2^28 elements");
    }
    const int64_t n = product(v.dims), p = product(d);
    if (infer >= 0) {
      if (n % p != 0) fail_node("shape " + list(want) + " does not divide " + std::to_string(n) + " elements");
      d[static_cast<size_t>(infer)] = n / p;
    }
    if (product(d) != n) fail_node("reshapes " + list(v.dims) + " to " + list(want) + ", which changes the element count");
    v.dims = d;
    define(y, v);
  }

  void squeeze(const std::string& y, bool unsqueeze) {
    Value v = act(0);
    std::vector<int64_t> axes = opset_ >= 13 ? (has_input(1) ? ints(1, "its axes") : std::vector<int64_t>{}) : attr_ints("axes");
    const auto rank = static_cast<int64_t>(v.dims.size() + (unsqueeze ? axes.size() : 0));
    for (auto& a : axes) {
      if (a < -rank || a >= rank) fail_node("axis " + std::to_string(a) + " is outside rank " + std::to_string(rank));
      if (a < 0) a += rank;
    }
    std::sort(axes.begin(), axes.end());
    if (std::adjacent_find(axes.begin(), axes.end()) != axes.end()) fail_node("repeats an axis");
    std::vector<int64_t> d;
    if (unsqueeze) {
      if (axes.empty()) fail_node("has no axes");
      size_t from = 0;
      for (int64_t k = 0; k < rank; ++k)
        d.push_back(std::binary_search(axes.begin(), axes.end(), k) ? 1 : v.dims.at(from++));
    } else {
      for (int64_t k = 0; k < rank; ++k) {
        const bool named = std::binary_search(axes.begin(), axes.end(), k);
        if (named && v.dims[static_cast<size_t>(k)] != 1) fail_node("squeezes axis " + std::to_string(k) + " of size " + std::to_string(v.dims[static_cast<size_t>(k)]));
        if (!(named || (axes.empty() && v.dims[static_cast<size_t>(k)] == 1))) d.push_back(v.dims[static_cast<size_t>(k)]);
      }
    }
    v.dims = d;
    define(y, v);
  }

  // NHWC <-> NCHW (and NWC <-> NCW); a transpose that moves only axes of size 1 is a reshape.
  void transpose(const std::string& y) {
    const Value v = act(0);
    const size_t r = v.dims.size();
    auto perm = attr_ints("perm");
    if (perm.empty())
      for (size_t k = 0; k < r; ++k) perm.push_back(static_cast<int64_t>(r - 1 - k));
    std::vector<int64_t> sorted = perm;
    std::sort(sorted.begin(), sorted.end());
    for (size_t k = 0; k < sorted.size(); ++k)
      if (sorted.size() != r || sorted[k] != static_cast<int64_t>(k)) fail_node("perm " + list(perm) + " is not a permutation of rank " + std::to_string(r));
    std::vector<int64_t> d;
    for (int64_t p : perm) d.push_back(v.dims[static_cast<size_t>(p)]);
    // Axes of size > 1 in the same relative order: the elements do not move.
    std::vector<int64_t> big;
    for (int64_t p : perm)
      if (v.dims[static_cast<size_t>(p)] > 1) big.push_back(p);
    if (std::is_sorted(big.begin(), big.end())) return define(y, Value{v.t, d, v.chw});
    auto i = [](int64_t x) { return static_cast<int>(x); };
    const std::vector<int64_t> to_nchw = r == 4 ? std::vector<int64_t>{0, 3, 1, 2} : std::vector<int64_t>{0, 2, 1};
    const std::vector<int64_t> to_nhwc = r == 4 ? std::vector<int64_t>{0, 2, 3, 1} : std::vector<int64_t>{0, 2, 1};
    if ((r == 4 || r == 3) && v.dims[0] == 1) {
      const ir::Shape as_nhwc = r == 4 ? ir::Shape{i(v.dims[1]), i(v.dims[2]), i(v.dims[3])} : ir::Shape{1, i(v.dims[1]), i(v.dims[2])};
      const ir::Shape as_nchw = r == 4 ? ir::Shape{i(v.dims[2]), i(v.dims[3]), i(v.dims[1])} : ir::Shape{1, i(v.dims[2]), i(v.dims[1])};
      if (perm == to_nchw) {
        const int t = as_layout(v, as_nhwc, false);
        if (t >= 0) return define(y, Value{t, d, true});
      }
      if (perm == to_nhwc) {
        const int t = as_layout(v, as_nchw, true);
        if (t >= 0) return define(y, Value{t, d, false});
      }
    }
    fail_node("perm " + list(perm) + " of " + list(v.dims) + " moves elements; mote supports only NHWC <-> NCHW transposes of batch 1 tensors in matching layouts");
  }

  void softmax(const std::string& y) {
    const Value v = act(0);
    const auto r = static_cast<int64_t>(v.dims.size());
    int64_t axis = attr_int("axis", opset_ < 13 ? 1 : -1);
    if (r == 0 || axis < -r || axis >= r) fail_node("axis " + std::to_string(axis) + " is outside rank " + std::to_string(r));
    if (axis < 0) axis += r;
    // Opset < 13 takes the rows of the 2-D coercion at axis; 13+ the one axis. mote's softmax is one row.
    const bool one_row = opset_ < 13 ? product(v.dims, 0, static_cast<size_t>(axis)) == 1
                                     : product(v.dims) == v.dims[static_cast<size_t>(axis)];
    if (!one_row) fail_node("takes more than one row of " + list(v.dims) + " (axis " + std::to_string(axis) + "); mote's softmax takes one vector");
    const ir::Shape s = shape(v.t);
    int t = v.t;
    if (!chw(v)) t = as_layout(v, {1, 1, static_cast<int>(s.size())}, false);
    define(y, Value{add_layer(layer(ir::Op::Softmax, t), shape(t)), v.dims, chw(v)});
  }

  const onnx::ModelProto& m_;
  std::string name_;
  int opset_ = 0;
  int at_ = 0;
  const onnx::NodeProto* node_ = nullptr;
  std::vector<bool> live_;
  std::map<std::string, const onnx::TensorProto*> init_, consts_;
  std::deque<onnx::TensorProto> owned_;  // Constant nodes' value_float(s)/value_int(s) as tensors
  std::map<std::string, Value> values_;
  std::map<std::string, int> uses_;                  // how many live nodes (and the output) read each name
  std::map<int, std::vector<std::string>> aliases_;  // IR tensor -> the ONNX names that hold it
  std::vector<ir::Shape> shapes_;                    // IR tensor -> its shape
  std::vector<std::string> producer_;                // IR tensor -> the ONNX op that made it
  ir::Model f_;
};

}  // namespace

ir::Model read_onnx(const uint8_t* bytes, size_t size, const std::string& name) {
  if (size > static_cast<size_t>(INT_MAX)) throw Error(name + ": larger than 2 GB; mote reads ONNX models held in one file");
  onnx::ModelProto m;
  if (size == 0 || !m.ParseFromArray(bytes, static_cast<int>(size)))
    throw Error(name + ": not an ONNX model (the protobuf is corrupt or truncated); export a .onnx ModelProto");
  return Reader(m, name).read();
}

ir::Model load_onnx(const std::filesystem::path& file) {
  const std::string bytes = read_file(file, uint64_t{1} << 31);
  return read_onnx(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), file.string());
}

}  // namespace mote::compile
