#include "ir/model.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace mote::ir {

namespace {

const char* const kOpNames[] = {
#define MOTE_IR_OP_NAME(name, text) text,
    MOTE_IR_OPS(MOTE_IR_OP_NAME)
#undef MOTE_IR_OP_NAME
};
constexpr size_t kOpCount = sizeof(kOpNames) / sizeof(kOpNames[0]);
static_assert(kOpCount == static_cast<size_t>(Op::Mean) + 1, "op list and names drifted");

std::string where(size_t i, const Layer& l) {
  return "layer " + std::to_string(i) + " (" + (l.name.empty() ? op_name(l.op) : l.name) + ")";
}

float activate(double v, Activation a) {
  if (a == Activation::Relu) v = std::max(0.0, v);
  if (a == Activation::Relu6) v = std::min(6.0, std::max(0.0, v));
  return static_cast<float>(v);
}

std::vector<float> run_layer(const Layer& l, const std::vector<float>& x, const std::vector<float>* x2) {
  std::vector<float> y(l.out.size());
  const Shape& in = l.in;
  const Shape& out = l.out;
  auto bias = [&](int c) { return l.bias.empty() ? 0.0 : static_cast<double>(l.bias[c]); };
  switch (l.op) {
    case Op::FullyConnected:
      for (int u = 0; u < l.units; ++u) {
        double acc = bias(u);
        const float* w = l.weights.data() + static_cast<size_t>(u) * in.size();
        for (size_t k = 0; k < in.size(); ++k) acc += static_cast<double>(w[k]) * x[k];
        y[u] = activate(acc, l.activation);
      }
      break;
    case Op::Conv2D:
    case Op::DepthwiseConv2D:
    case Op::MaxPool2D:
    case Op::AvgPool2D: {
      int ph = conv_pad_before(in.h, l.kernel_h, l.stride_h, l.padding);
      int pw = conv_pad_before(in.w, l.kernel_w, l.stride_w, l.padding);
      for (int oy = 0; oy < out.h; ++oy)
        for (int ox = 0; ox < out.w; ++ox)
          for (int oc = 0; oc < out.c; ++oc) {
            double acc = 0, best = -INFINITY;
            int count = 0;
            for (int ky = 0; ky < l.kernel_h; ++ky)
              for (int kx = 0; kx < l.kernel_w; ++kx) {
                int iy = oy * l.stride_h - ph + ky, ix = ox * l.stride_w - pw + kx;
                if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) continue;  // zero padding / not counted
                const float* px = x.data() + (static_cast<size_t>(iy) * in.w + ix) * in.c;
                if (l.op == Op::Conv2D) {
                  const float* w = l.weights.data() + ((static_cast<size_t>(oc) * l.kernel_h + ky) * l.kernel_w + kx) * in.c;
                  for (int ic = 0; ic < in.c; ++ic) acc += static_cast<double>(w[ic]) * px[ic];
                } else if (l.op == Op::DepthwiseConv2D) {
                  int ic = oc / l.depth_multiplier;
                  acc += static_cast<double>(l.weights[(static_cast<size_t>(ky) * l.kernel_w + kx) * out.c + oc]) * px[ic];
                } else {
                  best = std::max(best, static_cast<double>(px[oc]));
                  acc += px[oc];
                  ++count;
                }
              }
            float v;
            if (l.op == Op::MaxPool2D) v = activate(best, l.activation);
            else if (l.op == Op::AvgPool2D) v = activate(count ? acc / count : 0.0, l.activation);
            else v = activate(acc + bias(oc), l.activation);
            y[(static_cast<size_t>(oy) * out.w + ox) * out.c + oc] = v;
          }
      break;
    }
    case Op::Reshape:
      y = x;
      break;
    case Op::Add:
      for (size_t i = 0; i < y.size(); ++i) y[i] = activate(static_cast<double>(x[i]) + (*x2)[i], l.activation);
      break;
    case Op::Mean:  // infer_shapes refuses it in float models
      break;
    case Op::Softmax: {
      double m = *std::max_element(x.begin(), x.end()), sum = 0;
      std::vector<double> e(x.size());
      for (size_t i = 0; i < x.size(); ++i) sum += e[i] = std::exp(static_cast<double>(x[i]) - m);
      for (size_t i = 0; i < x.size(); ++i) y[i] = static_cast<float>(e[i] / sum);
      break;
    }
  }
  return y;
}

template <class E>
E parse_enum(const nlohmann::json& j, const char* field, const std::string& at, std::initializer_list<std::pair<E, const char*>> names) {
  if (!j.contains(field)) return names.begin()->first;
  std::string s = j.at(field).get<std::string>();
  for (auto& [e, n] : names)
    if (s == n) return e;
  throw error_at(at + "." + field, "unknown value '" + s + "'");
}

}  // namespace

const char* op_name(Op op) { return kOpNames[static_cast<size_t>(op)]; }

Op op_from_name(const std::string& name, const std::string& at) {
  size_t k = 0;
  while (k < kOpCount && name != kOpNames[k]) ++k;
  if (k == kOpCount) throw error_at(at, "unknown op '" + name + "'");
  return static_cast<Op>(k);
}
const char* activation_name(Activation a) {
  return a == Activation::Relu ? "relu" : a == Activation::Relu6 ? "relu6" : "none";
}
const char* padding_name(Padding p) { return p == Padding::Same ? "same" : "valid"; }

int conv_out_size(int in, int kernel, int stride, Padding p) {
  if (p == Padding::Same) return (in + stride - 1) / stride;
  return in >= kernel ? (in - kernel) / stride + 1 : 0;
}

int conv_pad_before(int in, int kernel, int stride, Padding p) {
  if (p == Padding::Valid) return 0;
  int out = conv_out_size(in, kernel, stride, p);
  return std::max((out - 1) * stride + kernel - in, 0) / 2;
}

std::vector<int> layer_inputs(const Layer& l, size_t i) {
  return l.inputs.empty() ? std::vector<int>{static_cast<int>(i)} : l.inputs;
}

void infer_shapes(Model& m) {
  if (m.input.h < 1 || m.input.w < 1 || m.input.c < 1) throw Error("model.input: every dimension must be >= 1");
  std::vector<Shape> tensors = {m.input};
  for (size_t i = 0; i < m.layers.size(); ++i) {
    Layer& l = m.layers[i];
    std::string at = where(i, l);
    const auto ins = layer_inputs(l, i);
    for (int t : ins)
      if (t < 0 || t > static_cast<int>(i))
        throw error_at(at, "reads tensor " + std::to_string(t) + ", which is not an earlier tensor (0.." + std::to_string(i) + ")");
    if (ins.size() != (l.op == Op::Add ? 2u : 1u))
      throw error_at(at, std::string(op_name(l.op)) + " reads " + (l.op == Op::Add ? "2 tensors" : "1 tensor") + ", not " +
                             std::to_string(ins.size()));
    const Shape cur = tensors[ins[0]];
    l.in = cur;
    auto need = [&](size_t got, size_t want, const char* what) {
      if (got != want)
        throw error_at(at, std::string(what) + " has " + std::to_string(got) + " values, expected " + std::to_string(want));
    };
    auto window = [&]() {
      if (l.kernel_h < 1 || l.kernel_w < 1 || l.stride_h < 1 || l.stride_w < 1)
        throw error_at(at, "kernel and stride must be >= 1");
      Shape o{conv_out_size(cur.h, l.kernel_h, l.stride_h, l.padding), conv_out_size(cur.w, l.kernel_w, l.stride_w, l.padding), cur.c};
      if (o.h < 1 || o.w < 1) throw error_at(at, "kernel is larger than its input; use a smaller kernel or padding 'same'");
      return o;
    };
    switch (l.op) {
      case Op::FullyConnected:
        if (l.units < 1) throw error_at(at, "units must be >= 1");
        need(l.weights.size(), static_cast<size_t>(l.units) * cur.size(), "weights");
        l.out = {1, 1, l.units};
        break;
      case Op::Conv2D:
        if (l.units < 1) throw error_at(at, "units (output channels) must be >= 1");
        l.out = window();
        l.out.c = l.units;
        need(l.weights.size(), static_cast<size_t>(l.units) * l.kernel_h * l.kernel_w * cur.c, "weights");
        break;
      case Op::DepthwiseConv2D:
        if (l.depth_multiplier < 1) throw error_at(at, "depth_multiplier must be >= 1");
        l.out = window();
        l.out.c = cur.c * l.depth_multiplier;
        need(l.weights.size(), static_cast<size_t>(l.kernel_h) * l.kernel_w * l.out.c, "weights");
        break;
      case Op::MaxPool2D:
      case Op::AvgPool2D:
        l.out = window();
        break;
      case Op::Reshape:
        if (l.out.size() != cur.size()) l.out = {1, 1, static_cast<int>(cur.size())};  // default: flatten
        break;
      case Op::Softmax:
        l.out = cur;
        break;
      case Op::Add:
        if (!(tensors[ins[1]] == cur)) throw error_at(at, "adds tensors of different shapes");
        l.out = cur;
        break;
      case Op::Mean:
        throw error_at(at, "mean is an int8 layer (an imported MEAN); a float model averages with avg_pool2d over its whole input");
    }
    if (!l.bias.empty()) need(l.bias.size(), static_cast<size_t>(l.out.c), "bias");
    tensors.push_back(l.out);
  }
}

std::vector<std::vector<float>> run_float_all(const Model& m, const float* input) {
  std::vector<std::vector<float>> outs;
  const std::vector<float> x(input, input + m.input.size());
  auto tensor = [&](int t) -> const std::vector<float>& { return t == 0 ? x : outs[static_cast<size_t>(t) - 1]; };
  for (size_t i = 0; i < m.layers.size(); ++i) {
    const auto ins = layer_inputs(m.layers[i], i);
    auto y = run_layer(m.layers[i], tensor(ins[0]), ins.size() > 1 ? &tensor(ins[1]) : nullptr);
    outs.push_back(std::move(y));
  }
  return outs;
}

std::vector<float> run_float(const Model& m, const float* input) {
  auto all = run_float_all(m, input);
  return all.empty() ? std::vector<float>(input, input + m.input.size()) : all.back();
}

nlohmann::json to_json(const Model& m) {
  auto shape = [](const Shape& s) { return nlohmann::json::array({s.h, s.w, s.c}); };
  nlohmann::json layers = nlohmann::json::array();
  for (const Layer& l : m.layers) {
    nlohmann::json j = {{"op", op_name(l.op)}, {"name", l.name}, {"out", shape(l.out)}};
    if (!l.inputs.empty()) j["inputs"] = l.inputs;
    if (l.op == Op::FullyConnected || l.op == Op::Conv2D) j["units"] = l.units;
    if (l.op != Op::FullyConnected && l.op != Op::Reshape && l.op != Op::Softmax && l.op != Op::Add) {
      j["kernel"] = {l.kernel_h, l.kernel_w};
      j["stride"] = {l.stride_h, l.stride_w};
      j["padding"] = padding_name(l.padding);
    }
    if (l.op == Op::DepthwiseConv2D) j["depth_multiplier"] = l.depth_multiplier;
    if (l.activation != Activation::None) j["activation"] = activation_name(l.activation);
    if (!l.weights.empty()) j["weights"] = l.weights;
    if (!l.bias.empty()) j["bias"] = l.bias;
    layers.push_back(std::move(j));
  }
  return {{"input", shape(m.input)}, {"layers", layers}, {"labels", m.labels}, {"regression", m.regression}};
}

Model from_json(const nlohmann::json& j) {
  Model m;
  try {
    auto shape = [](const nlohmann::json& a) { return Shape{a.at(0).get<int>(), a.at(1).get<int>(), a.at(2).get<int>()}; };
    m.input = shape(j.at("input"));
    m.labels = j.value("labels", std::vector<std::string>{});
    m.regression = j.value("regression", false);
    const auto& layers = j.at("layers");
    for (size_t i = 0; i < layers.size(); ++i) {
      const auto& lj = layers[i];
      std::string at = "model.layers[" + std::to_string(i) + "]";
      Layer l;
      l.op = op_from_name(lj.at("op").get<std::string>(), at + ".op");
      l.name = lj.value("name", "");
      l.inputs = lj.value("inputs", std::vector<int>{});
      l.units = lj.value("units", 0);
      if (lj.contains("kernel")) l.kernel_h = lj["kernel"].at(0), l.kernel_w = lj["kernel"].at(1);
      if (lj.contains("stride")) l.stride_h = lj["stride"].at(0), l.stride_w = lj["stride"].at(1);
      l.depth_multiplier = lj.value("depth_multiplier", 1);
      l.padding = parse_enum<Padding>(lj, "padding", at, {{Padding::Valid, "valid"}, {Padding::Same, "same"}});
      l.activation = parse_enum<Activation>(lj, "activation", at,
                                            {{Activation::None, "none"}, {Activation::Relu, "relu"}, {Activation::Relu6, "relu6"}});
      if (l.op == Op::Reshape && lj.contains("out")) l.out = shape(lj["out"]);
      l.weights = lj.value("weights", std::vector<float>{});
      l.bias = lj.value("bias", std::vector<float>{});
      m.layers.push_back(std::move(l));
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("model: malformed JSON (") + e.what() + "); retrain to rebuild it");
  }
  infer_shapes(m);
  return m;
}

}  // namespace mote::ir
