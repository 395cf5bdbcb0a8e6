#include "learn/trees/foreign.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <type_traits>

#include "core/error.h"

using nlohmann::json;

namespace mote::learn::trees {

namespace {

constexpr size_t kMaxNodes = 1 << 20, kMaxTrees = 65535, kMaxOutputs = 255, kMaxFeatures = 65535;

// Checks one tree's shape: indices inside, children after their parent, every node but the root one parent.
void check_tree(const ForeignTree& t, size_t features, const std::string& where) {
  const size_t n = t.feature.size();
  if (n == 0 || n > kMaxNodes) throw error_at(where, "must have 1 to " + std::to_string(kMaxNodes) + " nodes");
  std::vector<int> parents(n, 0);
  for (size_t i = 0; i < n; ++i) {
    if (t.feature[i] < 0) {
      if (!std::isfinite(t.value[i])) throw error_at(where + " node " + std::to_string(i), "has a leaf value that is not finite");
      continue;
    }
    if (static_cast<size_t>(t.feature[i]) >= features) throw error_at(where + " node " + std::to_string(i), "splits on feature " + std::to_string(t.feature[i]) + " of " + std::to_string(features));
    if (!std::isfinite(t.threshold[i])) throw error_at(where + " node " + std::to_string(i), "has a threshold that is not finite");
    for (int32_t c : {t.left[i], t.right[i]})
      if (c <= static_cast<int32_t>(i) || static_cast<size_t>(c) >= n || ++parents[static_cast<size_t>(c)] > 1)
        throw error_at(where + " node " + std::to_string(i), "has a child that is not a later node of its own (the nodes must form a tree)");
  }
  for (size_t i = 1; i < n; ++i)
    if (parents[i] != 1) throw error_at(where + " node " + std::to_string(i), "is not reachable from the root");
}

double number_text(const json& j, const std::string& where) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {  // XGBoost writes model parameters as strings ("5E-1")
    const std::string s = j.get<std::string>();
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (!s.empty() && *end == 0 && std::isfinite(v)) return v;
  }
  throw error_at(where, "must be a number");
}

const json& at(const json& j, const char* key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) throw error_at(where + "." + key, "is missing");
  return j[key];
}

size_t count(const json& j, const std::string& where, size_t lo, size_t hi) {
  const double v = number_text(j, where);
  if (v != std::floor(v) || v < static_cast<double>(lo) || v > static_cast<double>(hi))
    throw error_at(where, "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  return static_cast<size_t>(v);
}

template <typename T>
std::vector<T> numbers(const json& j, const std::string& where, size_t n) {
  if (!j.is_array() || j.size() != n) throw error_at(where, "must be a list of " + std::to_string(n) + " numbers");
  std::vector<T> v;
  for (size_t i = 0; i < n; ++i) {
    if (!j[i].is_number()) throw error_at(where + "[" + std::to_string(i) + "]", "must be a number");
    // An index list holds whole numbers: a float there would be converted out of range (undefined behaviour).
    if (std::is_integral_v<T> && !j[i].is_number_integer()) throw error_at(where + "[" + std::to_string(i) + "]", "must be a whole number");
    v.push_back(j[i].get<T>());
  }
  return v;
}

void finish(ForeignModel& m, const std::string& file) {
  if (m.trees.empty() || m.trees.size() > kMaxTrees) throw error_at(file, "must hold 1 to " + std::to_string(kMaxTrees) + " trees");
  if (m.trees.size() % m.outputs) throw error_at(file, "holds " + std::to_string(m.trees.size()) + " trees, not whole rounds of " + std::to_string(m.outputs));
  for (size_t t = 0; t < m.trees.size(); ++t) check_tree(m.trees[t], m.features, file + ": tree " + std::to_string(t));
}

}  // namespace

ForeignModel parse_xgboost_json(const std::string& bytes, const std::string& file) {
  json j;
  try {
    j = json::parse(bytes);
  } catch (const json::exception&) {
    throw error_at(file, "is not JSON; save the XGBoost model with save_model(\"model.json\")");
  }
  ForeignModel m;
  m.format = "xgboost-json";
  m.strict = true;
  const std::string w = file + ": learner";
  const json& learner = at(j, "learner", file);
  const json& param = at(learner, "learner_model_param", w);
  m.features = count(at(param, "num_feature", w + ".learner_model_param"), w + ".learner_model_param.num_feature", 1, kMaxFeatures);
  const size_t num_class = param.contains("num_class") ? count(param["num_class"], w + ".learner_model_param.num_class", 0, kMaxOutputs) : 0;
  double base = param.contains("base_score") ? number_text(param["base_score"], w + ".learner_model_param.base_score") : 0.5;
  const json& objective = at(at(learner, "objective", w), "name", w + ".objective");
  const std::string obj = objective.is_string() ? objective.get<std::string>() : "";
  if (obj == "reg:squarederror" || obj == "reg:linear") {
    m.regression = true;
  } else if (obj == "binary:logistic" || obj == "binary:logitraw") {
    m.classes = 2;
    if (obj == "binary:logistic") {
      if (!(base > 0 && base < 1)) throw error_at(w + ".learner_model_param.base_score", "must be inside (0, 1) for binary:logistic");
      base = std::log(base / (1 - base));  // the margin XGBoost starts from
    }
  } else if (obj == "multi:softprob" || obj == "multi:softmax") {
    if (num_class < 2) throw error_at(w + ".learner_model_param.num_class", "must be 2 or more for " + obj);
    m.classes = num_class;
    m.outputs = num_class;
  } else {
    throw error_at(w + ".objective.name", "'" + obj + "' is not supported; use reg:squarederror, binary:logistic or multi:softprob");
  }
  m.base.assign(m.outputs, base);
  const json& booster = at(learner, "gradient_booster", w);
  if (at(booster, "name", w + ".gradient_booster") != "gbtree") throw error_at(w + ".gradient_booster.name", "must be gbtree (dart and gblinear are not supported)");
  const json& model = at(booster, "model", w + ".gradient_booster");
  const json& gp = at(model, "gbtree_model_param", w + ".gradient_booster.model");
  if (gp.contains("num_parallel_tree") && count(gp["num_parallel_tree"], w + ".gbtree_model_param.num_parallel_tree", 1, 1000) != 1)
    throw error_at(w + ".gbtree_model_param.num_parallel_tree", "must be 1 (boosted random forests are not supported)");
  const json& trees = at(model, "trees", w + ".gradient_booster.model");
  if (!trees.is_array() || trees.size() > kMaxTrees) throw error_at(w + ".gradient_booster.model.trees", "must be a list of trees");
  const json& info = at(model, "tree_info", w + ".gradient_booster.model");
  const auto tree_info = numbers<int64_t>(info, w + ".gradient_booster.model.tree_info", trees.size());
  for (size_t t = 0; t < trees.size(); ++t) {
    const std::string tw = file + ": tree " + std::to_string(t);
    if (tree_info[t] != static_cast<int64_t>(t % m.outputs)) throw error_at(tw, "is for class " + std::to_string(tree_info[t]) + "; trees must go round by round, one per class");
    const json& tj = trees[t];
    const json& lc = at(tj, "left_children", tw);
    if (!lc.is_array() || lc.empty() || lc.size() > kMaxNodes) throw error_at(tw + ".left_children", "must be a list of 1 to " + std::to_string(kMaxNodes) + " nodes");
    const size_t n = lc.size();
    ForeignTree ft;
    const auto left = numbers<int64_t>(lc, tw + ".left_children", n), right = numbers<int64_t>(at(tj, "right_children", tw), tw + ".right_children", n),
               index = numbers<int64_t>(at(tj, "split_indices", tw), tw + ".split_indices", n);
    const auto cond = numbers<double>(at(tj, "split_conditions", tw), tw + ".split_conditions", n);
    if (tj.contains("split_type")) {
      const auto st = numbers<int64_t>(tj["split_type"], tw + ".split_type", n);
      if (std::any_of(st.begin(), st.end(), [](int64_t s) { return s != 0; })) throw error_at(tw + ".split_type", "categorical splits are not supported");
    }
    for (size_t i = 0; i < n; ++i) {
      const bool leaf = left[i] == -1;
      if (leaf != (right[i] == -1)) throw error_at(tw + " node " + std::to_string(i), "has one child; a node has two or none");
      if (!leaf && (index[i] < 0 || index[i] > static_cast<int64_t>(kMaxFeatures) || left[i] < 0 || right[i] < 0 ||
                    left[i] > static_cast<int64_t>(n) || right[i] > static_cast<int64_t>(n)))
        throw error_at(tw + " node " + std::to_string(i), "has a child or feature index out of range");
      ft.feature.push_back(leaf ? -1 : static_cast<int32_t>(index[i]));
      ft.left.push_back(leaf ? -1 : static_cast<int32_t>(left[i]));
      ft.right.push_back(leaf ? -1 : static_cast<int32_t>(right[i]));
      ft.threshold.push_back(leaf ? 0 : cond[i]);
      ft.value.push_back(leaf ? cond[i] : 0);  // a leaf's split_condition is its value
    }
    m.trees.push_back(std::move(ft));
  }
  finish(m, file);
  return m;
}

ForeignModel parse_lightgbm_text(const std::string& bytes, const std::string& file) {
  ForeignModel m;
  m.format = "lightgbm-text";
  m.strict = false;
  std::istringstream in(bytes);
  std::string line;
  std::map<std::string, std::string> header;
  std::vector<std::map<std::string, std::string>> trees;
  size_t line_no = 0;
  bool seen_tree_header = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_no == 1) {
      if (line != "tree") throw error_at(file + ":1", "is not a LightGBM text model (its first line must be \"tree\"); save it with save_model(\"model.txt\")");
      continue;
    }
    if (line == "end of trees") break;
    if (line.rfind("Tree=", 0) == 0) {
      trees.emplace_back();
      seen_tree_header = true;
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    (seen_tree_header ? trees.back() : header)[line.substr(0, eq)] = line.substr(eq + 1);
    if (trees.size() > kMaxTrees) throw error_at(file + ":" + std::to_string(line_no), "more than " + std::to_string(kMaxTrees) + " trees");
  }
  auto field = [&](const std::map<std::string, std::string>& kv, const std::string& key, const std::string& where) -> const std::string& {
    auto it = kv.find(key);
    if (it == kv.end()) throw error_at(where, key + " is missing");
    return it->second;
  };
  auto whole = [&](const std::string& s, const std::string& where, size_t lo, size_t hi) {
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end || v < static_cast<long long>(lo) || v > static_cast<long long>(hi))
      throw error_at(where, "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    return static_cast<size_t>(v);
  };
  m.features = whole(field(header, "max_feature_idx", file), file + ": max_feature_idx", 0, kMaxFeatures - 1) + 1;
  const size_t per_round = whole(field(header, "num_tree_per_iteration", file), file + ": num_tree_per_iteration", 1, kMaxOutputs);
  const std::string objective = field(header, "objective", file);
  const std::string obj = objective.substr(0, objective.find(' '));
  if (obj == "regression" || obj == "regression_l2") {
    m.regression = true;
  } else if (obj == "binary") {
    if (objective.find("sigmoid:1") == std::string::npos) throw error_at(file + ": objective", "binary needs sigmoid:1 (the default)");
    m.classes = 2;
  } else if (obj == "multiclass") {
    m.classes = per_round;
    m.outputs = per_round;
    if (per_round < 2) throw error_at(file + ": num_tree_per_iteration", "must be the class count (2 or more) for multiclass");
  } else {
    throw error_at(file + ": objective", "'" + obj + "' is not supported; use regression, binary or multiclass");
  }
  if (m.outputs != per_round) throw error_at(file + ": num_tree_per_iteration", "must be " + std::to_string(m.outputs) + " for " + obj);
  m.base.assign(m.outputs, 0.0);
  for (size_t t = 0; t < trees.size(); ++t) {
    const std::string tw = file + ": Tree=" + std::to_string(t);
    const auto& kv = trees[t];
    const size_t leaves = whole(field(kv, "num_leaves", tw), tw + " num_leaves", 1, kMaxNodes / 2);
    if (kv.count("num_cat") && kv.at("num_cat") != "0") throw error_at(tw + " num_cat", "categorical splits are not supported");
    auto list = [&](const std::string& key, size_t n) {
      std::vector<double> v;
      std::istringstream s(n ? field(kv, key, tw) : std::string());
      std::string tok;
      while (s >> tok) {
        char* end = nullptr;
        const double d = std::strtod(tok.c_str(), &end);
        if (*end || !std::isfinite(d)) throw error_at(tw + " " + key, "'" + tok.substr(0, 40) + "' is not a number");
        v.push_back(d);
        if (v.size() > n) break;
      }
      if (v.size() != n) throw error_at(tw + " " + key, "must hold " + std::to_string(n) + " numbers");
      return v;
    };
    const size_t internal = leaves - 1;
    const auto value = list("leaf_value", leaves);
    const auto feature = list("split_feature", internal), threshold = list("threshold", internal), left = list("left_child", internal),
               right = list("right_child", internal);
    const auto decision = internal && kv.count("decision_type") ? list("decision_type", internal) : std::vector<double>(internal, 2);
    // Internal nodes 0..internal-1 then leaves internal..: child c >= 0 is node c, c < 0 is leaf ~c.
    ForeignTree ft;
    const size_t n = internal + leaves;
    ft.feature.assign(n, -1), ft.left.assign(n, -1), ft.right.assign(n, -1), ft.threshold.assign(n, 0), ft.value.assign(n, 0);
    auto child = [&](double c, const std::string& where) {
      if (c != std::floor(c) || c >= static_cast<double>(internal) || c < -static_cast<double>(leaves)) throw error_at(where, "is out of range");
      return static_cast<int32_t>(c >= 0 ? c : internal + (-c - 1));
    };
    for (size_t i = 0; i < internal; ++i) {
      if (feature[i] < 0 || feature[i] >= static_cast<double>(m.features) || feature[i] != std::floor(feature[i]))
        throw error_at(tw + " split_feature", "index " + std::to_string(i) + " is out of range");
      if (static_cast<int>(decision[i]) & 1) throw error_at(tw + " decision_type", "categorical splits are not supported");
      ft.feature[i] = static_cast<int32_t>(feature[i]);
      ft.threshold[i] = threshold[i];
      ft.left[i] = child(left[i], tw + " left_child");
      ft.right[i] = child(right[i], tw + " right_child");
    }
    for (size_t l = 0; l < leaves; ++l) ft.value[internal + l] = value[l];
    m.trees.push_back(std::move(ft));
  }
  finish(m, file);
  return m;
}

bool looks_like_foreign_trees(const std::string& bytes) {
  if (bytes.rfind("tree\n", 0) == 0 || bytes.rfind("tree\r\n", 0) == 0) return true;
  const size_t first = bytes.find_first_not_of(" \t\r\n");
  return first != std::string::npos && bytes[first] == '{' && bytes.find("\"learner\"") != std::string::npos;
}

ForeignModel parse_foreign_trees(const std::string& bytes, const std::string& file) {
  if (bytes.rfind("tree", 0) == 0) return parse_lightgbm_text(bytes, file);
  return parse_xgboost_json(bytes, file);
}

std::vector<double> foreign_margins(const ForeignModel& m, const float* x) {
  std::vector<double> s = m.base;
  for (size_t t = 0; t < m.trees.size(); ++t) {
    const ForeignTree& tr = m.trees[t];
    size_t i = 0;
    while (tr.feature[i] >= 0) {
      const double v = x[tr.feature[i]];
      const bool left = m.strict ? v < tr.threshold[i] : v <= tr.threshold[i];
      i = static_cast<size_t>(left ? tr.left[i] : tr.right[i]);
    }
    s[t % m.outputs] += tr.value[i];
  }
  return s;
}

Ensemble to_ensemble(const ForeignModel& m, const std::vector<std::string>& labels, const float* x, size_t rows, QuantChanges* changes) {
  Ensemble e;
  e.kind = "gradient_boosting";
  e.regression = m.regression;
  e.labels = labels;
  if (e.regression ? labels.size() != 1 : labels.size() != m.classes)
    throw Error("the model predicts " + std::to_string(m.regression ? 1 : m.classes) + " outputs but " + std::to_string(labels.size()) + " labels were given");
  e.width = m.features;
  fit_input_map(e, x, rows);
  // A binary model's margin is class 1's one logit (class 0's is 0): one tree per round, as trained.
  const bool binary = !m.regression && m.classes == 2 && m.outputs == 1;
  e.single_logit = binary;
  e.base.assign(e.outputs(), 0.0f);
  for (size_t k = 0; k < m.outputs; ++k) e.base[binary ? 1 : k] = static_cast<float>(m.base[k]);
  for (size_t t = 0; t < m.trees.size(); ++t) {
    const ForeignTree& f = m.trees[t];
    Tree tr;
    tr.output = binary ? 1 : static_cast<int>(t % m.outputs);
    for (size_t i = 0; i < f.feature.size(); ++i) {
      Node n;
      if (f.feature[i] < 0) {
        n.value = static_cast<float>(f.value[i]);
      } else {
        const size_t ft = static_cast<size_t>(f.feature[i]);
        // The threshold's position among the codes (code k holds x * gain + offset in [k - 0.5, k + 0.5)): the
        // codes left of it go left, and the code it cuts goes to the side holding most of it, so T = floor(pos).
        const double pos = f.threshold[i] * e.gain[ft] + e.offset[ft];
        double code = std::floor(pos);
        if (e.gain[ft] == 0 && rows > 0) {  // a constant feature in calibration: every row on the side its value takes
          const double v = x[ft];
          code = (m.strict ? v < f.threshold[i] : v <= f.threshold[i]) ? 127 : -128;
        }
        n.feature = static_cast<int32_t>(ft);
        n.bin = static_cast<uint8_t>(std::clamp(code, -128.0, 127.0) + 128);
        n.left = f.left[i];
        n.right = f.right[i];
      }
      tr.nodes.push_back(n);
    }
    e.trees.push_back(std::move(tr));
  }
  calibrate_int8(e, x, rows);
  if (changes) {
    *changes = QuantChanges{};
    changes->rows = rows;
    const Tables tab = make_tables(e);
    const double tol = e.output_scale() / 2 + 1e-9;
    for (size_t r = 0; r < rows; ++r) {
      const float* row = x + r * e.width;
      const auto fm = foreign_margins(m, row);
      const auto q = dequantize(e, predict_int8(e, tab, row));
      if (e.regression) {
        changes->int8_changes += std::fabs(q[0] - fm[0]) > tol;
      } else {
        const size_t want = binary ? (fm[0] > 0 ? 1 : 0) : static_cast<size_t>(std::max_element(fm.begin(), fm.end()) - fm.begin());
        changes->int8_changes += static_cast<size_t>(std::max_element(q.begin(), q.end()) - q.begin()) != want;
      }
      const auto fe = predict_float(e, row);  // mote's float model: code-edge thresholds, float leaves
      if (e.regression) changes->threshold_changes += std::fabs(fe[0] - fm[0]) > tol;
      else {
        const size_t want = binary ? (fm[0] > 0 ? 1 : 0) : static_cast<size_t>(std::max_element(fm.begin(), fm.end()) - fm.begin());
        changes->threshold_changes += static_cast<size_t>(std::max_element(fe.begin(), fe.end()) - fe.begin()) != want;
      }
    }
  }
  return e;
}

}  // namespace mote::learn::trees
