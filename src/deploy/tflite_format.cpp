#include <filesystem>

#include "compile/tflite_writer.h"
#include "deploy/model_formats.h"
#include "quant/quantize.h"

namespace mote::deploy {

nlohmann::json deploy_tflite(const ModelDeployContext& ctx) {
  // One input scale: a .tflite is fed the TFLite way (x / scale + zero point), without mote's per-channel map.
  const quant::QModel q = quant::quantize(ctx.model, ctx.calibration,
                                          quant::QuantizeOptions{ctx.per_tensor_dense, quant::InputScaling::PerTensor});
  compile::save_tflite(q, ctx.out, "mote " MOTE_VERSION ": " + ctx.block);
  const auto tq = [](const quant::TensorQuant& t) { return nlohmann::json{{"scale", t.scale}, {"zero_point", t.zero_point}}; };
  const auto& in = q.input_shape;
  return {{"format", "tflite"},
          {"block", ctx.block},
          {"file", ctx.out.string()},
          {"bytes", std::filesystem::file_size(ctx.out)},
          {"input_shape", {in.h, in.w, in.c}},
          {"input", tq(q.input)},
          {"output", tq(q.output())},
          {"calibration_inputs", ctx.calibration.size()},
          {"dense_weights", ctx.per_tensor_dense ? "per-tensor" : "per-channel"},
          {"labels", q.labels}};
}

}  // namespace mote::deploy
