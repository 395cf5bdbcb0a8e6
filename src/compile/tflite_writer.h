// The quantized model as a TensorFlow Lite flatbuffer (schema 3, src/compile/tflite_schema.fbs): int8
// input and output with their scale and zero point, per-channel symmetric int8 weights
// (quantized_dimension = output channel), int32 bias, fused activations; a convolution's explicit padding (an
// imported PAD folded in) becomes a PAD before it, a mean a MEAN over axes 1 and 2. Any TFLite-compatible runtime
// (TFLite, TFLite Micro, ArmNN) can run it; docs/interop.md says which one was checked and how closely.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "quant/quantize.h"

namespace mote::compile {

// Serializes q; throws mote::Error naming the layer when it cannot be expressed in TFLite (a fused
// activation TFLite has no name for, a pool padding that is neither SAME nor VALID).
std::vector<uint8_t> write_tflite(const quant::QModel& q, const std::string& description = "");

// write_tflite into a file (written to a temporary sibling and renamed); throws mote::Error naming it.
void save_tflite(const quant::QModel& q, const std::filesystem::path& out, const std::string& description = "");

}  // namespace mote::compile
