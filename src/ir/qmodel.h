// The int8 model IR: the float IR's DAG (model.h: tensor 0 is the input, tensor k + 1 layer k's output,
// layers in topological order) with every tensor int8 and quantized (real = scale * (q - zero_point)),
// weights int8 per output channel symmetric, biases int32, and each kernel's fixed-point parameters as
// TFLite's int8 spec computes them. mote's PTQ (src/quant) makes one from a float Model; the .tflite importer
// (src/compile/tflite_reader) makes one from an int8 model, keeping its exact parameters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/model.h"

namespace mote::ir {

// real = scale * (q - zero_point), q int8 (a per-tensor activation quantization).
struct TensorQuant {
  float scale = 1.0f;
  int32_t zero_point = 0;
  bool operator==(const TensorQuant&) const = default;
};

// One layer with everything its runtime/nn kernel needs.
struct QLayer {
  Op op = Op::FullyConnected;
  std::string name;
  std::vector<int> inputs;  // as Layer::inputs: empty = the previous layer's output
  Shape in, out;
  TensorQuant input, output;  // input: the (first) input tensor's quantization
  TensorQuant input2;         // Add: the second input's
  int kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, depth_multiplier = 1;
  int32_t act_min = -128, act_max = 127;  // fused activation, in the output's int8 domain
  std::vector<int8_t> weights;            // the IR's layout, per output channel symmetric (zero point 0)
  std::vector<float> weight_scales;       // one per output channel
  std::vector<int32_t> bias;              // at input.scale * weight_scales[c]
  std::vector<int32_t> multiplier, shift; // input.scale * weight_scales[c] / output.scale, TFLite encoded
  // Softmax: input scaling (beta 1) as TFLite's PreprocessSoftmaxScaling; output is 1/256, -128.
  int32_t softmax_multiplier = 0, softmax_left_shift = 0, softmax_diff_min = 0;
  // Add (TFLite's): both inputs shifted left by add_left_shift and rescaled to twice the larger input scale
  // (multiplier/shift 1 and 2), their sum rescaled to the output (add_output_*).
  int32_t add_left_shift = 20, add_multiplier1 = 0, add_shift1 = 0, add_multiplier2 = 0, add_shift2 = 0;
  int32_t add_output_multiplier = 0, add_output_shift = 0;
};

struct QModel {
  Shape input_shape;
  TensorQuant input;
  std::vector<QLayer> layers;
  std::vector<std::string> labels;
  bool regression = false;
  // Per-channel input map (empty: none, the input is x / input.scale as TFLite's). Otherwise the int8 input
  // is round_half_away(x[i] * input_gain[i % P] + input_offset[i % P]) + input.zero_point, P = input_gain.size()
  // (runtime/nn/quantize_affine_s8), and layer 0 reads the channels mapped to about [-1, 1] at input.scale.
  std::vector<float> input_gain, input_offset;
  const TensorQuant& output() const { return layers.empty() ? input : layers.back().output; }
  const Shape& output_shape() const { return layers.empty() ? input_shape : layers.back().out; }
};

// The tensors layer i reads.
inline std::vector<int> layer_inputs(const QLayer& l, size_t i) {
  return l.inputs.empty() ? std::vector<int>{static_cast<int>(i)} : l.inputs;
}

// Multiply-accumulates of one inference: every output value of a weighted layer reads weights / channels.
inline uint64_t model_macs(const QModel& q) {
  uint64_t macs = 0;
  for (const auto& l : q.layers)
    if (!l.weights.empty() && l.out.c > 0) macs += static_cast<uint64_t>(l.out.size()) * (l.weights.size() / l.out.c);
  return macs;
}

// Bytes of int8 weights and int32 biases (what any runtime must store for this model).
inline uint64_t weight_bytes(const QModel& q) {
  uint64_t bytes = 0;
  for (const auto& l : q.layers) bytes += l.weights.size() + 4 * l.bias.size();
  return bytes;
}

}  // namespace mote::ir
