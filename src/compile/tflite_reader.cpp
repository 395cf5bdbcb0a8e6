#include "compile/tflite_reader.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <set>

#include "core/error.h"
#include "core/files.h"
#include "nn/types.h"
#include "quant/quantize.h"
#include "tflite_schema_generated.h"

namespace mote::compile {
namespace {

constexpr const char* kSupported =
    "CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, AVERAGE_POOL_2D, MAX_POOL_2D, MEAN (over height and width), "
    "RESHAPE, SQUEEZE, SOFTMAX, PAD and PADV2 (of height and width, before a convolution or max pool), "
    "RELU and RELU6 (after the layer making their input), QUANTIZE (first), DEQUANTIZE (last)";

std::string op_code_name(int code) {
  const char* n = code >= tflite::BuiltinOperator_MIN && code <= tflite::BuiltinOperator_MAX
                      ? tflite::EnumNameBuiltinOperator(static_cast<tflite::BuiltinOperator>(code))
                      : "";
  return n && *n ? n : "operator code " + std::to_string(code);
}

// Element i of an int64 vector, read bytewise: the verifier checks a vector's length word is 4-byte aligned,
// not that its 8-byte elements are (a crafted file misaligns them; tflite_fuzz found it).
int64_t int64_at(const flatbuffers::Vector<int64_t>& v, size_t i) {
  int64_t x;
  std::memcpy(&x, reinterpret_cast<const uint8_t*>(v.Data()) + 8 * i, 8);
  return flatbuffers::EndianScalar(x);
}

const char* type_name(tflite::TensorType t) {
  const char* n = tflite::EnumNameTensorType(t);
  return n && *n ? n : "an unknown type";
}

class Reader {
 public:
  Reader(const tflite::Model& m, std::string name) : m_(m), name_(std::move(name)) {}

  TfliteModel read() {
    TfliteModel out;
    if (m_.description()) out.description = m_.description()->str();
    if (!m_.subgraphs() || m_.subgraphs()->size() != 1)
      fail("has " + std::to_string(m_.subgraphs() ? m_.subgraphs()->size() : 0) +
           " subgraphs; mote imports models with exactly one (no control flow)");
    sg_ = m_.subgraphs()->Get(0);
    if (!sg_->tensors() || !sg_->operators() || sg_->operators()->size() == 0) fail("has no tensors or no operators");
    if (!sg_->inputs() || sg_->inputs()->size() != 1 || !sg_->outputs() || sg_->outputs()->size() != 1)
      fail("must have exactly one input and one output tensor");
    const int input = sg_->inputs()->Get(0);
    const auto* in_t = tensor(input, "the model input");
    ir_of_.assign(sg_->tensors()->size(), -1);
    readers_.assign(sg_->tensors()->size(), 0);
    for (const auto* op : *sg_->operators())
      if (op->inputs())
        for (int t : *op->inputs())
          if (t >= 0 && static_cast<size_t>(t) < readers_.size()) ++readers_[t];

    const auto& ops = *sg_->operators();
    size_t first = 0;
    // A float interface: QUANTIZE first (float -> int8) is the input quantization mote does on the device too.
    if (in_t->type() == tflite::TensorType_FLOAT32 && code(0) == tflite::BuiltinOperator_QUANTIZE) {
      at_ = 0;
      const int y = output_of(*ops.Get(0));
      const auto ins = inputs_of(*ops.Get(0));
      if (ins.empty() || ins[0] != input) fail_op("QUANTIZE must read the model input");
      q_.input = activation_quant(y);
      q_.input_shape = shape_of(y);
      ir_of_[y] = 0;
      first = 1;
      quantized_ = true;
    } else if (in_t->type() == tflite::TensorType_INT8) {
      q_.input = activation_quant(input);
      q_.input_shape = shape_of(input);
      ir_of_[input] = 0;
      quantized_ = true;
    } else if (in_t->type() == tflite::TensorType_FLOAT32) {
      f_.input = shape_of(input);
      ir_of_[input] = 0;
      quantized_ = false;
    } else {
      fail("input tensor is " + std::string(type_name(in_t->type())) + "; mote imports int8 and float32 models");
    }

    const int output = sg_->outputs()->Get(0);
    tensor(output, "the model output");  // an index past the tensors is refused before it is used
    for (size_t i = first; i < ops.size(); ++i) {
      at_ = i;
      const auto& op = *ops.Get(static_cast<flatbuffers::uoffset_t>(i));
      // DEQUANTIZE last (int8 -> float) is the output dequantization mote does on the host.
      if (quantized_ && code(i) == tflite::BuiltinOperator_DEQUANTIZE && i + 1 == ops.size() && output_of(op) == output) {
        const auto ins = inputs_of(op);
        if (ins.empty()) fail_op("has no input");
        ir_of_[output] = mapped(ins[0]);
        continue;
      }
      read_op(op);
    }
    if (ir_of_[output] < 0 || static_cast<size_t>(ir_of_[output]) != layers() || layers() == 0)
      fail("its output tensor is not the last operator's output; mote imports models whose last operator makes the output");
    out.quantized = quantized_;
    if (quantized_) {
      out.q = std::move(q_);
    } else {
      out.f = std::move(f_);
      ir::infer_shapes(out.f);
    }
    return out;
  }

 private:
  struct PendingPad {
    size_t op;   // the PAD's operator index
    int source;  // the tflite tensor it pads
    int top, bottom, left, right;
  };

  [[noreturn]] void fail(const std::string& what) const { throw Error(name_ + ": " + what); }
  [[noreturn]] void fail_op(const std::string& what) const {
    throw Error(name_ + ": operator " + std::to_string(at_) + " (" + op_code_name(code(at_)) + "): " + what);
  }

  size_t layers() const { return quantized_ ? q_.layers.size() : f_.layers.size(); }

  int code(size_t i) const {
    const auto* op = sg_->operators()->Get(static_cast<flatbuffers::uoffset_t>(i));
    const auto* codes = m_.operator_codes();
    if (!codes || op->opcode_index() >= codes->size())
      throw Error(name_ + ": operator " + std::to_string(i) + " names operator code index " +
                  std::to_string(op->opcode_index()) + ", past the model's operator codes");
    const auto* c = codes->Get(op->opcode_index());
    // TFLite's rule: the larger of the deprecated byte and the int field.
    return std::max<int>(c->deprecated_builtin_code(), static_cast<int>(c->builtin_code()));
  }

  const tflite::Tensor* tensor(int index, const std::string& what) const {
    if (index < 0 || static_cast<size_t>(index) >= sg_->tensors()->size())
      fail(what + " is tensor " + std::to_string(index) + ", past the " + std::to_string(sg_->tensors()->size()) +
           " tensors");
    return sg_->tensors()->Get(static_cast<flatbuffers::uoffset_t>(index));
  }

  std::vector<int> dims(int index) const {
    const auto* t = tensor(index, "a tensor");
    std::vector<int> d;
    if (t->shape())
      for (int v : *t->shape()) {
        if (v < 1 || v > (1 << 24)) fail("tensor " + std::to_string(index) + " has dimension " + std::to_string(v) +
                                         "; mote imports static shapes with every dimension in [1, 2^24]");
        d.push_back(v);
      }
    return d;
  }

  size_t elements(int index) const {
    size_t n = 1;
    for (int v : dims(index)) {
      n *= static_cast<size_t>(v);
      if (n > (size_t{1} << 28)) fail("tensor " + std::to_string(index) + " has more than 2^28 elements");
    }
    return n;
  }

  // The IR shape of an activation tensor: [1, h, w, c], [1, w, c], [1, n] or [n] (batch 1).
  ir::Shape shape_of(int index) const {
    auto d = dims(index);
    if (d.size() >= 2 && d[0] != 1) fail("tensor " + std::to_string(index) + " has batch " + std::to_string(d[0]) + "; mote runs batch 1");
    if (d.size() == 4) return {d[1], d[2], d[3]};
    if (d.size() == 3) return {1, d[1], d[2]};
    if (d.size() == 2) return {1, 1, d[1]};
    if (d.size() == 1) return {1, 1, d[0]};
    fail("tensor " + std::to_string(index) + " has rank " + std::to_string(d.size()) + "; mote imports ranks 1 to 4");
  }

  ir::TensorQuant activation_quant(int index) const {
    const auto* t = tensor(index, "a tensor");
    if (t->type() != tflite::TensorType_INT8)
      fail("tensor " + std::to_string(index) + " is " + type_name(t->type()) + " where mote expects int8");
    const auto* q = t->quantization();
    if (!q || !q->scale() || q->scale()->size() != 1 || !q->zero_point() || q->zero_point()->size() != 1)
      fail("tensor " + std::to_string(index) + " has no per-tensor scale and zero point");
    const float s = q->scale()->Get(0);
    const int64_t zp = int64_at(*q->zero_point(), 0);
    if (!(s > 0) || !std::isfinite(s) || zp < -128 || zp > 127)
      fail("tensor " + std::to_string(index) + " has scale " + std::to_string(s) + " and zero point " +
           std::to_string(zp) + "; int8 needs a positive scale and a zero point in [-128, 127]");
    return {s, static_cast<int32_t>(zp)};
  }

  // The bytes of a constant tensor, checked to be exactly `bytes` long.
  const uint8_t* constant(int index, size_t bytes, const char* what) const {
    const auto* t = tensor(index, what);
    const auto* buffers = m_.buffers();
    if (!buffers || t->buffer() == 0 || t->buffer() >= buffers->size()) fail_op(std::string(what) + " is not a constant tensor");
    const auto* b = buffers->Get(t->buffer());
    if (b->offset() != 0 || b->size() != 0) fail_op(std::string(what) + " is stored outside the flatbuffer (models past 2 GB)");
    if (!b->data() || b->data()->size() != bytes)
      fail_op(std::string(what) + " holds " + std::to_string(b->data() ? b->data()->size() : 0) + " bytes, expected " +
              std::to_string(bytes) + " (sparse or mis-sized tensors are not supported)");
    return b->data()->data();
  }

  // The operator's k-th input tensor, which must be present.
  int arg(const std::vector<int>& ins, size_t k, const char* what) const {
    if (ins.size() <= k || ins[k] < 0) fail_op(std::string("has no ") + what + " (input " + std::to_string(k) + ")");
    return ins[k];
  }

  std::vector<int> inputs_of(const tflite::Operator& op) const {
    return op.inputs() ? std::vector<int>(op.inputs()->begin(), op.inputs()->end()) : std::vector<int>{};
  }
  int output_of(const tflite::Operator& op) const {
    if (!op.outputs() || op.outputs()->size() != 1) fail_op("must have exactly one output");
    const int y = op.outputs()->Get(0);
    tensor(y, "its output");
    return y;
  }

  // The IR tensor that holds tflite tensor `t` (an earlier operator's output or the input).
  int mapped(int t) const {
    tensor(t, "an input");
    if (const auto p = pads_.find(t); p != pads_.end())
      throw Error(name_ + ": operator " + std::to_string(p->second.op) + " (" + op_code_name(code(p->second.op)) +
                  "): its output is read by operator " + std::to_string(at_) + " (" + op_code_name(code(at_)) +
                  "); mote folds a PAD only into the CONV_2D, DEPTHWISE_CONV_2D or MAX_POOL_2D reading it");
    if (ir_of_[t] < 0) fail_op("reads tensor " + std::to_string(t) + ", which no earlier operator produces (or a constant where mote expects an activation)");
    return ir_of_[t];
  }

  ir::Activation activation(tflite::ActivationFunctionType a) const {
    switch (a) {
      case tflite::ActivationFunctionType_NONE: return ir::Activation::None;
      case tflite::ActivationFunctionType_RELU: return ir::Activation::Relu;
      case tflite::ActivationFunctionType_RELU6: return ir::Activation::Relu6;
      default: fail_op("fused activation " + std::string(tflite::EnumNameActivationFunctionType(a)) +
                       " is not supported (NONE, RELU, RELU6 are)");
    }
  }

  // Per output channel scales of a weight tensor with `channels` outputs along `dim` (one scale: per tensor).
  std::vector<float> weight_scales(int index, int channels, int dim) const {
    const auto* t = tensor(index, "the weights");
    const auto* q = t->quantization();
    if (!q || !q->scale() || q->scale()->size() == 0) fail_op("its weights have no scale");
    const size_t n = q->scale()->size();
    if (n != 1 && (n != static_cast<size_t>(channels) || q->quantized_dimension() != dim))
      fail_op("its weights have " + std::to_string(n) + " scales along dimension " + std::to_string(q->quantized_dimension()) +
              "; mote reads one per tensor or one per output channel (dimension " + std::to_string(dim) + ")");
    if (q->zero_point())
      for (size_t k = 0; k < q->zero_point()->size(); ++k)
        if (const int64_t z = int64_at(*q->zero_point(), k); z != 0)
          fail_op("its weights have zero point " + std::to_string(z) + "; int8 weights must be symmetric (0)");
    std::vector<float> s(static_cast<size_t>(channels));
    for (int c = 0; c < channels; ++c) {
      s[c] = q->scale()->Get(n == 1 ? 0 : static_cast<flatbuffers::uoffset_t>(c));
      if (!(s[c] > 0) || !std::isfinite(s[c])) fail_op("its weights have scale " + std::to_string(s[c]) + "; scales must be positive");
    }
    return s;
  }

  // Weights (int8 or float32 per the model) and bias of a layer with `channels` outputs.
  template <class L>
  void read_weights(L& l, const std::vector<int>& ins, size_t count, int channels, int dim) {
    const auto* w = tensor(arg(ins, 1, "weights"), "the weights");
    if (elements(ins[1]) != count) fail_op("its weights have " + std::to_string(elements(ins[1])) + " values, expected " + std::to_string(count));
    const bool has_bias = ins.size() > 2 && ins[2] >= 0;
    if (has_bias && elements(ins[2]) != static_cast<size_t>(channels))
      fail_op("its bias has " + std::to_string(elements(ins[2])) + " values, expected " + std::to_string(channels));
    if constexpr (std::is_same_v<L, ir::QLayer>) {
      if (w->type() != tflite::TensorType_INT8) fail_op(std::string("its weights are ") + type_name(w->type()) + "; int8 models need int8 weights");
      const auto* p = constant(ins[1], count, "its weights");
      l.weights.assign(reinterpret_cast<const int8_t*>(p), reinterpret_cast<const int8_t*>(p) + count);
      l.weight_scales = weight_scales(ins[1], channels, dim);
      l.bias.assign(static_cast<size_t>(channels), 0);
      if (has_bias) {
        if (tensor(ins[2], "the bias")->type() != tflite::TensorType_INT32) fail_op("its bias is not int32");
        std::memcpy(l.bias.data(), constant(ins[2], 4 * static_cast<size_t>(channels), "its bias"), 4 * static_cast<size_t>(channels));
      }
    } else {
      if (w->type() != tflite::TensorType_FLOAT32) fail_op(std::string("its weights are ") + type_name(w->type()) + "; float models need float32 weights");
      l.weights.resize(count);
      std::memcpy(l.weights.data(), constant(ins[1], 4 * count, "its weights"), 4 * count);
      if (has_bias) {
        if (tensor(ins[2], "the bias")->type() != tflite::TensorType_FLOAT32) fail_op("its bias is not float32");
        l.bias.resize(static_cast<size_t>(channels));
        std::memcpy(l.bias.data(), constant(ins[2], 4 * static_cast<size_t>(channels), "its bias"), 4 * static_cast<size_t>(channels));
      }
    }
  }

  // Per-channel multipliers as TFLM's Prepare computes them: input * weight / output in double; a per-tensor
  // FULLY_CONNECTED takes the product in float first (GetQuantizedConvolutionMultipler).
  void multipliers(ir::QLayer& l, bool float_product) const {
    const size_t n = l.weight_scales.size();
    l.multiplier.resize(n);
    l.shift.resize(n);
    for (size_t c = 0; c < n; ++c) {
      const double real = float_product ? static_cast<double>(l.input.scale * l.weight_scales[c]) / static_cast<double>(l.output.scale)
                                        : static_cast<double>(l.input.scale) * static_cast<double>(l.weight_scales[c]) /
                                              static_cast<double>(l.output.scale);
      std::tie(l.multiplier[c], l.shift[c]) = quant::quantize_multiplier(real);
    }
  }

  // A standalone RELU / RELU6 after the layer that made its input (read by nothing else), with the same
  // quantization on both sides: TFLite's int8 ReLU is then a clamp, folded into that layer's activation (the
  // two clamps compose; bits unchanged). Other placements are refused.
  void fuse_relu(int c, const std::vector<int>& ins, int y) {
    const bool six = c == tflite::BuiltinOperator_RELU6;
    const int t = ins[0];
    if (mapped(t) != static_cast<int>(layers()) || layers() == 0 || readers_[t] != 1)
      fail_op("follows something other than the layer just before it, or its input has other readers; mote fuses a "
              "standalone RELU/RELU6 into the layer that makes its input");
    if (dims(t) != dims(y)) fail_op("changes its shape");
    if (quantized_) {
      if (!(activation_quant(t) == activation_quant(y)))
        fail_op("rescales (its input and output quantization differ); mote fuses only a RELU/RELU6 that keeps them");
      ir::QLayer& l = q_.layers.back();
      ir::QLayer clamp = l;
      quant::set_activation_range(clamp, six ? ir::Activation::Relu6 : ir::Activation::Relu);
      l.act_min = std::max(l.act_min, clamp.act_min);
      l.act_max = std::min(l.act_max, clamp.act_max);
      if (l.act_min > l.act_max) fail_op("leaves no value between its clamps");
    } else {
      ir::Layer& l = f_.layers.back();
      if (l.op == ir::Op::Reshape || l.op == ir::Op::Softmax) fail_op("follows a " + std::string(ir::op_name(l.op)) + ", which has no fused activation");
      l.activation = six || l.activation == ir::Activation::Relu6 ? ir::Activation::Relu6 : ir::Activation::Relu;
    }
    ir_of_[y] = static_cast<int>(layers());
  }

  // The int32 or int64 values of a constant integer tensor (PAD's paddings, MEAN's axes).
  std::vector<int64_t> constant_ints(int index, const char* what) const {
    const auto* t = tensor(index, what);
    const size_t n = elements(index);
    std::vector<int64_t> v(n);
    if (t->type() == tflite::TensorType_INT32) {
      const uint8_t* p = constant(index, 4 * n, what);
      for (size_t i = 0; i < n; ++i) {
        int32_t x;
        std::memcpy(&x, p + 4 * i, 4);
        v[i] = flatbuffers::EndianScalar(x);
      }
    } else if (t->type() == tflite::TensorType_INT64) {
      const uint8_t* p = constant(index, 8 * n, what);
      for (size_t i = 0; i < n; ++i) {
        int64_t x;
        std::memcpy(&x, p + 8 * i, 8);
        v[i] = flatbuffers::EndianScalar(x);
      }
    } else {
      fail_op(std::string(what) + " is " + type_name(t->type()) + ", not int32 or int64");
    }
    return v;
  }

  // PAD / PADV2 of height and width with zero (the zero point in int8): held until the one layer reading its
  // output, a convolution or max pool, takes the padding as its own (explicit, possibly asymmetric) padding.
  void read_pad(int c, const std::vector<int>& ins, int y) {
    const int x = ins[0];
    mapped(x);  // an activation made earlier (a PAD of a PAD is refused here too)
    const auto d = dims(x), dy = dims(y);
    if (d.size() != 4 || dy.size() != 4)
      fail_op("pads a rank-" + std::to_string(d.size()) + " tensor; mote folds the PAD of a 4-D NHWC tensor (height and width)");
    const int pt = arg(ins, 1, "paddings");
    if (elements(pt) != 8) fail_op("paddings hold " + std::to_string(elements(pt)) + " values, not 4 x 2");
    const auto pads = constant_ints(pt, "its paddings");
    for (size_t k = 0; k < 8; ++k)
      if (pads[k] < 0 || pads[k] > (1 << 16)) fail_op("pads by " + std::to_string(pads[k]) + "; mote folds padding in [0, 65536] (no cropping)");
    if (pads[0] || pads[1] || pads[6] || pads[7])
      fail_op("pads the batch or channel axis; mote folds padding of height and width only");
    for (size_t k = 0; k < 4; ++k)
      if (dy[k] != d[k] + pads[2 * k] + pads[2 * k + 1])
        fail_op("output is not its input plus the paddings (dimension " + std::to_string(k) + ")");
    if (tensor(y, "its output")->type() != tensor(x, "its input")->type()) fail_op("changes the tensor type");
    // The pad value: PAD's is 0 (the output's zero point in int8); PADV2's is its third input, which must be the same.
    if (quantized_ && !(activation_quant(x) == activation_quant(y)))
      fail_op("rescales (its input and output quantization differ); mote folds a PAD that keeps them");
    if (c == tflite::BuiltinOperator_PADV2 && ins.size() > 2 && ins[2] >= 0) {
      const int v = ins[2];
      if (elements(v) != 1 || tensor(v, "its pad value")->type() != tensor(x, "its input")->type())
        fail_op("pad value is not one value of the input's type");
      if (quantized_) {
        const auto* vq = tensor(v, "its pad value")->quantization();
        const ir::TensorQuant out_q = activation_quant(y);
        if (!vq || !vq->scale() || vq->scale()->size() != 1 || !vq->zero_point() || vq->zero_point()->size() != 1 ||
            vq->scale()->Get(0) != out_q.scale || int64_at(*vq->zero_point(), 0) != out_q.zero_point)
          fail_op("pad value is not quantized as its output; TFLite Micro requires the same scale and zero point");
        const int8_t value = static_cast<int8_t>(*constant(v, 1, "its pad value"));
        if (value != activation_quant(y).zero_point)
          fail_op("pads with " + std::to_string(value) + ", not the zero point " + std::to_string(activation_quant(y).zero_point) +
                  "; mote folds padding with zero");
      } else {
        float value;
        std::memcpy(&value, constant(v, 4, "its pad value"), 4);
        if (value != 0.0f) fail_op("pads with " + std::to_string(value) + "; mote folds padding with zero");
      }
    }
    if (y == sg_->outputs()->Get(0) || readers_[y] != 1)
      fail_op("its output is read by " + std::to_string(readers_[y]) + " operators" +
              (y == sg_->outputs()->Get(0) ? " and is the model output" : "") +
              "; mote folds a PAD into the one CONV_2D, DEPTHWISE_CONV_2D or MAX_POOL_2D reading it");
    pads_[y] = PendingPad{at_, x, static_cast<int>(pads[2]), static_cast<int>(pads[3]), static_cast<int>(pads[4]),
                          static_cast<int>(pads[5])};
  }

  // Layer f (a window over the padded tensor, its own SAME/VALID padding in f.padding) reads pad's source
  // instead: the two paddings add up. int8: l gets the explicit padding before (after is implied by the
  // output size; the kernels' padded taps are the input zero point, as PAD's are). float: the IR has SAME and
  // VALID only, so the sum must equal one of them.
  void fold_pad(const PendingPad& pad, ir::Layer& f, const ir::Shape& padded, int* pad_h, int* pad_w) {
    const ir::Shape src = shape_of(pad.source);
    const int top = pad.top + ir::conv_pad_before(padded.h, f.kernel_h, f.stride_h, f.padding);
    const int left = pad.left + ir::conv_pad_before(padded.w, f.kernel_w, f.stride_w, f.padding);
    if (f.op == ir::Op::MaxPool2D) {
      // TFLite's max pool sees the PAD's zeros; mote's skips padded taps. The same when every window holds an
      // input value and no input value is below the pad value (a ReLU before it).
      const bool inside = top < f.kernel_h && left < f.kernel_w && (f.out.h - 1) * f.stride_h - top < src.h &&
                          (f.out.w - 1) * f.stride_w - left < src.w;
      const int t = ir_of_[pad.source];
      bool above = false;
      if (quantized_) {
        const int zp = activation_quant(pad.source).zero_point;
        above = t > 0 ? q_.layers[t - 1].act_min >= zp : zp == -128;
      } else {
        above = t > 0 && f_.layers[t - 1].activation != ir::Activation::None;
      }
      if (!inside || !above)
        throw Error(name_ + ": operator " + std::to_string(pad.op) + " (" + op_code_name(code(pad.op)) +
                    "): pads the input of a MAX_POOL_2D whose " + (inside ? "input may hold values below the pad value" : "windows reach past it") +
                    "; mote folds a PAD into a max pool only after a RELU/RELU6 with every window on the input");
    }
    f.in = src;
    if (quantized_) {
      *pad_h = top;
      *pad_w = left;
      return;
    }
    auto is = [&](ir::Padding p) {
      return ir::conv_out_size(src.h, f.kernel_h, f.stride_h, p) == f.out.h && ir::conv_out_size(src.w, f.kernel_w, f.stride_w, p) == f.out.w &&
             ir::conv_pad_before(src.h, f.kernel_h, f.stride_h, p) == top && ir::conv_pad_before(src.w, f.kernel_w, f.stride_w, p) == left;
    };
    if (is(ir::Padding::Valid)) f.padding = ir::Padding::Valid;
    else if (is(ir::Padding::Same)) f.padding = ir::Padding::Same;
    else
      throw Error(name_ + ": operator " + std::to_string(pad.op) + " (" + op_code_name(code(pad.op)) + "): pads by (" +
                  std::to_string(pad.top) + ", " + std::to_string(pad.bottom) + ", " + std::to_string(pad.left) + ", " +
                  std::to_string(pad.right) + "), which with operator " + std::to_string(at_) +
                  "'s window is neither SAME nor VALID padding; mote's float IR has those two (int8 models take any)");
  }

  void read_op(const tflite::Operator& op) {
    const int c = code(at_);
    const auto ins = inputs_of(op);
    if (ins.empty() || ins[0] < 0) fail_op("has no input");
    const int y = output_of(op);
    if (c == tflite::BuiltinOperator_RELU || c == tflite::BuiltinOperator_RELU6) return fuse_relu(c, ins, y);
    if (c == tflite::BuiltinOperator_PAD || c == tflite::BuiltinOperator_PADV2) return read_pad(c, ins, y);
    // The input of a layer a PAD folds into is the PAD's own input.
    std::optional<PendingPad> pad;
    if (const auto p = pads_.find(ins[0]); p != pads_.end() &&
        (c == tflite::BuiltinOperator_CONV_2D || c == tflite::BuiltinOperator_DEPTHWISE_CONV_2D ||
         c == tflite::BuiltinOperator_MAX_POOL_2D)) {
      pad = p->second;
      pads_.erase(p);
    }
    const int x = mapped(pad ? pad->source : ins[0]);
    const ir::Shape in = shape_of(ins[0]), out = shape_of(y);
    ir::Layer f;  // geometry common to both paths
    f.name = tensor(y, "its output")->name() ? tensor(y, "its output")->name()->str() : "";
    f.in = in;
    f.out = out;
    f.inputs = {x};
    int channels = 0, dim = 0;
    size_t weight_count = 0;
    float softmax_beta = 1.0f;
    auto window = [&](tflite::Padding p, int stride_w, int stride_h, int kh, int kw) {
      if (stride_w < 1 || stride_h < 1 || kh < 1 || kw < 1) fail_op("has a stride or window below 1");
      f.padding = p == tflite::Padding_SAME ? ir::Padding::Same : ir::Padding::Valid;
      f.stride_h = stride_h;
      f.stride_w = stride_w;
      f.kernel_h = kh;
      f.kernel_w = kw;
      const ir::Shape want{ir::conv_out_size(in.h, kh, stride_h, f.padding), ir::conv_out_size(in.w, kw, stride_w, f.padding), out.c};
      if (!(want == out))
        fail_op("output is " + std::to_string(out.h) + "x" + std::to_string(out.w) + ", its window gives " +
                std::to_string(want.h) + "x" + std::to_string(want.w));
    };
    auto rank4 = [&](int t) {
      if (dims(t).size() != 4) fail_op("input is not a 4-D NHWC tensor");
    };
    switch (c) {
      case tflite::BuiltinOperator_CONV_2D: {
        const auto* o = op.builtin_options_as_Conv2DOptions();
        if (!o) fail_op("has no Conv2DOptions");
        if (o->dilation_w_factor() != 1 || o->dilation_h_factor() != 1) fail_op("is dilated; mote supports dilation 1");
        rank4(ins[0]);
        const auto wd = dims(arg(ins, 1, "weights"));
        if (wd.size() != 4 || wd[0] != out.c || wd[3] != in.c)
          fail_op("weights are not [out_channels, kh, kw, in_channels] for this input and output (grouped convolution is not supported)");
        f.op = ir::Op::Conv2D;
        f.units = out.c;
        window(o->padding(), o->stride_w(), o->stride_h(), wd[1], wd[2]);
        f.activation = activation(o->fused_activation_function());
        channels = out.c, dim = 0, weight_count = static_cast<size_t>(wd[0]) * wd[1] * wd[2] * wd[3];
        break;
      }
      case tflite::BuiltinOperator_DEPTHWISE_CONV_2D: {
        const auto* o = op.builtin_options_as_DepthwiseConv2DOptions();
        if (!o) fail_op("has no DepthwiseConv2DOptions");
        if (o->dilation_w_factor() != 1 || o->dilation_h_factor() != 1) fail_op("is dilated; mote supports dilation 1");
        rank4(ins[0]);
        const auto wd = dims(arg(ins, 1, "weights"));
        if (wd.size() != 4 || wd[0] != 1 || wd[3] != out.c || out.c % in.c != 0)
          fail_op("weights are not [1, kh, kw, out_channels] with out_channels a multiple of the input's");
        f.op = ir::Op::DepthwiseConv2D;
        f.depth_multiplier = out.c / in.c;
        if (o->depth_multiplier() != 0 && o->depth_multiplier() != f.depth_multiplier)
          fail_op("depth_multiplier " + std::to_string(o->depth_multiplier()) + " disagrees with its shapes");
        window(o->padding(), o->stride_w(), o->stride_h(), wd[1], wd[2]);
        f.activation = activation(o->fused_activation_function());
        channels = out.c, dim = 3, weight_count = static_cast<size_t>(wd[1]) * wd[2] * wd[3];
        break;
      }
      case tflite::BuiltinOperator_FULLY_CONNECTED: {
        const auto* o = op.builtin_options_as_FullyConnectedOptions();
        if (o && o->weights_format() != tflite::FullyConnectedOptionsWeightsFormat_DEFAULT)
          fail_op("has shuffled weights; mote reads the DEFAULT weights format");
        const auto wd = dims(arg(ins, 1, "weights"));
        if (wd.size() != 2 || static_cast<size_t>(wd[1]) != in.size() || static_cast<size_t>(wd[0]) != out.size())
          fail_op("weights are not [outputs, inputs] for a batch-1 input of " + std::to_string(in.size()) + " values");
        f.op = ir::Op::FullyConnected;
        f.units = wd[0];
        f.out = {1, 1, wd[0]};
        f.activation = o ? activation(o->fused_activation_function()) : ir::Activation::None;
        channels = wd[0], dim = 0, weight_count = static_cast<size_t>(wd[0]) * wd[1];
        break;
      }
      case tflite::BuiltinOperator_AVERAGE_POOL_2D:
      case tflite::BuiltinOperator_MAX_POOL_2D: {
        const auto* o = op.builtin_options_as_Pool2DOptions();
        if (!o) fail_op("has no Pool2DOptions");
        rank4(ins[0]);
        if (out.c != in.c) fail_op("changes the channel count");
        f.op = c == tflite::BuiltinOperator_MAX_POOL_2D ? ir::Op::MaxPool2D : ir::Op::AvgPool2D;
        window(o->padding(), o->stride_w(), o->stride_h(), o->filter_height(), o->filter_width());
        f.activation = activation(o->fused_activation_function());
        break;
      }
      case tflite::BuiltinOperator_MEAN: {
        // Over height and width only (global average pooling); keep_dims either way.
        const auto d = dims(ins[0]);
        const int rank = static_cast<int>(d.size());
        if (rank != 4 && rank != 3) fail_op("input is rank " + std::to_string(rank) + "; mote reads MEAN of a 4-D NHWC (or 3-D NWC) tensor");
        std::set<int64_t> axes;
        for (int64_t a : constant_ints(arg(ins, 1, "axes"), "its axes")) {
          if (a < -rank || a >= rank) fail_op("names axis " + std::to_string(a) + " of a rank-" + std::to_string(rank) + " tensor");
          axes.insert(a < 0 ? a + rank : a);
        }
        if (axes.count(rank - 1)) fail_op("averages over channels; mote's MEAN averages over height and width (global average pooling)");
        for (int a = 1; a < rank - 1; ++a)
          if (d[static_cast<size_t>(a)] > 1 && !axes.count(a))
            fail_op("keeps axis " + std::to_string(a) + "; mote's MEAN averages over every axis but the channels (global average pooling)");
        if (!(out == ir::Shape{1, 1, in.c})) fail_op("output has " + std::to_string(out.size()) + " values, not one per channel (" + std::to_string(in.c) + ")");
        if (static_cast<int64_t>(in.h) * in.w > nn::kMaxDotLength)
          fail_op("averages " + std::to_string(static_cast<int64_t>(in.h) * in.w) + " values per channel; mote's mean takes at most " +
                  std::to_string(nn::kMaxDotLength));
        // int8: TFLM's own arithmetic (nn/mean_s8); float: a global average pool.
        f.op = quantized_ ? ir::Op::Mean : ir::Op::AvgPool2D;
        f.kernel_h = in.h, f.kernel_w = in.w;
        break;
      }
      case tflite::BuiltinOperator_RESHAPE:
      case tflite::BuiltinOperator_SQUEEZE:
        if (in.size() != out.size()) fail_op("changes the element count");
        f.op = ir::Op::Reshape;
        break;
      case tflite::BuiltinOperator_SOFTMAX: {
        const auto* o = op.builtin_options_as_SoftmaxOptions();
        softmax_beta = o ? o->beta() : 1.0f;
        if (!(softmax_beta > 0) || !std::isfinite(softmax_beta)) fail_op("beta must be positive");
        const auto d = dims(ins[0]);
        if (d.empty() || static_cast<size_t>(d.back()) != in.size())
          fail_op("has more than one row; mote's softmax takes one row (batch 1, one vector)");
        if (!(in == out)) fail_op("changes its shape");
        f.op = ir::Op::Softmax;
        break;
      }
      case tflite::BuiltinOperator_ADD: {
        const auto* o = op.builtin_options_as_AddOptions();
        if (ins.size() != 2 || ins[1] < 0) fail_op("needs two inputs");
        if (dims(ins[0]) != dims(ins[1]) || dims(ins[0]) != dims(y))
          fail_op("adds tensors of different shapes; mote's Add does not broadcast");
        f.op = ir::Op::Add;
        f.inputs = {x, mapped(ins[1])};
        f.activation = o ? activation(o->fused_activation_function()) : ir::Activation::None;
        break;
      }
      default:
        fail_op(std::string("is not supported; mote imports ") + kSupported);
    }
    int pad_h = ir::conv_pad_before(in.h, f.kernel_h, f.stride_h, f.padding);
    int pad_w = ir::conv_pad_before(in.w, f.kernel_w, f.stride_w, f.padding);
    if (pad) fold_pad(*pad, f, in, &pad_h, &pad_w);
    if (quantized_) {
      ir::QLayer l;
      l.op = f.op;
      l.name = f.name;
      l.inputs = f.inputs;
      l.in = f.in;
      l.out = f.out;
      l.kernel_h = f.kernel_h, l.kernel_w = f.kernel_w, l.stride_h = f.stride_h, l.stride_w = f.stride_w;
      l.depth_multiplier = f.depth_multiplier;
      l.pad_h = pad_h;
      l.pad_w = pad_w;
      l.input = activation_quant(ins[0]);
      l.output = activation_quant(y);
      if (weight_count) {
        read_weights(l, ins, weight_count, channels, dim);
        const bool per_tensor_fc = f.op == ir::Op::FullyConnected &&
                                   tensor(ins[1], "the weights")->quantization()->scale()->size() == 1;
        multipliers(l, per_tensor_fc);
      }
      if (f.op == ir::Op::Softmax) {
        const ir::TensorQuant file_output = l.output;
        try {
          quant::set_softmax_params(l, softmax_beta, l.input.scale);
        } catch (const Error& e) {
          fail_op(e.what());
        }
        if (std::fabs(file_output.scale - 1.0f / 256) > 0.001f / 256 || file_output.zero_point != -128)
          fail_op("int8 softmax output must have scale 1/256 and zero point -128 (TFLite's int8 spec)");
        l.output = file_output;
      }
      if (f.op == ir::Op::Add) quant::set_add_params(l, l.input, activation_quant(ins[1]), l.output);
      if (f.op == ir::Op::Mean) {  // input / output scale as TFLM's Prepare computes it; nn/mean_s8 folds in 1 / n
        const auto [m, s] = quant::quantize_multiplier(static_cast<double>(l.input.scale) / static_cast<double>(l.output.scale));
        l.multiplier = {m};
        l.shift = {s};
      }
      quant::set_activation_range(l, f.activation);
      q_.layers.push_back(std::move(l));
    } else {
      if (f.op == ir::Op::Softmax && softmax_beta != 1.0f) fail_op("softmax beta must be 1 in float models mote quantizes");
      if (weight_count) read_weights(f, ins, weight_count, channels, dim);
      f_.layers.push_back(std::move(f));
    }
    ir_of_[y] = static_cast<int>(layers());
  }

  const tflite::Model& m_;
  std::string name_;
  const tflite::SubGraph* sg_ = nullptr;
  size_t at_ = 0;
  bool quantized_ = true;
  std::vector<int> readers_;  // operators reading each tflite tensor
  std::map<int, PendingPad> pads_;  // PADs by output tensor, until the layer reading it folds them
  std::vector<int> ir_of_;  // tflite tensor -> IR tensor (0 = the input, k = layer k - 1's output), -1: none
  ir::QModel q_;
  ir::Model f_;
};

}  // namespace

TfliteModel read_tflite(const uint8_t* bytes, size_t size, const std::string& name) {
  // The verifier checks alignment relative to the buffer's start, so the start itself must be aligned for the
  // widest scalar (int64 zero points): a misaligned caller's bytes are read from an aligned copy.
  std::vector<uint64_t> aligned;
  if (reinterpret_cast<uintptr_t>(bytes) % alignof(uint64_t) != 0) {
    aligned.resize((size + 7) / 8);
    std::memcpy(aligned.data(), bytes, size);
    bytes = reinterpret_cast<const uint8_t*>(aligned.data());
  }
  if (size < 8 || !tflite::ModelBufferHasIdentifier(bytes))
    throw Error(name + ": not a TensorFlow Lite model (no TFL3 identifier); export a .tflite flatbuffer");
  flatbuffers::Verifier verifier(bytes, size);
  if (!tflite::VerifyModelBuffer(verifier))
    throw Error(name + ": the TensorFlow Lite flatbuffer is corrupt or truncated");
  const auto* m = tflite::GetModel(bytes);
  if (m->version() != 3) throw Error(name + ": schema version " + std::to_string(m->version()) + "; mote reads version 3");
  return Reader(*m, name).read();
}

TfliteModel load_tflite(const std::filesystem::path& file) {
  const std::string bytes = read_file(file, uint64_t{1} << 30);
  return read_tflite(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), file.string());
}

}  // namespace mote::compile
