// The model-only deploy formats (.tflite, ONNX) behind `mote deploy --format`: no device glue, one file.
#include <system_error>

#include "core/error.h"
#include "deploy/model_formats.h"
#include "learn/export_context.h"
#include "store/project.h"

namespace mote::deploy {

const std::vector<ModelFormat>& model_formats() {
  static const std::vector<ModelFormat> formats = {
      {"tflite", deploy_tflite, ".tflite", "int8 TFLite flatbuffer of the neural block (docs/interop.md)"},
      {"onnx", deploy_onnx, ".onnx", "float ONNX (opset 10) of the neural block (docs/interop.md)"},
  };
  return formats;
}

nlohmann::json deploy_model(Project& p, const ModelFormat& f, const std::filesystem::path& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(out) && !(fs::is_directory(out) && fs::is_empty(out, ec)))
    throw error_at(out.string(), "exists and is not an empty folder; choose a new output folder");
  ModelDeployContext c = learn::model_deploy_context(p, "", true);
  bool made = fs::create_directories(out, ec);
  if (ec) throw error_at(out.string(), "cannot create the output folder (" + ec.message() + ")");
  c.out = out / (c.block + f.extension);
  try {
    nlohmann::json r = f.write(c);
    r["files"] = 1;
    r["block"] = c.block;
    return r;
  } catch (...) {
    fs::remove(c.out, ec);
    if (made) fs::remove(out, ec);
    throw;
  }
}

}  // namespace mote::deploy
