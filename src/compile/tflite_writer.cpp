#include "compile/tflite_writer.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "core/error.h"
#include "core/files.h"
#include "tflite_schema_generated.h"

namespace mote::compile {

namespace {

namespace fb = flatbuffers;

std::string where(size_t i, const quant::QLayer& l) {
  return "layer " + std::to_string(i) + " (" + (l.name.empty() ? ir::op_name(l.op) : l.name) + ")";
}

// The fused activation from which TFLite's CalculateActivationRangeQuantized derives exactly this
// layer's int8 clamps (as src/quant computed them).
tflite::ActivationFunctionType fused_activation(size_t i, const quant::QLayer& l) {
  auto q = [&](float v) {  // as set_activation_range: saturated before the cast
    const float r = std::round(v / l.output.scale);
    return l.output.zero_point + (r > 1e9f ? 1000000000 : r < -1e9f ? -1000000000 : static_cast<int32_t>(r));
  };
  const int32_t relu_min = std::max(-128, q(0.0f)), relu6_max = std::min(127, q(6.0f));
  if (l.act_min == -128 && l.act_max == 127) return tflite::ActivationFunctionType_NONE;
  if (l.act_min == relu_min && l.act_max == 127) return tflite::ActivationFunctionType_RELU;
  if (l.act_min == relu_min && l.act_max == relu6_max) return tflite::ActivationFunctionType_RELU6;
  throw error_at(where(i, l), "its int8 clamp [" + std::to_string(l.act_min) + ", " + std::to_string(l.act_max) +
                                  "] is no TFLite fused activation (none, relu, relu6)");
}

bool fits_padding(const quant::QLayer& l, ir::Padding p) {
  return ir::conv_out_size(l.in.h, l.kernel_h, l.stride_h, p) == l.out.h &&
         ir::conv_out_size(l.in.w, l.kernel_w, l.stride_w, p) == l.out.w &&
         ir::conv_pad_before(l.in.h, l.kernel_h, l.stride_h, p) == l.pad_h &&
         ir::conv_pad_before(l.in.w, l.kernel_w, l.stride_w, p) == l.pad_w;
}

// SAME or VALID, whichever reproduces the layer's output size and leading pad.
tflite::Padding padding(size_t i, const quant::QLayer& l) {
  auto fits = [&](ir::Padding p) {
    return ir::conv_out_size(l.in.h, l.kernel_h, l.stride_h, p) == l.out.h &&
           ir::conv_out_size(l.in.w, l.kernel_w, l.stride_w, p) == l.out.w &&
           ir::conv_pad_before(l.in.h, l.kernel_h, l.stride_h, p) == l.pad_h &&
           ir::conv_pad_before(l.in.w, l.kernel_w, l.stride_w, p) == l.pad_w;
  };
  if (fits(ir::Padding::Valid)) return tflite::Padding_VALID;
  if (fits(ir::Padding::Same)) return tflite::Padding_SAME;
  throw error_at(where(i, l), "its padding is neither TFLite's SAME nor VALID");
}

std::vector<int32_t> nhwc(const ir::Shape& s) { return {1, s.h, s.w, s.c}; }
std::vector<int32_t> flat(const ir::Shape& s) { return {1, static_cast<int32_t>(s.size())}; }

struct PendingOp {
  tflite::BuiltinOperator code;
  int version;
  std::vector<int32_t> ins, outs;
  tflite::BuiltinOptions type;
  fb::Offset<void> options;
};

class Writer {
 public:
  explicit Writer(const quant::QModel& q) : q_(q) { buffers_.push_back(tflite::CreateBuffer(fbb_)); }

  std::vector<uint8_t> finish(const std::string& description) {
    if (q_.layers.empty()) throw Error("tflite: the model has no layers");
    if (!q_.input_gain.empty())  // a TFLite user quantizes the input with its one scale: no place for the map
      throw Error("tflite: the model has a per-channel input map; quantize it with InputScaling::PerTensor for .tflite");
    // A model that starts with a dense layer takes [1, n] as Keras-made models do; others NHWC.
    const bool flat_input = q_.layers[0].op == ir::Op::FullyConnected;
    const int input = activation("input", flat_input ? flat(q_.input_shape) : nhwc(q_.input_shape), q_.input);
    std::vector<int> of = {input};  // the TFLite tensor of each IR tensor
    for (size_t i = 0; i < q_.layers.size(); ++i) {
      const auto ins = ir::layer_inputs(q_.layers[i], i);
      for (int t : ins)
        if (t < 0 || static_cast<size_t>(t) > i) throw error_at(where(i, q_.layers[i]), "reads a tensor that is not an earlier one");
      of.push_back(layer(i, q_.layers[i], of[ins[0]], ins.size() > 1 ? of[ins[1]] : -1));
    }
    const int x = of.back();

    std::vector<fb::Offset<tflite::OperatorCode>> codes;
    for (const auto& [code, version] : codes_)
      codes.push_back(tflite::CreateOperatorCode(fbb_, static_cast<int8_t>(code), 0, version, code));
    std::vector<fb::Offset<tflite::Operator>> operators;
    for (const auto& p : ops_) {
      const auto idx = std::find_if(codes_.begin(), codes_.end(), [&](auto& c) { return c.first == p.code; }) - codes_.begin();
      operators.push_back(tflite::CreateOperatorDirect(fbb_, static_cast<uint32_t>(idx), &p.ins, &p.outs, p.type, p.options));
    }
    std::vector<int32_t> ins{input}, outs{x};
    std::vector<fb::Offset<tflite::SubGraph>> subgraphs{
        tflite::CreateSubGraphDirect(fbb_, &tensors_, &ins, &outs, &operators, "main")};
    auto model = tflite::CreateModelDirect(fbb_, 3, &codes, &subgraphs, description.c_str(), &buffers_);
    tflite::FinishModelBuffer(fbb_, model);
    return {fbb_.GetBufferPointer(), fbb_.GetBufferPointer() + fbb_.GetSize()};
  }

 private:
  uint32_t buffer(const void* data, size_t bytes) {
    const auto* p = static_cast<const uint8_t*>(data);
    std::vector<uint8_t> v(p, p + bytes);
    buffers_.push_back(tflite::CreateBufferDirect(fbb_, &v));
    return static_cast<uint32_t>(buffers_.size() - 1);
  }

  fb::Offset<tflite::QuantizationParameters> quant(const std::vector<float>& scale, const std::vector<int64_t>& zp, int dim) {
    return tflite::CreateQuantizationParametersDirect(fbb_, nullptr, nullptr, &scale, &zp,
                                                      tflite::QuantizationDetails_NONE, 0, dim);
  }

  int tensor(const std::string& name, const std::vector<int32_t>& shape, tflite::TensorType type, uint32_t buf,
             fb::Offset<tflite::QuantizationParameters> q) {
    tensors_.push_back(tflite::CreateTensorDirect(fbb_, &shape, type, buf, name.c_str(), q));
    ranks_.push_back(shape.size());
    return static_cast<int>(tensors_.size() - 1);
  }

  int activation(const std::string& name, const std::vector<int32_t>& shape, const quant::TensorQuant& t) {
    return tensor(name, shape, tflite::TensorType_INT8, 0, quant({t.scale}, {t.zero_point}, 0));
  }

  // Per output channel int8 weights (channel along `dim`) and their int32 bias.
  // When every channel has the same scale, one per-tensor scale says the same (and runtimes without
  // per-channel FULLY_CONNECTED, such as ArmNN 20.08, can read it).
  std::pair<int, int> weights(const std::string& name, const quant::QLayer& l, const std::vector<int32_t>& shape, int dim) {
    std::vector<float> scales = l.weight_scales;
    if (std::all_of(scales.begin(), scales.end(), [&](float s) { return s == scales[0]; })) scales.resize(1);
    std::vector<int64_t> zeros(scales.size(), 0);
    const int w = tensor(name + "/weights", shape, tflite::TensorType_INT8, buffer(l.weights.data(), l.weights.size()),
                         quant(scales, zeros, dim));
    std::vector<float> bias_scales(scales.size());
    for (size_t c = 0; c < bias_scales.size(); ++c) bias_scales[c] = l.input.scale * scales[c];
    std::vector<int32_t> bias = l.bias;
    bias.resize(l.weight_scales.size(), 0);
    const int b = tensor(name + "/bias", {static_cast<int32_t>(bias.size())}, tflite::TensorType_INT32,
                         buffer(bias.data(), bias.size() * sizeof(int32_t)), quant(bias_scales, zeros, 0));
    return {w, b};
  }

  void op(tflite::BuiltinOperator code, int version, std::vector<int32_t> ins, int out, tflite::BuiltinOptions type,
          fb::Offset<void> options) {
    if (std::none_of(codes_.begin(), codes_.end(), [&](auto& c) { return c.first == code; })) codes_.push_back({code, version});
    ops_.push_back({code, version, std::move(ins), {out}, type, options});
  }

  // RESHAPE x (quantized as t) to `shape`, unless it has that rank already (element order is unchanged).
  int reshape(const std::string& name, int x, const std::vector<int32_t>& shape, const quant::TensorQuant& t, bool force = false) {
    if (!force && ranks_[x] == shape.size()) return x;
    const int s = tensor(name + "/shape", {static_cast<int32_t>(shape.size())}, tflite::TensorType_INT32,
                         buffer(shape.data(), shape.size() * sizeof(int32_t)), 0);
    const int y = activation(name, shape, t);
    op(tflite::BuiltinOperator_RESHAPE, 1, {x, s}, y, tflite::BuiltinOptions_ReshapeOptions,
       tflite::CreateReshapeOptionsDirect(fbb_, &shape).Union());
    return y;
  }

  // PAD x (layer l's input, at the input zero point) by l's leading padding and what its last window needs
  // after; `valid` becomes l over the padded tensor without padding of its own.
  int pad(const std::string& name, int x, const quant::QLayer& l, quant::QLayer* valid) {
    const int bottom = std::max(0, (l.out.h - 1) * l.stride_h + l.kernel_h - l.in.h - l.pad_h);
    const int right = std::max(0, (l.out.w - 1) * l.stride_w + l.kernel_w - l.in.w - l.pad_w);
    const std::vector<int32_t> pads{0, 0, l.pad_h, bottom, l.pad_w, right, 0, 0};
    const int p = tensor(name + "/paddings", {4, 2}, tflite::TensorType_INT32, buffer(pads.data(), 32), 0);
    valid->in = {l.in.h + l.pad_h + bottom, l.in.w + l.pad_w + right, l.in.c};
    valid->pad_h = valid->pad_w = 0;
    const int y = activation(name, nhwc(valid->in), l.input);
    op(tflite::BuiltinOperator_PAD, 2, {x, p}, y, tflite::BuiltinOptions_PadOptions, tflite::CreatePadOptions(fbb_).Union());
    return y;
  }

  int layer(size_t i, const quant::QLayer& l, int x, int x2) {
    const std::string name = l.name.empty() ? std::string(ir::op_name(l.op)) + "_" + std::to_string(i) : l.name;
    switch (l.op) {
      case ir::Op::FullyConnected: {
        x = reshape(name + "/flatten", x, flat(l.in), l.input);
        auto [w, b] = weights(name, l, {static_cast<int32_t>(l.out.size()), static_cast<int32_t>(l.in.size())}, 0);
        const int y = activation(name, flat(l.out), l.output);
        op(tflite::BuiltinOperator_FULLY_CONNECTED, 4, {x, w, b}, y, tflite::BuiltinOptions_FullyConnectedOptions,
           tflite::CreateFullyConnectedOptions(fbb_, fused_activation(i, l)).Union());
        return y;
      }
      case ir::Op::Conv2D:
      case ir::Op::DepthwiseConv2D: {
        x = reshape(name + "/nhwc", x, nhwc(l.in), l.input);
        quant::QLayer valid = l;  // explicit padding (an imported PAD folded in): a PAD, then the VALID window
        if (!fits_padding(l, ir::Padding::Valid) && !fits_padding(l, ir::Padding::Same)) {
          x = pad(name + "/pad", x, l, &valid);
          if (!fits_padding(valid, ir::Padding::Valid)) throw error_at(where(i, l), "its padding has no TFLite form");
        }
        const bool dw = l.op == ir::Op::DepthwiseConv2D;
        auto [w, b] = dw ? weights(name, l, {1, l.kernel_h, l.kernel_w, l.out.c}, 3)
                         : weights(name, l, {l.out.c, l.kernel_h, l.kernel_w, l.in.c}, 0);
        const int y = activation(name, nhwc(l.out), l.output);
        if (dw)
          op(tflite::BuiltinOperator_DEPTHWISE_CONV_2D, 3, {x, w, b}, y, tflite::BuiltinOptions_DepthwiseConv2DOptions,
             tflite::CreateDepthwiseConv2DOptions(fbb_, padding(i, valid), l.stride_w, l.stride_h, l.depth_multiplier,
                                                  fused_activation(i, l)).Union());
        else
          op(tflite::BuiltinOperator_CONV_2D, 3, {x, w, b}, y, tflite::BuiltinOptions_Conv2DOptions,
             tflite::CreateConv2DOptions(fbb_, padding(i, valid), l.stride_w, l.stride_h, fused_activation(i, l)).Union());
        return y;
      }
      case ir::Op::MaxPool2D:
      case ir::Op::AvgPool2D: {
        x = reshape(name + "/nhwc", x, nhwc(l.in), l.input);
        const int y = activation(name, nhwc(l.out), l.output);
        op(l.op == ir::Op::MaxPool2D ? tflite::BuiltinOperator_MAX_POOL_2D : tflite::BuiltinOperator_AVERAGE_POOL_2D, 2,
           {x}, y, tflite::BuiltinOptions_Pool2DOptions,
           tflite::CreatePool2DOptions(fbb_, padding(i, l), l.stride_w, l.stride_h, l.kernel_w, l.kernel_h,
                                       fused_activation(i, l)).Union());
        return y;
      }
      case ir::Op::Reshape:
        if (l.act_min != -128 || l.act_max != 127) throw error_at(where(i, l), "TFLite's RESHAPE has no fused activation");
        return reshape(name, x, l.out.h == 1 && l.out.w == 1 ? flat(l.out) : nhwc(l.out), l.output, true);
      case ir::Op::Softmax: {
        x = reshape(name + "/flatten", x, flat(l.in), l.input);
        const int y = activation(name, flat(l.out), l.output);
        op(tflite::BuiltinOperator_SOFTMAX, 2, {x}, y, tflite::BuiltinOptions_SoftmaxOptions,
           tflite::CreateSoftmaxOptions(fbb_, 1.0f).Union());
        return y;
      }
      case ir::Op::Mean: {  // TFLite's MEAN over height and width; its multiplier follows from the two scales
        if (l.act_min != -128 || l.act_max != 127) throw error_at(where(i, l), "TFLite's MEAN has no fused activation");
        x = reshape(name + "/nhwc", x, nhwc(l.in), l.input);
        const std::vector<int32_t> axes{1, 2};
        const int a = tensor(name + "/axes", {2}, tflite::TensorType_INT32, buffer(axes.data(), 8), 0);
        const int y = activation(name, nhwc(l.out), l.output);
        op(tflite::BuiltinOperator_MEAN, 2, {x, a}, y, tflite::BuiltinOptions_ReducerOptions,
           tflite::CreateReducerOptions(fbb_, true).Union());
        return y;
      }
      case ir::Op::Add: {
        x = reshape(name + "/nhwc", x, nhwc(l.in), l.input);
        x2 = reshape(name + "/nhwc2", x2, nhwc(l.in), l.input2);
        const int y = activation(name, nhwc(l.out), l.output);
        op(tflite::BuiltinOperator_ADD, 2, {x, x2}, y, tflite::BuiltinOptions_AddOptions,
           tflite::CreateAddOptions(fbb_, fused_activation(i, l)).Union());
        return y;
      }
    }
    throw error_at(where(i, l), "op has no TFLite equivalent");
  }

  const quant::QModel& q_;
  fb::FlatBufferBuilder fbb_;
  std::vector<fb::Offset<tflite::Buffer>> buffers_;
  std::vector<fb::Offset<tflite::Tensor>> tensors_;
  std::vector<size_t> ranks_;
  std::vector<PendingOp> ops_;
  std::vector<std::pair<tflite::BuiltinOperator, int>> codes_;  // in first-use order
};

}  // namespace

std::vector<uint8_t> write_tflite(const quant::QModel& q, const std::string& description) {
  return Writer(q).finish(description.empty() ? std::string("mote ") + MOTE_VERSION : description);
}

void save_tflite(const quant::QModel& q, const std::filesystem::path& out, const std::string& description) {
  const auto bytes = write_tflite(q, description);
  write_file_atomic(out, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));  // nothing half-written is left behind
}

}  // namespace mote::compile
