#include "quant/quantize.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "core/error.h"
#include "quant/executor.h"

namespace mote::quant {

std::pair<int32_t, int32_t> quantize_multiplier(double real) {
  if (real == 0.0) return {0, 0};
  if (!std::isfinite(real) || real > 1e300) return {std::numeric_limits<int32_t>::max(), 30};  // saturates, as shift > 30
  int shift = 0;
  const double q = std::frexp(real, &shift);
  auto fixed = static_cast<int64_t>(std::round(q * static_cast<double>(1LL << 31)));
  if (fixed == (1LL << 31)) {
    fixed /= 2;
    ++shift;
  }
  if (shift < -31) return {0, 0};
  if (shift > 30) return {std::numeric_limits<int32_t>::max(), 30};
  return {static_cast<int32_t>(fixed), shift};
}

TensorQuant choose_quant(double min, double max) {
  min = std::min(min, 0.0);
  max = std::max(max, 0.0);
  if (max - min < 1e-30) return {1e-8f, 0};  // all zeros: any scale represents them; keep it positive
  const double qmin = -128, qmax = 127;
  const double scale = (max - min) / (qmax - qmin);
  const double zp_from_min = qmin - min / scale, zp_from_max = qmax - max / scale;
  const double err_min = std::abs(qmin) + std::abs(min / scale), err_max = std::abs(qmax) + std::abs(max / scale);
  const double zp = err_min < err_max ? zp_from_min : zp_from_max;
  const auto nudged = static_cast<int32_t>(zp < qmin ? qmin : zp > qmax ? qmax : std::round(zp));
  return {static_cast<float>(scale), nudged};
}

void set_activation_range(QLayer& q, ir::Activation a) {
  // TFLite's Quantize(f): the quotient in float, as CalculateActivationRangeQuantized computes it.
  // Saturated before the cast: an imported file may hold a scale so small that the quotient leaves int32.
  auto quantize = [&](float v) {
    const float r = std::round(v / q.output.scale);
    return q.output.zero_point + (r > 1e9f ? 1000000000 : r < -1e9f ? -1000000000 : static_cast<int32_t>(r));
  };
  q.act_min = -128;
  q.act_max = 127;
  if (a == ir::Activation::Relu || a == ir::Activation::Relu6) q.act_min = std::max(-128, quantize(0.0f));
  if (a == ir::Activation::Relu6) q.act_max = std::min(127, quantize(6.0f));
}

void set_add_params(QLayer& l, const TensorQuant& a, const TensorQuant& b, const TensorQuant& out) {
  l.input = a;
  l.input2 = b;
  l.output = out;
  l.add_left_shift = 20;
  const double twice_max = 2 * std::max(a.scale, b.scale);  // a float product, as TFLite's Prepare
  std::tie(l.add_multiplier1, l.add_shift1) = quantize_multiplier(a.scale / twice_max);
  std::tie(l.add_multiplier2, l.add_shift2) = quantize_multiplier(b.scale / twice_max);
  std::tie(l.add_output_multiplier, l.add_output_shift) =
      quantize_multiplier(twice_max / ((1 << l.add_left_shift) * static_cast<double>(out.scale)));
}

void set_softmax_params(QLayer& l, double beta, float input_scale) {
  l.output = {1.0f / 256.0f, -128};
  const double real = std::min(beta * static_cast<double>(input_scale) * (1 << 26), (1LL << 31) - 1.0);
  std::tie(l.softmax_multiplier, l.softmax_left_shift) = quantize_multiplier(real);
  if (l.softmax_left_shift < 0 || l.softmax_left_shift > 31)
    throw Error("softmax input scale " + std::to_string(input_scale) +
                " is too small for int8 softmax (its input range is below 2^-26)");
  const double radius = std::floor(((1 << 5) - 1) * static_cast<double>(1LL << 26) /
                                   static_cast<double>(1LL << l.softmax_left_shift));
  l.softmax_diff_min = -static_cast<int32_t>(radius);
}

namespace {

std::string where(size_t i, const ir::Layer& l) {
  return "layer " + std::to_string(i) + " (" + (l.name.empty() ? ir::op_name(l.op) : l.name) + ")";
}

// Per output channel symmetric weights, int32 bias and multipliers; channel of weight k: k / per_channel
// (FC/conv: weights grouped per output) or k % channels (depthwise: output channel is the last axis).
// per_tensor: one scale (the largest) for all channels, still stored per channel.
void quantize_weights(QLayer& q, const ir::Layer& l, int channels, bool channel_last, bool per_tensor = false) {
  const size_t n = l.weights.size();
  std::vector<float> max_abs(channels, 0.0f);
  auto channel = [&](size_t k) { return channel_last ? static_cast<int>(k % channels) : static_cast<int>(k / (n / channels)); };
  for (size_t k = 0; k < n; ++k) max_abs[channel(k)] = std::max(max_abs[channel(k)], std::fabs(l.weights[k]));
  if (per_tensor) std::fill(max_abs.begin(), max_abs.end(), *std::max_element(max_abs.begin(), max_abs.end()));
  q.weight_scales.resize(channels);
  for (int c = 0; c < channels; ++c) q.weight_scales[c] = max_abs[c] > 0 ? max_abs[c] / 127.0f : 1.0f;
  q.weights.resize(n);
  for (size_t k = 0; k < n; ++k) {
    const double v = std::round(static_cast<double>(l.weights[k]) / q.weight_scales[channel(k)]);
    q.weights[k] = static_cast<int8_t>(std::clamp(v, -127.0, 127.0));
  }
  q.bias.assign(channels, 0);
  q.multiplier.resize(channels);
  q.shift.resize(channels);
  for (int c = 0; c < channels; ++c) {
    const double bias_scale = static_cast<double>(q.input.scale) * q.weight_scales[c];
    if (!l.bias.empty()) {
      const double b = std::round(l.bias[c] / bias_scale);
      q.bias[c] = static_cast<int32_t>(std::clamp(b, -2147483648.0, 2147483647.0));
    }
    std::tie(q.multiplier[c], q.shift[c]) = quantize_multiplier(bias_scale / q.output.scale);
  }
}

}  // namespace

QModel quantize(const ir::Model& model, const std::vector<std::vector<float>>& calibration) {
  return quantize(model, calibration, QuantizeOptions{});
}

namespace {

// TFLite's recipe: one scale for the input, ranges of every layer's output from the calibration set.
QModel quantize_plain(const ir::Model& m, const std::vector<std::vector<float>>& calibration, const QuantizeOptions& opts) {
  if (calibration.empty()) throw Error("quantize: no calibration inputs (pass the training features)");
  // Min/max of the input and of every layer's output over the calibration set.
  double in_min = INFINITY, in_max = -INFINITY;
  std::vector<double> lo(m.layers.size(), INFINITY), hi(m.layers.size(), -INFINITY);
  for (size_t s = 0; s < calibration.size(); ++s) {
    const auto& x = calibration[s];
    for (float v : x) {
      in_min = std::min(in_min, static_cast<double>(v));
      in_max = std::max(in_max, static_cast<double>(v));
    }
    const auto outs = ir::run_float_all(m, x.data());
    for (size_t i = 0; i < outs.size(); ++i)
      for (float v : outs[i]) {
        lo[i] = std::min(lo[i], static_cast<double>(v));
        hi[i] = std::max(hi[i], static_cast<double>(v));
      }
  }

  QModel q;
  q.input_shape = m.input;
  q.input = choose_quant(in_min, in_max);
  q.labels = m.labels;
  q.regression = m.regression;
  std::vector<TensorQuant> tensor_quant = {q.input};  // tensor k: the input, then layer k - 1's output
  for (size_t i = 0; i < m.layers.size(); ++i) {
    const ir::Layer& l = m.layers[i];
    const auto ins = ir::layer_inputs(l, i);
    const TensorQuant current = tensor_quant[ins[0]];
    QLayer ql;
    ql.op = l.op;
    ql.name = l.name;
    ql.inputs = l.inputs;
    ql.in = l.in;
    ql.out = l.out;
    ql.input = current;
    ql.kernel_h = l.kernel_h;
    ql.kernel_w = l.kernel_w;
    ql.stride_h = l.stride_h;
    ql.stride_w = l.stride_w;
    ql.depth_multiplier = l.depth_multiplier;
    ql.pad_h = ir::conv_pad_before(l.in.h, l.kernel_h, l.stride_h, l.padding);
    ql.pad_w = ir::conv_pad_before(l.in.w, l.kernel_w, l.stride_w, l.padding);
    switch (l.op) {
      case ir::Op::FullyConnected:
      case ir::Op::Conv2D:
      case ir::Op::DepthwiseConv2D:
        ql.output = choose_quant(lo[i], hi[i]);
        quantize_weights(ql, l, l.op == ir::Op::DepthwiseConv2D ? l.out.c : l.units, l.op == ir::Op::DepthwiseConv2D,
                         opts.per_tensor_dense && l.op == ir::Op::FullyConnected);
        set_activation_range(ql, l.activation);
        break;
      case ir::Op::MaxPool2D:
      case ir::Op::AvgPool2D:
      case ir::Op::Reshape:
        ql.output = current;  // TFLite: pools and reshape keep the input's quantization
        set_activation_range(ql, l.activation);
        break;
      case ir::Op::Softmax:
        try {
          set_softmax_params(ql, 1.0, current.scale);
        } catch (const Error& e) {
          throw error_at(where(i, l), e.what());
        }
        break;
      case ir::Op::Add:
        set_add_params(ql, current, tensor_quant[ins[1]], choose_quant(lo[i], hi[i]));
        set_activation_range(ql, l.activation);
        break;
      case ir::Op::Mean:  // infer_shapes refuses it in float models
        throw error_at(where(i, l), "mean is an int8 layer; quantize a float model with avg_pool2d");
    }
    tensor_quant.push_back(ql.output);
    q.layers.push_back(std::move(ql));
  }
  return q;
}

// The per-channel input map: u = x * gain[k] + offset[k] (k = i % period) puts each channel in [-1, 1];
// layer 0's weights take the inverse (x = (u - offset) / gain), so the float model is unchanged.
struct InputMap {
  ir::Model model;  // the first weighted layer rewritten to read u
  std::vector<double> gain, offset;
};

std::optional<InputMap> input_map(const ir::Model& m, const std::vector<std::vector<float>>& calibration) {
  for (const auto& l : m.layers)
    if (!l.inputs.empty()) return std::nullopt;  // a DAG: the input may be read past layer 0
  size_t first = 0;
  bool only_reshape = true;  // an offset commutes with reshape, not with pooling or a convolution's padding
  while (first < m.layers.size() && m.layers[first].weights.empty()) {
    const ir::Op op = m.layers[first].op;
    if (op != ir::Op::Reshape && op != ir::Op::MaxPool2D && op != ir::Op::AvgPool2D) return std::nullopt;
    if (op != ir::Op::Reshape) only_reshape = false;
    ++first;
  }
  if (first == m.layers.size()) return std::nullopt;
  const bool flat = m.input.h == 1 && m.input.w == 1;
  const size_t period = flat ? m.input.size() : static_cast<size_t>(m.input.c);
  const bool with_offset = only_reshape && m.layers[first].op == ir::Op::FullyConnected;
  std::vector<double> lo(period, INFINITY), hi(period, -INFINITY);
  for (const auto& x : calibration)
    for (size_t i = 0; i < x.size(); ++i) {
      lo[i % period] = std::min(lo[i % period], static_cast<double>(x[i]));
      hi[i % period] = std::max(hi[i % period], static_cast<double>(x[i]));
    }
  InputMap map{m, std::vector<double>(period, 1.0), std::vector<double>(period, 0.0)};
  for (size_t k = 0; k < period; ++k) {
    const double half = with_offset ? (hi[k] - lo[k]) / 2 : std::max(std::fabs(lo[k]), std::fabs(hi[k]));
    map.gain[k] = half > 1e-12 ? 1.0 / half : 1.0;  // a constant channel keeps its unit
    map.offset[k] = with_offset ? -(hi[k] + lo[k]) / 2 * map.gain[k] : 0.0;
  }
  ir::Layer& l = map.model.layers[first];
  const size_t n = l.weights.size();
  switch (l.op) {
    case ir::Op::FullyConnected: {  // [units][in]; input k is channel k % period (HWC flattened)
      const size_t in = l.in.size();
      for (size_t o = 0; o < n / in; ++o) {
        double shift = 0;
        for (size_t k = 0; k < in; ++k) {
          const double w = static_cast<double>(l.weights[o * in + k]) / map.gain[k % period];
          shift += w * map.offset[k % period];
          l.weights[o * in + k] = static_cast<float>(w);
        }
        if (!l.bias.empty()) l.bias[o] = static_cast<float>(l.bias[o] - shift);
        else if (shift != 0) return std::nullopt;
      }
      break;
    }
    case ir::Op::Conv2D:  // OHWI: the input channel is the last axis
      for (size_t j = 0; j < n; ++j) l.weights[j] = static_cast<float>(l.weights[j] / map.gain[j % period]);
      break;
    case ir::Op::DepthwiseConv2D: {  // [kh][kw][C * m]: output channel j % (C m) reads input channel that / m
      const size_t cm = static_cast<size_t>(l.out.c), mult = static_cast<size_t>(l.depth_multiplier);
      for (size_t j = 0; j < n; ++j) l.weights[j] = static_cast<float>(l.weights[j] / map.gain[(j % cm) / mult]);
      break;
    }
    default:
      return std::nullopt;
  }
  return map;
}

// Up to 1000 of the calibration inputs with the float model's outputs, computed once for both comparisons.
struct FloatReference {
  std::vector<const std::vector<float>*> inputs;
  std::vector<std::vector<float>> outputs;
};

FloatReference float_reference(const ir::Model& m, const std::vector<std::vector<float>>& calibration) {
  FloatReference r;
  const size_t n = std::min<size_t>(calibration.size(), 1000);
  for (size_t s = 0; s < n; ++s) {
    r.inputs.push_back(&calibration[s * calibration.size() / n]);
    r.outputs.push_back(ir::run_float(m, r.inputs.back()->data()));
  }
  return r;
}

// How far the int8 model strays from the float one, as a fraction: classifiers, of inputs whose argmax
// differs; regressions, the mean absolute difference over the float outputs' range.
double disagreement(const QModel& q, const FloatReference& ref) {
  const size_t n = ref.inputs.size();
  double differ = 0, lo = INFINITY, hi = -INFINITY;
  for (size_t s = 0; s < n; ++s) {
    const auto& f = ref.outputs[s];
    const auto i = run_quantized(q, ref.inputs[s]->data());
    if (q.regression) {
      for (size_t k = 0; k < f.size(); ++k) {
        differ += std::fabs(f[k] - i[k]) / static_cast<double>(f.size());
        lo = std::min(lo, static_cast<double>(f[k])), hi = std::max(hi, static_cast<double>(f[k]));
      }
    } else {
      differ += std::max_element(f.begin(), f.end()) - f.begin() != std::max_element(i.begin(), i.end()) - i.begin();
    }
  }
  differ /= static_cast<double>(n);
  return q.regression ? differ / std::max(hi - lo, 1e-30) : differ;
}

}  // namespace

QModel quantize(const ir::Model& model, const std::vector<std::vector<float>>& calibration, const QuantizeOptions& opts) {
  ir::Model m = model;
  ir::infer_shapes(m);
  if (calibration.empty()) throw Error("quantize: no calibration inputs (pass the training features)");
  for (size_t s = 0; s < calibration.size(); ++s) {
    if (calibration[s].size() != m.input.size())
      throw Error("quantize: calibration input " + std::to_string(s) + " has " + std::to_string(calibration[s].size()) +
                  " values, the model takes " + std::to_string(m.input.size()));
    for (float v : calibration[s])
      if (!std::isfinite(v)) throw Error("quantize: calibration input " + std::to_string(s) + " is not finite");
  }
  QModel plain;
  if (opts.input_scaling != InputScaling::PerChannel) plain = quantize_plain(m, calibration, opts);
  if (opts.input_scaling == InputScaling::PerTensor) return plain;
  // Auto: one scale while it stays within the 1 % that int8 may cost (no map is built then); beyond that the
  // map, if it does better.
  FloatReference reference;
  double one_scale = 0;
  if (opts.input_scaling == InputScaling::Auto) {
    reference = float_reference(m, calibration);
    one_scale = disagreement(plain, reference);
    if (one_scale <= 0.01) return plain;
  }
  const auto map = input_map(m, calibration);
  if (!map) {
    if (opts.input_scaling == InputScaling::PerChannel)
      throw Error("quantize: per-channel input scaling needs a dense or convolution layer first (after reshape or pooling)");
    return plain;
  }
  std::vector<std::vector<float>> mapped = calibration;
  const size_t period = map->gain.size();
  for (auto& x : mapped)
    for (size_t i = 0; i < x.size(); ++i)
      x[i] = static_cast<float>(x[i] * map->gain[i % period] + map->offset[i % period]);
  QModel q = quantize_plain(map->model, mapped, opts);
  for (size_t k = 0; k < period; ++k) {  // in units of the int8 step, what the device multiplies by
    q.input_gain.push_back(static_cast<float>(map->gain[k] / q.input.scale));
    q.input_offset.push_back(static_cast<float>(map->offset[k] / q.input.scale));
  }
  if (opts.input_scaling == InputScaling::PerChannel) return q;
  return disagreement(q, reference) < one_scale ? q : plain;
}

}  // namespace mote::quant
