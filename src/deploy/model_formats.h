// The interoperable model formats of `mote deploy` (today `mote export-model`): the int8 model as .tflite
// and the float model as ONNX. Each writes one file and says what it wrote; see docs/interop.md.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "compile/model.h"

namespace mote::deploy {

// A trained neural block ready to export: its float IR and the inputs that calibrate int8 quantization
// (the block's training features, as src/quant expects).
struct ModelDeployContext {
  std::string block;
  ir::Model model;
  std::vector<std::vector<float>> calibration;
  std::filesystem::path out;  // the file to write (its folder must exist)
  bool per_tensor_dense = false;  // .tflite: one scale per dense layer (quant::QuantizeOptions)
};

// Quantizes ctx.model on ctx.calibration and writes the int8 .tflite to ctx.out; returns a summary
// (file, bytes, input/output scale and zero point, labels). Throws mote::Error naming what failed.
nlohmann::json deploy_tflite(const ModelDeployContext& ctx);

// Writes the float model as ONNX to ctx.out (calibration unused); returns a summary.
nlohmann::json deploy_onnx(const ModelDeployContext& ctx);

}  // namespace mote::deploy
