// `mote -C DIR export-model --format tflite|onnx -o FILE [--block NAME]`: a trained neural block as an
// int8 .tflite (quantized on its training features) or a float ONNX file. To be folded into
// `mote deploy --format` (see src/deploy/model_formats.h, docs/interop.md).
#include <cstdio>

#include "cli/cli.h"
#include "core/error.h"
#include "deploy/model_formats.h"
#include "learn/export_context.h"

namespace mote::cli {

void register_export_model(CLI::App& app, Context& ctx) {
  static std::string format, out, block;
  static bool json = false, per_tensor_dense = false;
  auto* cmd = app.add_subcommand("export-model", "Write a trained neural block as an int8 .tflite or a float ONNX file");
  cmd->add_option("--format", format, "tflite (int8, TFLite flatbuffer) or onnx (float, opset 10)")
      ->required()
      ->check(CLI::IsMember({"tflite", "onnx"}));
  cmd->add_option("-o,--output", out, "The file to write")->required();
  cmd->add_option("--block", block, "The learning block (default: the first classifier/regression)");
  cmd->add_flag("--per-tensor-dense", per_tensor_dense,
                "tflite: one weight scale per dense layer, for runtimes without per-channel FULLY_CONNECTED (ArmNN 20.08)");
  cmd->add_flag("--json", json, "Print the summary as JSON");
  cmd->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      deploy::ModelDeployContext c = learn::model_deploy_context(p, block, json);
      c.out = out;
      c.per_tensor_dense = per_tensor_dense;
      if (!c.out.parent_path().empty() && !std::filesystem::is_directory(c.out.parent_path()))
        throw Error(out + ": its folder does not exist; create it first");
      const nlohmann::json r = format == "tflite" ? deploy::deploy_tflite(c) : deploy::deploy_onnx(c);
      if (json) {
        print_json(r);
        return;
      }
      std::printf("wrote %s (%s, %zu bytes) from block '%s'", out.c_str(),
                  format == "tflite" ? "int8 TFLite" : "float ONNX opset 10", r["bytes"].get<size_t>(), c.block.c_str());
      if (format == "tflite")
        std::printf("; input scale %g zero point %d, calibrated on %zu training windows", r["input"]["scale"].get<double>(),
                    r["input"]["zero_point"].get<int>(), c.calibration.size());
      std::printf("\n");
    };
  });
}

}  // namespace mote::cli
