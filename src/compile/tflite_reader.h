// A TensorFlow Lite flatbuffer (schema 3, src/compile/tflite_schema.fbs) read into mote's IR: an int8 model
// becomes an ir::QModel that keeps the file's exact quantization (its kernel parameters computed as TFLite
// Micro's Prepare computes them, so outputs match TFLM bit for bit); a float32 model becomes an ir::Model for
// mote's post-training quantization. Supported: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD,
// AVERAGE_POOL_2D, MAX_POOL_2D, RESHAPE, SQUEEZE, SOFTMAX, with fused NONE/RELU/RELU6; MEAN over height and
// width (int8: ir::Op::Mean, TFLM's arithmetic in nn/mean_s8; float: a global avg_pool2d); PAD/PADV2 of height
// and width with zero, folded into the one CONV_2D / DEPTHWISE_CONV_2D (or, after a ReLU, MAX_POOL_2D) reading
// it as explicit padding (float: when it sums to SAME or VALID); standalone RELU/RELU6 folded into the layer
// before (docs/models.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ir/qmodel.h"

namespace mote::compile {

struct TfliteModel {
  bool quantized = false;  // int8: `q` holds the model; float32: `f` does
  ir::QModel q;
  ir::Model f;
  std::string description;  // the file's description field
};

// Parses and checks `bytes`; `name` (the file) prefixes every error. Throws mote::Error with one line naming
// the operator (index and code) or tensor and what mote supports; never reads past the buffer.
TfliteModel read_tflite(const uint8_t* bytes, size_t size, const std::string& name);
TfliteModel load_tflite(const std::filesystem::path& file);

}  // namespace mote::compile
