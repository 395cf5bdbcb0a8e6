// `mote -C DIR export-model --format tflite|onnx -o FILE [--block NAME]`: a trained neural block as an
// int8 .tflite (quantized on its training features) or a float ONNX file. To be folded into
// `mote deploy --format` (see src/deploy/model_formats.h, docs/interop.md).
#include <algorithm>
#include <cstdio>

#include "cli/cli.h"
#include "core/error.h"
#include "deploy/model_formats.h"
#include "learn/pipeline.h"

namespace mote::cli {

namespace {

// At most this many training windows calibrate the int8 ranges, evenly spread over the set.
constexpr size_t kMaxCalibration = 2000;

deploy::ModelDeployContext load_context(Project& p, const std::string& block, bool quiet) {
  ImpulseSpec spec = load_impulse(p);
  Impulse impulse(spec, impulse_axes(p, spec));
  const auto models = learn::current_models(p.store(), impulse);
  const learn::TrainedBlock* chosen = nullptr;
  for (const auto& m : models)
    if ((m.type == "classifier" || m.type == "regression") && (block.empty() || m.name == block)) {
      chosen = &m;
      break;
    }
  if (!chosen)
    throw Error(block.empty() ? "export-model: the impulse has no trained classifier or regression block; add one and run mote train"
                              : "export-model: --block '" + block + "' is not a trained classifier or regression block of the impulse");
  const BlockSpec* bs = nullptr;
  for (const auto& b : impulse.spec().learn)
    if (b.name == chosen->name) bs = &b;
  deploy::ModelDeployContext ctx;
  ctx.block = chosen->name;
  ctx.model = learn::trained_ir(*chosen);
  SampleFilter f;
  f.category = Category::Training;
  const FeatureTable t = generate_features(p.store(), impulse, f, quiet);
  const learn::BlockColumns cols = learn::block_columns(impulse, *bs);
  const size_t n = t.rows.size(), take = std::min(n, kMaxCalibration);
  std::vector<size_t> rows;
  for (size_t k = 0; k < take; ++k) rows.push_back(k * n / take);
  const std::vector<float> x = learn::gather(t, cols, rows);
  for (size_t k = 0; k < rows.size(); ++k) ctx.calibration.emplace_back(x.begin() + k * cols.width, x.begin() + (k + 1) * cols.width);
  return ctx;
}

}  // namespace

void register_export_model(CLI::App& app, Context& ctx) {
  static std::string format, out, block;
  static bool json = false;
  auto* cmd = app.add_subcommand("export-model", "Write a trained neural block as an int8 .tflite or a float ONNX file");
  cmd->add_option("--format", format, "tflite (int8, TFLite flatbuffer) or onnx (float, opset 10)")
      ->required()
      ->check(CLI::IsMember({"tflite", "onnx"}));
  cmd->add_option("-o,--output", out, "The file to write")->required();
  cmd->add_option("--block", block, "The learning block (default: the first classifier/regression)");
  cmd->add_flag("--json", json, "Print the summary as JSON");
  cmd->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      deploy::ModelDeployContext c = load_context(p, block, json);
      c.out = out;
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
