// Host int8 executor: runs a QModel layer by layer through the runtime/nn kernels (the same sources the
// device compiles), with the reference or the DSP-extension path (emulated on the host).
#pragma once

#include <cstdint>
#include <vector>

#include "quant/quantize.h"

namespace mote::quant {

enum class KernelPath { Default, Reference, Dsp };

// Float input -> int8 with runtime/nn/quantize_s8, or quantize_affine_s8 with the model's per-channel input map
// (what generated device code calls too).
std::vector<int8_t> quantize_input(const QModel& q, const float* x);
std::vector<float> dequantize_output(const QModel& q, const std::vector<int8_t>& y);

// Runs the int8 model on an int8 input of q.input_shape.size() values; throws mote::Error naming the
// layer when a kernel refuses its parameters.
std::vector<int8_t> run_int8(const QModel& q, const int8_t* x, KernelPath path = KernelPath::Default);

// quantize_input -> run_int8 -> dequantize_output.
std::vector<float> run_quantized(const QModel& q, const float* x, KernelPath path = KernelPath::Default);

}  // namespace mote::quant
