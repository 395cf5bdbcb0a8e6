// Post-training int8 quantization (TFLite int8 quantization spec) of an ir::Model, from calibration inputs.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "ir/qmodel.h"

namespace mote::quant {

// The int8 IR's types (src/ir/qmodel.h), named here as the quantizer's output.
using ir::QLayer;
using ir::QModel;
using ir::TensorQuant;

// TFLite QuantizeMultiplier: real = multiplier * 2^(shift - 31), multiplier in [2^30, 2^31); 0 -> (0, 0).
std::pair<int32_t, int32_t> quantize_multiplier(double real);

// TFLite's ADD parameters (left shift 20, QuantizeMultiplierSmallerThanOneExp) for inputs a, b and output
// out, set on l (add_*), as TFLite's and TFLM's Prepare compute them.
void set_add_params(QLayer& l, const TensorQuant& a, const TensorQuant& b, const TensorQuant& out);

// TFLite's PreprocessSoftmaxScaling for int8 (5 integer bits) of an input at `input_scale`, set on l
// (softmax_*). Throws mote::Error when the scale is too small for int8 softmax.
void set_softmax_params(QLayer& l, double beta, float input_scale);

// TFLite CalculateActivationRangeQuantized for fused activation a on l.output, set on l (act_min/act_max).
void set_activation_range(QLayer& l, ir::Activation a);

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

// The QModel as JSON (layers carry the runtime/nn parameter names; every field, so from_json restores it
// exactly): tests/ref/nn_int8.py --model reads it, and a project stores an imported int8 model in it.
nlohmann::json to_json(const QModel& q);
// Throws mote::Error naming the field when `j` is not a consistent int8 model (sizes, tensor indices).
QModel from_json(const nlohmann::json& j);

}  // namespace mote::quant
