// The learning block types random_forest and gradient_boosting: their parameters (one table, kParams,
// which validates mote.json and writes the docs table), training over a block's feature rows, and what
// `mote train` reports. Classification or regression follows params.task ("classification" by default).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "learn/trees/ensemble.h"

namespace mote::learn::trees {

bool is_tree_type(const std::string& type);

struct Param {
  const char* name;
  const char* kind;  // "int", "number", "bool", "enum", "class_weights", "max_features"
  double lo, hi;
  const char* forest_default;  // JSON text; "-" = not a parameter of that type
  const char* boosting_default;
  const char* help;
};
extern const Param kParams[];
extern const size_t kParamCount;
// The parameter table as Markdown (docs/trees.md).
std::string params_markdown();

struct TreeConfig {
  std::string type;  // random_forest / gradient_boosting
  bool regression = false;
  int trees = 0, max_depth = 0, min_samples_leaf = 1, max_features = 0;  // 0 = all
  std::string max_features_rule;                                          // "sqrt", "all" or a number
  double learning_rate = 0.1, lambda = 1, min_confidence = 0.6;
  std::string criterion = "gini";
  std::string voting = "soft";       // forest classification: soft or hard
  std::string device_form = "auto";  // auto, tables or if-else (codegen.h)
  bool bootstrap = true;
  nlohmann::json class_weights = false;  // false, "balanced", or {label: weight}
  uint64_t seed = 1;
  nlohmann::json resolved;               // every parameter with its value
};
// Checks params (errors name `where`.params.<field>, one line each); width = input features.
TreeConfig parse_tree_config(const std::string& type, const nlohmann::json& params, size_t width, const std::string& where);

// Training rows of one block: x rows x width (row-major), labels per row (class names or numbers).
struct TreeData {
  const float* x = nullptr;
  size_t rows = 0, width = 0;
  std::vector<std::string> labels;
};

struct TreeTrained {
  Ensemble model;
  nlohmann::json metrics;  // training accuracy/RMSE, nodes, depth, threshold and int8 changes, table bytes
};
// Throws mote::Error naming `where` for data it cannot train on (one class, non-numeric targets).
TreeTrained train_trees(const TreeConfig& cfg, const TreeData& d, const std::string& where);

// Training-set predictions that differ between the float model and (a) the same trees with int8 codes in
// place of float splits, (b) the whole int8 model (codes, int16 leaves, int8 outputs): argmax for classes,
// |difference| > tolerance for a regression (tolerance: half the int8 output step).
struct QuantChanges {
  size_t rows = 0, threshold_changes = 0, int8_changes = 0;
};
QuantChanges count_quantization_changes(const Ensemble& e, const float* x, size_t rows);

}  // namespace mote::learn::trees
