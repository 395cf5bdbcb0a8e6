#include <filesystem>

#include "compile/onnx_writer.h"
#include "deploy/model_formats.h"

namespace mote::deploy {

nlohmann::json deploy_onnx(const ModelDeployContext& ctx) {
  compile::save_onnx(ctx.model, ctx.out, ctx.block);
  const auto& in = ctx.model.input;
  return {{"format", "onnx"},
          {"block", ctx.block},
          {"file", ctx.out.string()},
          {"bytes", std::filesystem::file_size(ctx.out)},
          {"input_shape", {in.h, in.w, in.c}},
          {"opset", 10},
          {"labels", ctx.model.labels}};
}

}  // namespace mote::deploy
