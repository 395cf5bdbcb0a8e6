// Tree ensembles trained elsewhere: XGBoost JSON model files (`save_model("m.json")`, gbtree) and LightGBM text
// model files (`save_model("m.txt")`), read by mote's own parsers (fuzzed: tests/fuzz/foreign_trees_fuzz), then
// moved onto mote's int8 codes. Their thresholds are floats on the raw features; `to_ensemble` maps each
// feature to int8 from calibration rows (the block's training windows) and each threshold to the nearest code
// edge, and counts the calibration rows whose prediction that changes.
#pragma once

#include <string>
#include <vector>

#include "learn/trees/block.h"
#include "learn/trees/ensemble.h"

namespace mote::learn::trees {

struct ForeignTree {
  // Nodes: feature < 0 is a leaf holding value; else go left when x[feature] < threshold (XGBoost) or
  // <= threshold (LightGBM, strict = false). Children come after their parent.
  std::vector<int32_t> feature, left, right;
  std::vector<double> threshold, value;
};

struct ForeignModel {
  std::string format;             // "xgboost-json" or "lightgbm-text"
  bool regression = false;
  bool strict = true;             // left when x < threshold (else x <= threshold)
  size_t outputs = 1;             // margins: classes (multiclass), 1 (binary: the logit of class 1; regression)
  size_t classes = 0;             // 0 for a regression
  size_t features = 0;
  std::vector<ForeignTree> trees; // round-major: tree t adds to margin t % outputs
  std::vector<double> base;       // outputs initial margins
};

// Throw mote::Error naming `file` and the field for anything malformed or unsupported (categorical splits,
// random-forest or dart boosters, objectives other than squared error, logistic and softmax).
ForeignModel parse_xgboost_json(const std::string& bytes, const std::string& file);
ForeignModel parse_lightgbm_text(const std::string& bytes, const std::string& file);
// Either, by content (a JSON object with "learner", or LightGBM's "tree" header).
ForeignModel parse_foreign_trees(const std::string& bytes, const std::string& file);
bool looks_like_foreign_trees(const std::string& bytes);

// The model's own float margins for one row of raw features.
std::vector<double> foreign_margins(const ForeignModel& m, const float* x);

// mote's Ensemble (kind gradient_boosting) with the int8 map from `rows` calibration rows of x; labels: one per
// class (classifier) or {"value"}. changes (optional): calibration rows whose class (or value, by more than half
// an int8 output step) differs from the file's float model in mote's float model with int8 thresholds
// (threshold_changes) and in mote's whole int8 model (int8_changes).
Ensemble to_ensemble(const ForeignModel& m, const std::vector<std::string>& labels, const float* x, size_t rows,
                     QuantChanges* changes = nullptr);

}  // namespace mote::learn::trees
