// `mote model import FILE`: a model trained elsewhere becomes the model of one of the impulse's neural blocks.
#include <cstdio>

#include "cli/cli.h"
#include "learn/import_model.h"

namespace mote::cli {

void register_model(CLI::App& app, Context& ctx) {
  auto* model = app.add_subcommand("model", "Models trained elsewhere (.tflite, .onnx) in the project");
  model->require_subcommand(1);
  static std::string file, block, calibration;
  static std::vector<std::string> labels;
  static bool json = false;
  auto* imp = model->add_subcommand("import", "Make FILE (.tflite int8 or float32, .onnx float32; XGBoost .json or LightGBM .txt boosted trees) the model of a classifier, regression or gradient_boosting block");
  imp->add_option("FILE", file, "The model file")->required();
  imp->add_option("--block", block, "The learning block it replaces (default: the impulse's only neural block)");
  imp->add_option("--calibration", calibration,
                  "Float model: quantize it now on these inputs (.npy, N x input size, or a folder of .npy); default: on the training windows");
  imp->add_option("--labels", labels, "Classifier outputs in the model's order (default: the training set's labels, sorted)")->delimiter(',');
  imp->add_flag("--json", json, "Print the stored block as JSON");
  imp->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      learn::ImportOptions o{block, calibration, labels};
      const learn::TrainedBlock b = learn::import_model(p, file, o);
      if (json) {
        print_json({{"block", b.name}, {"type", b.type}, {"metrics", b.metrics}});
        return;
      }
      const auto& m = b.metrics["imported"];
      std::string outs;
      for (const auto& l : b.metrics["labels"]) outs += (outs.empty() ? "" : ", ") + l.get<std::string>();
      if (b.metrics.contains("quantization")) {  // boosted trees (XGBoost JSON, LightGBM text)
        const auto& q = b.metrics["quantization"];
        std::printf("imported %s (%s) as block '%s' (%s): %d trees, outputs %s; on %d training windows, int8 thresholds change %d "
                    "predictions, the whole int8 model %d\n", m["file"].get<std::string>().c_str(), m["format"].get<std::string>().c_str(),
                    b.name.c_str(), b.type.c_str(), b.metrics["trees"].get<int>(), outs.c_str(), q["rows"].get<int>(),
                    q["threshold_changes"].get<int>(), q["int8_changes"].get<int>());
      } else {
        std::printf("imported %s (%s %s) as block '%s' (%s): %d inputs, outputs %s\n", m["file"].get<std::string>().c_str(),
                    m["format"].get<std::string>().c_str(), m["dtype"].get<std::string>().c_str(), b.name.c_str(), b.type.c_str(),
                    b.metrics["input"][0].get<int>(), outs.c_str());
      }
      std::printf("next: mote test --int8, mote profile, mote deploy (mote train keeps it; remove params.imported to train instead)\n");
    };
  });
}

}  // namespace mote::cli
