#include "learn/tree_block.h"

#include <cstdio>

#include "learn/trees/block.h"

using nlohmann::json;

namespace mote::learn {

std::string block_role(const BlockSpec& b) {
  if (!trees::is_tree_type(b.type)) return b.type;
  return b.params.is_object() && b.params.value("task", json("classification")) == "regression" ? "regression" : "classifier";
}

std::string block_role(const TrainedBlock& b) {
  if (!trees::is_tree_type(b.type)) return b.type;
  return b.model.contains("trees") && b.model["trees"].value("task", std::string()) == "regression" ? "regression" : "classifier";
}

TrainedBlock train_tree_block(const BlockSpec& b, const BlockColumns& cols, const FeatureTable& t, const std::vector<size_t>& rows,
                              bool quiet) {
  const std::string where = "impulse.learn." + b.name;
  const trees::TreeConfig cfg = trees::parse_tree_config(b.type, b.params, cols.width, where);
  std::vector<float> x = gather(t, cols, rows);
  trees::TreeData d{x.data(), rows.size(), cols.width, {}};
  for (size_t r : rows) d.labels.push_back(t.rows[r].label);
  trees::TreeTrained tt = trees::train_trees(cfg, d, where);
  TrainedBlock out;
  out.name = b.name;
  out.type = b.type;
  out.model = {{"trees", trees::to_json(tt.model)}};
  if (!cfg.regression) out.model["min_confidence"] = cfg.min_confidence;
  out.model["device_form"] = cfg.device_form;
  out.metrics = tt.metrics;
  if (!quiet) {
    const json& q = tt.metrics["quantization"];
    std::printf("%s (%s, %s): %zu training windows, %zu features; %zu trees, %zu decision nodes, depth %d; training %s %.4g;"
                " int8 tables %zu bytes; predictions changed by int8 thresholds %zu, by the whole int8 model %zu\n",
                b.name.c_str(), b.type.c_str(), cfg.regression ? "regression" : "classification", rows.size(), cols.width,
                tt.model.trees.size(), tt.model.internal_nodes(), tt.metrics["depth"].get<int>(), cfg.regression ? "RMSE" : "accuracy",
                cfg.regression ? tt.metrics["rmse"].get<double>() : 100 * tt.metrics["accuracy"].get<double>(),
                tt.metrics["table_bytes"].get<size_t>(), q["threshold_changes"].get<size_t>(), q["int8_changes"].get<size_t>());
  }
  return out;
}

}  // namespace mote::learn
