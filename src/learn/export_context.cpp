#include "learn/export_context.h"

#include <algorithm>

#include "core/error.h"
#include "learn/pipeline.h"

namespace mote::learn {

deploy::ModelDeployContext model_deploy_context(Project& p, const std::string& block, bool quiet) {
  ImpulseSpec spec = load_impulse(p);
  Impulse impulse(spec, impulse_axes(p, spec));
  const auto models = current_models(p.store(), impulse);
  const TrainedBlock* chosen = nullptr;
  for (const auto& m : models)
    if ((m.type == "classifier" || m.type == "regression") && (block.empty() || m.name == block)) {
      chosen = &m;
      break;
    }
  if (!chosen)
    throw Error(block.empty() ? "export: the impulse has no trained classifier or regression block; add one and run mote train"
                              : "export: --block '" + block + "' is not a trained classifier or regression block of the impulse");
  const BlockSpec* bs = nullptr;
  for (const auto& b : impulse.spec().learn)
    if (b.name == chosen->name) bs = &b;
  deploy::ModelDeployContext ctx;
  ctx.block = chosen->name;
  ctx.model = trained_ir(*chosen);
  SampleFilter f;
  f.category = Category::Training;
  const FeatureTable t = generate_features(p.store(), impulse, f, quiet);
  if (t.rows.empty()) throw Error("export: the training set has no windows to calibrate int8 ranges; import training data");
  const BlockColumns cols = block_columns(impulse, *bs);
  const size_t n = t.rows.size(), take = std::min(n, kMaxCalibrationWindows);
  std::vector<size_t> rows;
  for (size_t k = 0; k < take; ++k) rows.push_back(k * n / take);
  const std::vector<float> x = gather(t, cols, rows);
  for (size_t k = 0; k < rows.size(); ++k)
    ctx.calibration.emplace_back(x.begin() + k * cols.width, x.begin() + (k + 1) * cols.width);
  return ctx;
}

}  // namespace mote::learn
