// The interoperable model formats of `mote deploy` (today `mote export-model`): the int8 model as .tflite
// and the float model as ONNX. Each writes one file and says what it wrote; see docs/interop.md.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ir/model.h"

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

namespace mote {
class Project;
}

namespace mote::deploy {

// `mote deploy --format tflite|onnx`: the project's first neural block as one file in the output folder.
struct ModelFormat {
  const char* name;
  nlohmann::json (*write)(const ModelDeployContext&);
  const char* extension;
  const char* help;
};
const std::vector<ModelFormat>& model_formats();
// Writes OUT/<block><extension> (OUT must not exist or be empty; nothing is left on failure).
nlohmann::json deploy_model(Project& p, const ModelFormat& f, const std::filesystem::path& out);

}  // namespace mote::deploy
