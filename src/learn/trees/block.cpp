#include "learn/trees/block.h"

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <map>
#include <set>

#include "core/error.h"
#include "learn/trees/boosting.h"
#include "learn/trees/forest.h"

using nlohmann::json;

namespace mote::learn::trees {

bool is_tree_type(const std::string& type) { return type == "random_forest" || type == "gradient_boosting"; }

const Param kParams[] = {
    {"task", "enum", 0, 0, "\"classification\"", "\"classification\"", "classification or regression (numeric labels)"},
    {"trees", "int", 1, 2000, "10", "50", "trees (forest; at most 255 with hard votes) or boosting rounds (a binary classifier: one tree per round)"},
    {"max_depth", "int", 1, 15, "8", "3", "deepest split level; a tree has at most 2^max_depth leaves"},
    {"min_samples_leaf", "int", 1, 1000000, "1", "1", "training rows on each side of a split, at least"},
    {"max_features", "max_features", 0, 65535, "\"sqrt\"", "\"all\"", "features tried per split: sqrt, all, or a count"},
    {"learning_rate", "number", 1e-4, 1, "-", "0.1", "boosting: each tree's shrinkage"},
    {"lambda", "number", 0, 1e6, "-", "1", "boosting: L2 penalty on leaf values"},
    {"criterion", "enum", 0, 0, "\"gini\"", "-", "forest classification: gini or entropy"},
    {"bootstrap", "bool", 0, 1, "true", "-", "forest: each tree on a bootstrap draw of the rows"},
    {"voting", "enum", 0, 0, "\"soft\"", "-", "forest classification: soft (mean of the leaves' class shares) or hard (one vote per tree)"},
    {"class_weights", "class_weights", 0, 1e6, "false", "false", "false, \"balanced\", or {label: weight}"},
    {"seed", "int", 0, 9007199254740991.0, "1", "1", "random seed; the same seed gives the same trees"},
    {"min_confidence", "number", 0, 1, "0.6", "0.6", "classification: below it a sample is \"uncertain\""},
    {"device_form", "enum", 0, 0, "\"auto\"", "\"auto\"", "device code: auto (the smaller in flash), tables or if-else"},
};
const size_t kParamCount = sizeof kParams / sizeof kParams[0];

std::string params_markdown() {
  std::string s = "| parameter | random_forest | gradient_boosting | range | meaning |\n|---|---|---|---|---|\n";
  for (const auto& p : kParams) {
    auto num = [](double v) {
      char buf[32];
      std::snprintf(buf, sizeof buf, v == std::floor(v) ? "%.0f" : "%g", v);
      return std::string(buf);
    };
    std::string range = std::string(p.kind) == "int" || std::string(p.kind) == "number" ? num(p.lo) + " to " + num(p.hi) : std::string(p.kind);
    s += std::string("| ") + p.name + " | " + p.forest_default + " | " + p.boosting_default + " | " + range + " | " + p.help + " |\n";
  }
  return s;
}

namespace {

const Param* find_param(const std::string& name) {
  for (const auto& p : kParams)
    if (name == p.name) return &p;
  return nullptr;
}

}  // namespace

TreeConfig parse_tree_config(const std::string& type, const json& params_in, size_t width, const std::string& where_in) {
  const std::string where = where_in + ".params";
  if (!is_tree_type(type)) throw error_at(where_in + ".type", "'" + type + "' is not a tree block; use random_forest or gradient_boosting");
  const json params = params_in.is_null() ? json::object() : params_in;
  if (!params.is_object()) throw error_at(where, "must be an object");
  const bool forest = type == "random_forest";
  for (auto& [k, v] : params.items()) {
    const Param* p = find_param(k);
    if (!p || std::string(forest ? p->forest_default : p->boosting_default) == "-")
      throw error_at(where + "." + k, std::string("is not a parameter of ") + type + "; see docs/trees.md");
  }
  // Every value: the user's or the table's default, checked against the table's range.
  auto raw = [&](const Param& p) { return params.contains(p.name) ? params[p.name] : json::parse(forest ? p.forest_default : p.boosting_default); };
  auto num = [&](const char* name) {
    const Param& p = *find_param(name);
    const json v = raw(p);
    if (!v.is_number()) throw error_at(where + "." + name, "must be a number");
    const double d = v.get<double>();
    if (!std::isfinite(d) || d < p.lo || d > p.hi) throw error_at(where + "." + name, "must be " + json(p.lo).dump() + " to " + json(p.hi).dump());
    if (std::string(p.kind) == "int" && d != std::floor(d)) throw error_at(where + "." + name, "must be a whole number");
    return d;
  };
  TreeConfig c;
  c.type = type;
  const json task = raw(*find_param("task"));
  if (task != "classification" && task != "regression") throw error_at(where + ".task", "must be \"classification\" or \"regression\"");
  c.regression = task == "regression";
  c.trees = static_cast<int>(num("trees"));
  if (forest) {
    const json v = raw(*find_param("voting"));
    if (v != "soft" && v != "hard") throw error_at(where + ".voting", "must be \"soft\" or \"hard\"");
    c.voting = v.get<std::string>();
  }
  if (forest && !c.regression && c.voting == "hard" && c.trees > 255) throw error_at(where + ".trees", "a hard-voting forest holds at most 255 trees");
  c.max_depth = static_cast<int>(num("max_depth"));
  c.min_samples_leaf = static_cast<int>(num("min_samples_leaf"));
  c.seed = static_cast<uint64_t>(num("seed"));
  c.min_confidence = num("min_confidence");
  const json mf = raw(*find_param("max_features"));
  if (mf == "sqrt") c.max_features = std::max(1, static_cast<int>(std::lround(std::sqrt(static_cast<double>(width)))));
  else if (mf == "all") c.max_features = 0;
  else if (mf.is_number_integer() && mf.get<int64_t>() >= 1 && mf.get<int64_t>() <= 65535) c.max_features = static_cast<int>(std::min<int64_t>(mf.get<int64_t>(), static_cast<int64_t>(width)));
  else throw error_at(where + ".max_features", "must be \"sqrt\", \"all\" or a whole number of features >= 1");
  c.max_features_rule = mf.is_string() ? mf.get<std::string>() : mf.dump();
  if (forest) {
    const json crit = raw(*find_param("criterion"));
    if (crit != "gini" && crit != "entropy") throw error_at(where + ".criterion", "must be \"gini\" or \"entropy\"");
    c.criterion = crit.get<std::string>();
    const json b = raw(*find_param("bootstrap"));
    if (!b.is_boolean()) throw error_at(where + ".bootstrap", "must be true or false");
    c.bootstrap = b.get<bool>();
  } else {
    c.learning_rate = num("learning_rate");
    c.lambda = num("lambda");
  }
  const json form = raw(*find_param("device_form"));
  if (form != "auto" && form != "tables" && form != "if-else") throw error_at(where + ".device_form", "must be \"auto\", \"tables\" or \"if-else\"");
  c.device_form = form.get<std::string>();
  c.class_weights = raw(*find_param("class_weights"));
  if (!(c.class_weights.is_boolean() || c.class_weights == "balanced" || c.class_weights.is_object()))
    throw error_at(where + ".class_weights", "must be false, true or \"balanced\", or {label: weight}");
  if (c.class_weights == true) c.class_weights = "balanced";
  if (c.class_weights.is_object())
    for (auto& [k, v] : c.class_weights.items())
      if (!v.is_number() || !(v.get<double>() > 0) || !std::isfinite(v.get<double>()) || v.get<double>() > 1e6)
        throw error_at(where + ".class_weights." + k, "must be a weight above 0 (at most 1e6)");
  if (c.regression && c.class_weights != false) throw error_at(where + ".class_weights", "applies to classification only");
  c.resolved = {{"task", c.regression ? "regression" : "classification"}, {"trees", c.trees}, {"max_depth", c.max_depth},
                {"min_samples_leaf", c.min_samples_leaf}, {"max_features", c.max_features_rule}, {"class_weights", c.class_weights},
                {"seed", c.seed}, {"device_form", c.device_form}};
  if (forest) c.resolved["criterion"] = c.criterion, c.resolved["bootstrap"] = c.bootstrap;
  if (forest && !c.regression) c.resolved["voting"] = c.voting;
  else c.resolved["learning_rate"] = c.learning_rate, c.resolved["lambda"] = c.lambda;
  if (!c.regression) c.resolved["min_confidence"] = c.min_confidence;
  return c;
}

namespace {

size_t argmax(const std::vector<float>& v) { return static_cast<size_t>(std::max_element(v.begin(), v.end()) - v.begin()); }

}  // namespace

QuantChanges count_quantization_changes(const Ensemble& e, const float* x, size_t rows) {
  QuantChanges c;
  c.rows = rows;
  const Tables t = make_tables(e);
  const double tol = e.output_scale() / 2 + 1e-9;
  for (size_t r = 0; r < rows; ++r) {
    const float* row = x + r * e.width;
    const auto f = predict_float(e, row);
    // (a) the same trees walked on the int8 codes, leaves as trained.
    const auto q = quantize_features(e, row);
    std::vector<double> s(e.outputs(), 0.0);
    if (!e.votes())
      for (size_t k = 0; k < s.size() && k < e.base.size(); ++k) s[k] = e.base[k];
    const double per_tree = e.kind == "random_forest" ? 1.0 / static_cast<double>(e.trees.size()) : 1.0;
    for (const auto& tr : e.trees) {
      const Node& n = tr.leaf([&](int32_t ft) { return static_cast<uint8_t>(q[static_cast<size_t>(ft)] + 128); });
      if (e.soft)
        for (size_t k = 0; k < s.size() && k < n.proba.size(); ++k) s[k] += n.proba[k] / static_cast<double>(e.trees.size());
      else if (e.votes()) s[static_cast<size_t>(n.value)] += 1.0 / static_cast<double>(e.trees.size());
      else s[static_cast<size_t>(tr.output)] += n.value * per_tree;
    }
    std::vector<float> a(s.begin(), s.end());
    const auto b = dequantize(e, predict_int8(e, t, row));
    if (e.regression) {
      c.threshold_changes += std::fabs(a[0] - f[0]) > 1e-6 * std::max(1.0f, std::fabs(f[0]));
      c.int8_changes += std::fabs(b[0] - f[0]) > tol;
    } else {
      c.threshold_changes += argmax(a) != argmax(f);
      c.int8_changes += argmax(b) != argmax(f);
    }
  }
  return c;
}

TreeTrained train_trees(const TreeConfig& cfg, const TreeData& d, const std::string& where) {
  if (d.rows == 0) throw error_at(where, "has no training windows");
  TreeTrained out;
  Ensemble& e = out.model;
  e.width = d.width;
  fit_input_map(e, d.x, d.rows);
  const Binned x = bin_features(e, d.x, d.rows);
  CartParams cart;
  cart.max_depth = cfg.max_depth;
  cart.min_samples_leaf = cfg.min_samples_leaf;
  cart.max_features = cfg.max_features;
  cart.criterion = cfg.criterion == "entropy" ? Criterion::Entropy : Criterion::Gini;
  std::vector<int> y;
  std::vector<float> target;
  if (cfg.regression) {
    e.labels = {"value"};
    for (size_t r = 0; r < d.rows; ++r) {
      const std::string& l = d.labels[r];
      char* end = nullptr;
      const double v = std::strtod(l.c_str(), &end);
      if (l.empty() || *end || !std::isfinite(v)) throw error_at(where, "label '" + l + "' is not a number; a regression needs numeric labels");
      target.push_back(static_cast<float>(v));
    }
  } else {
    std::set<std::string> seen(d.labels.begin(), d.labels.end());
    e.labels.assign(seen.begin(), seen.end());
    if (e.labels.size() < 2) throw error_at(where, "needs at least two labels in the training set; import more classes");
    if (e.labels.size() > 255) throw error_at(where, "has more than 255 labels");
    for (const auto& l : d.labels) y.push_back(static_cast<int>(std::lower_bound(e.labels.begin(), e.labels.end(), l) - e.labels.begin()));
  }
  std::vector<double> cw;
  if (!cfg.regression && cfg.class_weights != false) {
    cw.assign(e.labels.size(), 1.0);
    if (cfg.class_weights == "balanced") {
      std::vector<double> count(e.labels.size(), 0);
      for (int c : y) ++count[static_cast<size_t>(c)];
      for (size_t k = 0; k < cw.size(); ++k) cw[k] = static_cast<double>(d.rows) / (static_cast<double>(cw.size()) * std::max(1.0, count[k]));
    } else {
      for (auto& [k, v] : cfg.class_weights.items()) {
        auto it = std::lower_bound(e.labels.begin(), e.labels.end(), k);
        if (it == e.labels.end() || *it != k) throw error_at(where + ".params.class_weights." + k, "is not a label of the training set");
        cw[static_cast<size_t>(it - e.labels.begin())] = v.get<double>();
      }
    }
  }
  if (cfg.type == "random_forest") {
    ForestParams p;
    p.trees = cfg.trees, p.cart = cart, p.bootstrap = cfg.bootstrap, p.seed = cfg.seed, p.soft = cfg.voting == "soft";
    if (cfg.regression) fit_forest_regressor(e, x, target, p);
    else fit_forest_classifier(e, x, y, cw, p);
  } else {
    BoostParams p;
    p.rounds = cfg.trees, p.learning_rate = cfg.learning_rate, p.seed = cfg.seed, p.cart = cart;
    p.cart.lambda = cfg.lambda;
    if (cfg.regression) fit_boosting_regressor(e, x, target, p);
    else fit_boosting_classifier(e, x, y, cw, p);
  }
  calibrate_int8(e, d.x, d.rows);
  const Tables tables = make_tables(e);
  const QuantChanges qc = count_quantization_changes(e, d.x, d.rows);
  double right = 0, se = 0;
  for (size_t r = 0; r < d.rows; ++r) {
    const auto p = predict_float(e, d.x + r * d.width);
    if (cfg.regression) se += (p[0] - target[r]) * (p[0] - target[r]);
    else right += argmax(p) == static_cast<size_t>(y[r]);
  }
  int depth = 0;
  for (const auto& t : e.trees) depth = std::max(depth, t.depth());
  out.metrics = {{"params", cfg.resolved}, {"train_windows", d.rows}, {"features", d.width}, {"labels", e.labels},
                 {"trees", e.trees.size()}, {"decision_nodes", e.internal_nodes()}, {"depth", depth},
                 {"table_bytes", tables.const_bytes()},
                 {"quantization", {{"rows", qc.rows}, {"threshold_changes", qc.threshold_changes}, {"int8_changes", qc.int8_changes}}}};
  if (cfg.regression) out.metrics["rmse"] = std::sqrt(se / static_cast<double>(d.rows));
  else out.metrics["accuracy"] = right / static_cast<double>(d.rows);
  return out;
}

}  // namespace mote::learn::trees
