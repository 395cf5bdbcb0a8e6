// Post-training int8 quantization (TFLite int8 quantization spec) of an ir::Model, from calibration inputs.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "compile/model.h"

namespace mote::quant {

// real = scale * (q - zero_point), q int8.
struct TensorQuant {
  float scale = 1.0f;
  int32_t zero_point = 0;
  bool operator==(const TensorQuant&) const = default;
};

// One layer with everything its runtime/nn kernel needs.
struct QLayer {
  ir::Op op = ir::Op::FullyConnected;
  std::string name;
  ir::Shape in, out;
  TensorQuant input, output;
  int kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, depth_multiplier = 1;
  int32_t act_min = -128, act_max = 127;  // fused activation, in the output's int8 domain
  std::vector<int8_t> weights;            // the IR's layout, per output channel symmetric (zero point 0)
  std::vector<float> weight_scales;       // one per output channel
  std::vector<int32_t> bias;              // at input.scale * weight_scales[c]
  std::vector<int32_t> multiplier, shift; // input.scale * weight_scales[c] / output.scale, TFLite encoded
  // Softmax: input scaling (beta 1) as TFLite's PreprocessSoftmaxScaling; output is 1/256, -128.
  int32_t softmax_multiplier = 0, softmax_left_shift = 0, softmax_diff_min = 0;
};

struct QModel {
  ir::Shape input_shape;
  TensorQuant input;
  std::vector<QLayer> layers;
  std::vector<std::string> labels;
  bool regression = false;
  // Per-channel input map (empty: none, the input is x / input.scale as TFLite's). Otherwise the int8 input
  // is round_half_away(x[i] * input_gain[i % P] + input_offset[i % P]) + input.zero_point, P = input_gain.size()
  // (runtime/nn/quantize_affine_s8), and layer 0 reads the channels mapped to about [-1, 1] at input.scale.
  std::vector<float> input_gain, input_offset;
  const TensorQuant& output() const { return layers.empty() ? input : layers.back().output; }
  const ir::Shape& output_shape() const { return layers.empty() ? input_shape : layers.back().out; }
};

// TFLite QuantizeMultiplier: real = multiplier * 2^(shift - 31), multiplier in [2^30, 2^31); 0 -> (0, 0).
std::pair<int32_t, int32_t> quantize_multiplier(double real);

// TFLite ChooseQuantizationParams for int8: the range is widened to include 0 and the zero point nudged to
// an integer so that 0.0 is exact. A zero-width range gets a tiny positive scale.
TensorQuant choose_quant(double min, double max);

// Quantizes m (shapes inferred) using calibration inputs (each m.input.size() floats, e.g. the training
// features). Throws mote::Error naming the input or layer when calibration is empty or mis-sized.
QModel quantize(const ir::Model& m, const std::vector<std::vector<float>>& calibration);

// per_tensor_dense: one weight scale per dense layer (stored per channel, all equal) for runtimes that
// cannot read per-channel FULLY_CONNECTED weights, e.g. ArmNN 20.08; slightly less accurate.
// input_scaling: PerTensor quantizes the input with one scale (TFLite's way); PerChannel first maps each input
// channel (each feature of a flat input, each channel of HWC) to [-1, 1], folding the inverse into layer 0, so
// inputs of different units (g beside deg/s) keep their resolution. It costs 8 bytes of flash per channel, so
// Auto takes it only when one scale strays from the float model on more than 1 % of the calibration inputs
// (regression: mean difference over 1 % of the output range) and the map strays less.
enum class InputScaling { Auto, PerTensor, PerChannel };
struct QuantizeOptions {
  bool per_tensor_dense = false;
  InputScaling input_scaling = InputScaling::Auto;
};
QModel quantize(const ir::Model& m, const std::vector<std::vector<float>>& calibration, const QuantizeOptions& opts);

// The QModel as JSON (layers carry the runtime/nn parameter names); tests/ref/nn_int8.py --model reads it.
nlohmann::json to_json(const QModel& q);

}  // namespace mote::quant
