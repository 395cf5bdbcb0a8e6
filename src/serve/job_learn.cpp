// The `train` and `test` job kinds: the learning stage of src/learn/pipeline.h run on a worker thread.
#include <cmath>
#include <cstdio>

#include "learn/pipeline.h"
#include "serve/job_kinds.h"

using nlohmann::json;

namespace mote::serve {

namespace {

std::string fixed(double v, int digits) {
  if (!std::isfinite(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// The summary of one trained block as the studio shows it (no model weights).
json block_summary(const learn::TrainedBlock& b) {
  return {{"block", b.name}, {"type", b.type}, {"created_at", b.created_at}, {"metrics", b.metrics}};
}

}  // namespace

json run_train_job(JobContext& ctx) {
  Project& p = ctx.project();
  ImpulseSpec spec = load_impulse(p);
  size_t neural = 0;
  for (auto& b : spec.learn) neural += b.type == "classifier" || b.type == "regression";
  size_t block_index = 0;
  std::string current;
  learn::TrainOptions opts;
  opts.quiet = true;  // the job's log replaces the terminal's progress bar and epoch lines
  // Progress: features take the first 10 %, then each neural block an equal share of its epochs.
  opts.on_epoch = [&](const std::string& block, const learn::EpochStats& e, int epochs) {
    if (block != current) {
      if (!current.empty()) ++block_index;
      current = block;
      ctx.log("training " + block + " (up to " + std::to_string(epochs) + " epochs)");
    }
    ctx.log("  epoch " + std::to_string(e.epoch) + "/" + std::to_string(epochs) + "  loss " + fixed(e.loss, 4) +
            "  acc " + fixed(e.accuracy, 4) + "  val_loss " + fixed(e.val_loss, 4) + "  val_acc " + fixed(e.val_accuracy, 4));
    double share = 0.85 / static_cast<double>(std::max<size_t>(1, neural));
    ctx.progress(0.1 + share * (static_cast<double>(std::min(block_index, neural)) + static_cast<double>(e.epoch) / epochs));
    ctx.check_cancelled();  // between epochs: a cancelled run saves nothing
  };
  ctx.log("generating features (cached ones are reused)");
  learn::TrainReport r = learn::train_impulse(p, opts);
  ctx.progress(0.97);
  json blocks = json::array();
  for (auto& b : r.blocks) {
    blocks.push_back(block_summary(b));
    std::string line = "trained " + b.name + " (" + b.type + ")";
    if (b.metrics.contains("val_accuracy") && b.metrics["val_accuracy"].is_number())
      line += ": validation accuracy " + fixed(100 * b.metrics["val_accuracy"].get<double>(), 1) + " %";
    ctx.log(line);
  }
  ctx.log("features: " + std::to_string(r.features.computed) + " computed, " + std::to_string(r.features.cached) + " cached");
  return {{"blocks", blocks}, {"seconds", r.seconds}};
}

json run_test_job(JobContext& ctx) {
  Project& p = ctx.project();
  ctx.log("evaluating the current models on the testing set");
  ctx.check_cancelled();
  json r = learn::test_impulse(p, true);
  for (auto& b : r["blocks"]) {
    std::string name = b.value("block", "?");
    if (b.contains("accuracy") && b["accuracy"].is_number())
      ctx.log(name + ": accuracy " + fixed(100 * b["accuracy"].get<double>(), 1) + " % over " +
              std::to_string(b.value("samples", 0)) + " samples");
    else if (b.contains("roc_auc") && b["roc_auc"].is_number())
      ctx.log(name + ": ROC AUC " + fixed(b["roc_auc"].get<double>(), 3));
    else if (b.contains("rmse") && b["rmse"].is_number())
      ctx.log(name + ": RMSE " + fixed(b["rmse"].get<double>(), 4));
    else
      ctx.log(name + ": evaluated");
  }
  return r;
}

json trained_models_json(Project& p) {
  json out = json::array();
  for (auto& b : learn::load_trained(p.store())) out.push_back(block_summary(b));
  return out;
}

}  // namespace mote::serve
