#include "quant/executor.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "nn/add_s8.h"
#include "nn/avg_pool2d_s8.h"
#include "nn/conv2d_s8.h"
#include "nn/depthwise_conv2d_s8.h"
#include "nn/fully_connected_s8.h"
#include "nn/max_pool2d_s8.h"
#include "nn/mean_s8.h"
#include "nn/quantize_affine_s8.h"
#include "nn/quantize_s8.h"
#include "nn/softmax_s8.h"

namespace mote::quant {

std::vector<int8_t> quantize_input(const QModel& q, const float* x) {
  std::vector<int8_t> y(q.input_shape.size());
  if (!q.input_gain.empty()) {
    const nn::QuantizeAffineS8Params p{static_cast<int32_t>(y.size()), static_cast<int32_t>(q.input_gain.size()),
                                       q.input_gain.data(), q.input_offset.data(), q.input.zero_point, nullptr};
    if (q.input_offset.size() != q.input_gain.size() || y.size() % q.input_gain.size() != 0 ||
        nn::quantize_affine_s8(p, x, y.data()) != MOTE_OK)
      throw Error("quantize_input: the per-channel input map does not fit the input; re-quantize the model");
    return y;
  }
  // The runtime's own quantizer, so the device (which calls the same function) gets the same bytes.
  const nn::QuantizeS8Params p{static_cast<int32_t>(y.size()), q.input.scale, q.input.zero_point};
  if (nn::quantize_s8(p, x, y.data()) != MOTE_OK)
    throw Error("quantize_input: input scale " + std::to_string(q.input.scale) + " or zero point is invalid");
  return y;
}

std::vector<float> dequantize_output(const QModel& q, const std::vector<int8_t>& y) {
  std::vector<float> out(y.size());
  for (size_t i = 0; i < y.size(); ++i) out[i] = q.output().scale * static_cast<float>(y[i] - q.output().zero_point);
  return out;
}

namespace {

nn::AddS8Params add_params(const QLayer& l) {
  return {static_cast<int32_t>(l.out.size()), -l.input.zero_point, -l.input2.zero_point, l.add_left_shift,
          l.add_multiplier1, l.add_shift1, l.add_multiplier2, l.add_shift2, l.add_output_multiplier, l.add_output_shift,
          l.output.zero_point, l.act_min, l.act_max};
}

nn::Dims dims(const ir::Shape& s) { return {s.h, s.w, s.c}; }

nn::MeanS8Params mean_params(const QLayer& l) {
  return {dims(l.in), -l.input.zero_point, l.output.zero_point, l.multiplier.at(0), l.shift.at(0), l.act_min, l.act_max};
}

Status run_layer(const QLayer& l, const int8_t* x, const int8_t* x2, int8_t* y, KernelPath path,
                 std::vector<uint8_t>& scratch) {
  const nn::PerChannelQuant pq{l.multiplier.data(), l.shift.data()};
  const int32_t* bias = l.bias.empty() ? nullptr : l.bias.data();
  const bool ref = path == KernelPath::Reference, dsp = path == KernelPath::Dsp;
  switch (l.op) {
    case ir::Op::FullyConnected: {
      const nn::FullyConnectedS8Params p{static_cast<int32_t>(l.in.size()), static_cast<int32_t>(l.out.size()),
                                         -l.input.zero_point, l.output.zero_point, l.act_min, l.act_max};
      // The IR keeps [out][in] rows (the tflite/onnx writers read them); the kernels take the packed order.
      if (l.weights.size() != l.in.size() * l.out.size())
        throw Error("run_int8: fully connected layer '" + l.name + "' has " + std::to_string(l.weights.size()) +
                    " weights, expected input size x output size; re-quantize the model");
      std::vector<int8_t> packed(l.weights.size());
      if (!nn::fully_connected_s8_pack_weights(p.input_size, p.output_size, l.weights.data(), packed.data()))
        throw Error("run_int8: fully connected layer '" + l.name +
                    "' has a weight of -128, outside symmetric int8 [-127, 127]; re-quantize the model");
      return ref ? nn::fully_connected_s8_ref(p, pq, x, packed.data(), bias, y)
             : dsp ? nn::fully_connected_s8_dsp(p, pq, x, packed.data(), bias, y)
                   : nn::fully_connected_s8(p, pq, x, packed.data(), bias, y);
    }
    case ir::Op::Conv2D: {
      const nn::Conv2DS8Params p{dims(l.in), dims(l.out), l.kernel_h, l.kernel_w, l.stride_h, l.stride_w, l.pad_h,
                                 l.pad_w, -l.input.zero_point, l.output.zero_point, l.act_min, l.act_max};
      scratch.resize(std::max(scratch.size(), nn::conv2d_s8_scratch_bytes(p)));
      // The IR keeps OHWI (the tflite/onnx writers read it); the kernels take conv2d_s8_pack_weights's order.
      if (l.weights.size() != static_cast<size_t>(l.kernel_h) * l.kernel_w * l.in.c * l.out.c)
        throw Error("run_int8: convolution layer '" + l.name + "' has " + std::to_string(l.weights.size()) +
                    " weights, expected out.c x kernel_h x kernel_w x in.c; re-quantize the model");
      std::vector<int8_t> packed(nn::conv2d_s8_packed_bytes(p));
      if (!nn::conv2d_s8_pack_weights(p, l.weights.data(), packed.data()))
        throw Error("run_int8: convolution layer '" + l.name +
                    "' has a weight of -128, outside symmetric int8 [-127, 127]; re-quantize the model");
      return ref ? nn::conv2d_s8_ref(p, pq, x, packed.data(), bias, y, scratch.data(), scratch.size())
             : dsp ? nn::conv2d_s8_dsp(p, pq, x, packed.data(), bias, y, scratch.data(), scratch.size())
                   : nn::conv2d_s8(p, pq, x, packed.data(), bias, y, scratch.data(), scratch.size());
    }
    case ir::Op::DepthwiseConv2D: {
      const nn::DepthwiseConv2DS8Params p{dims(l.in),         dims(l.out),  l.kernel_h, l.kernel_w,
                                          l.stride_h,         l.stride_w,   l.pad_h,    l.pad_w,
                                          l.depth_multiplier, -l.input.zero_point,      l.output.zero_point,
                                          l.act_min,          l.act_max};
      return ref ? nn::depthwise_conv2d_s8_ref(p, pq, x, l.weights.data(), bias, y)
             : dsp ? nn::depthwise_conv2d_s8_dsp(p, pq, x, l.weights.data(), bias, y)
                   : nn::depthwise_conv2d_s8(p, pq, x, l.weights.data(), bias, y);
    }
    case ir::Op::MaxPool2D:
    case ir::Op::AvgPool2D: {
      const nn::PoolS8Params p{dims(l.in), dims(l.out), l.kernel_h, l.kernel_w, l.stride_h, l.stride_w,
                               l.pad_h,    l.pad_w,     l.act_min,  l.act_max};
      return l.op == ir::Op::MaxPool2D ? nn::max_pool2d_s8(p, x, y) : nn::avg_pool2d_s8(p, x, y);
    }
    case ir::Op::Reshape:
      std::copy(x, x + l.in.size(), y);  // HWC is already the flat order: a no-op on the device
      for (size_t i = 0; i < l.out.size(); ++i) y[i] = static_cast<int8_t>(std::clamp<int32_t>(y[i], l.act_min, l.act_max));
      return MOTE_OK;
    case ir::Op::Add:
      return nn::add_s8(add_params(l), x, x2, y);
    case ir::Op::Mean: {
      if (l.multiplier.size() != 1 || l.shift.size() != 1 || !(l.out == ir::Shape{1, 1, l.in.c}))
        throw Error("run_int8: mean layer '" + l.name + "' needs one multiplier and shift and a 1x1xC output; re-import the model");
      return ref ? nn::mean_s8_ref(mean_params(l), x, y)
             : dsp ? nn::mean_s8_dsp(mean_params(l), x, y)
                   : nn::mean_s8(mean_params(l), x, y);
    }
    case ir::Op::Softmax: {
      const nn::SoftmaxS8Params p{1, static_cast<int32_t>(l.in.size()), l.softmax_multiplier, l.softmax_left_shift,
                                  l.softmax_diff_min};
      if (ref) return nn::softmax_s8(p, x, y);
      // Otherwise the table path, as the generated code runs it (same results, tests/nn checks both).
      int32_t table[nn::kSoftmaxExpTableMax], size = 0;
      MOTE_RETURN_IF_ERROR(nn::softmax_s8_exp_table(p, table, &size));
      return nn::softmax_s8_table(p, table, size, x, y);
    }
  }
  return MOTE_ERR_UNSUPPORTED;
}

}  // namespace

std::vector<int8_t> run_int8(const QModel& q, const int8_t* x, KernelPath path) {
  // Every tensor of the DAG: 0 = the input, k = layer k - 1's output (each freed after its last reader).
  std::vector<std::vector<int8_t>> tensors(q.layers.size() + 1);
  std::vector<size_t> last_use(q.layers.size() + 1, q.layers.size());
  for (size_t i = 0; i < q.layers.size(); ++i)
    for (int t : ir::layer_inputs(q.layers[i], i))
      if (t >= 0 && static_cast<size_t>(t) <= i) last_use[t] = i;
  tensors[0].assign(x, x + q.input_shape.size());
  std::vector<uint8_t> scratch;
  for (size_t i = 0; i < q.layers.size(); ++i) {
    const QLayer& l = q.layers[i];
    const auto ins = ir::layer_inputs(l, i);
    const std::string at = "layer " + std::to_string(i) + " (" + (l.name.empty() ? ir::op_name(l.op) : l.name) + ")";
    for (int t : ins)
      if (t < 0 || static_cast<size_t>(t) > i || tensors[t].size() != (t == ins[0] ? l.in.size() : l.out.size()))
        throw Error(at + ": reads tensor " + std::to_string(t) + ", which is not an earlier tensor of its shape");
    if (ins.size() != (l.op == ir::Op::Add ? 2u : 1u))
      throw Error(at + ": reads " + std::to_string(ins.size()) + " tensors; re-import the model");
    tensors[i + 1].assign(l.out.size(), 0);
    const Status s = run_layer(l, tensors[ins[0]].data(), ins.size() > 1 ? tensors[ins[1]].data() : nullptr,
                               tensors[i + 1].data(), path, scratch);
    if (s != MOTE_OK) throw Error(at + ": int8 kernel refused its parameters: " + status_string(s));
    for (int t : ins)
      if (last_use[t] == i) std::vector<int8_t>().swap(tensors[t]);
  }
  return tensors.back();
}

std::vector<float> run_quantized(const QModel& q, const float* x, KernelPath path) {
  const auto xq = quantize_input(q, x);
  return dequantize_output(q, run_int8(q, xq.data(), path));
}

}  // namespace mote::quant
