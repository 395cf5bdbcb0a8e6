// The C++ code generator: a quantized model becomes a readable, dependency-free C++11 source pair —
// `static const` weights and typed kernel parameters in flash, one static arena sized by the liveness
// planner, and an invoke() that calls the runtime/nn kernels directly (no interpreter, no op resolver).
#pragma once

#include <string>
#include <vector>

#include "compile/planner.h"
#include "quant/quantize.h"

namespace mote::compile {

struct GeneratedModel {
  std::string header;       // <name>.h
  std::string source;       // <name>.cpp
  size_t arena_bytes = 0;   // the one static buffer: every activation and scratch
  size_t const_bytes = 0;   // weights, biases, multipliers, shifts and softmax exp tables (flash)
  size_t wide_const_bytes = 0;  // the same on a core without the DSP extension (MOTE_NN_WIDE_DENSE: dense layers
                                // in fully_connected_s8_wide's form, 2 bytes per weight)
  size_t mve_const_bytes = 0;   // and on a core with Helium (MOTE_NN_MVE_DENSE: fully_connected_s8_mve's rows)
  std::string model_hash;   // FNV-1a 64 of the quantized model's JSON, in the banner
};

// `name` becomes the C++ namespace and the file stem; throws mote::Error when it is not an identifier.
GeneratedModel generate_cpp(const quant::QModel& q, const std::string& name);

// fully_connected_s8_fast's table for a dense layer (what generated code calls for it), or empty when the layer
// does not fit (then generated code calls fully_connected_s8).
std::vector<int32_t> dense_fast_table(const quant::QLayer& l);
// Its shared-channel form (fully_connected_s8_fast_shared_table) when every channel has the same multiplier and
// shift (per-tensor weights, as imported .tflite dense layers have), else empty; generated code prefers it.
std::vector<int32_t> dense_fast_shared_table(const quant::QLayer& l);
// fully_connected_s8_wide's words and table for a dense layer (what generated code calls on a core without the DSP
// extension), or false when the layer does not fit that form.
bool dense_wide_form(const quant::QLayer& l, std::vector<int32_t>* words, std::vector<int32_t>* table);
// fully_connected_s8_mve's table for a dense layer (what generated code calls on a core with Helium; the weights are
// the IR's rows), or empty when the layer does not fit that form.
std::vector<int32_t> dense_mve_table(const quant::QLayer& l);
// conv2d_s8_mve's table for a convolution (the weights are the IR's OHWI rows), or empty when it does not fit.
std::vector<int32_t> conv2d_mve_table(const quant::QLayer& l);

}  // namespace mote::compile
