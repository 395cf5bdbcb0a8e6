#include "learn/label_suggest.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.h"
#include "learn/pipeline.h"

using nlohmann::json;

namespace mote::learn {

FeatureTable labelled_rows(FeatureTable t) {
  if (std::none_of(t.rows.begin(), t.rows.end(), [](const FeatureRow& r) { return r.label.empty(); })) return t;
  FeatureTable out;
  out.width = t.width;
  for (size_t i = 0; i < t.rows.size(); ++i) {
    if (t.rows[i].label.empty()) continue;
    out.rows.push_back(t.rows[i]);
    out.data.insert(out.data.end(), t.row(i), t.row(i) + t.width);
  }
  return out;
}

namespace {

struct Unlabelled {
  Sample meta;
  std::vector<size_t> rows;  // its windows in the feature table
};

json by_cluster(Project& p, const std::vector<Unlabelled>& todo) {
  ImpulseSpec spec = load_impulse(p);
  Impulse impulse(spec, impulse_axes(p, spec));
  FeatureTable t = generate_features(p.store(), impulse, SampleFilter{}, /*quiet=*/true);
  const size_t w = t.width;
  // Standardize on the labelled windows: a feature with a large unit must not decide alone.
  std::vector<double> mean(w, 0), sd(w, 0);
  size_t n = 0;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    if (t.rows[r].label.empty()) continue;
    ++n;
    for (size_t k = 0; k < w; ++k) mean[k] += t.row(r)[k];
  }
  if (n == 0) throw Error("suggest labels by cluster: no labelled windows to cluster around; label a few samples first");
  for (auto& m : mean) m /= n;
  for (size_t r = 0; r < t.rows.size(); ++r)
    if (!t.rows[r].label.empty())
      for (size_t k = 0; k < w; ++k) sd[k] += (t.row(r)[k] - mean[k]) * (t.row(r)[k] - mean[k]);
  for (auto& s : sd) s = std::sqrt(s / n) > 1e-12 ? std::sqrt(s / n) : 1.0;
  std::map<std::string, std::pair<std::vector<double>, size_t>> centres;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    if (t.rows[r].label.empty()) continue;
    auto& [c, count] = centres[t.rows[r].label];
    c.resize(w, 0);
    for (size_t k = 0; k < w; ++k) c[k] += (t.row(r)[k] - mean[k]) / sd[k];
    ++count;
  }
  for (auto& [label, cc] : centres)
    for (auto& v : cc.first) v /= cc.second;
  std::map<int64_t, std::vector<size_t>> rows_of;
  for (size_t r = 0; r < t.rows.size(); ++r) rows_of[t.rows[r].sample_id].push_back(r);
  json out = json::array();
  for (const auto& u : todo) {
    const auto& rows = rows_of[u.meta.id];
    if (rows.empty()) continue;  // shorter than a window: nothing to compare
    // Each window votes for its nearest centre; the sample takes the most voted label (ties: the nearer on
    // average) and the share of its windows that voted for it as the confidence.
    std::map<std::string, std::pair<size_t, double>> votes;  // label -> windows, summed distance
    for (size_t r : rows) {
      double best = INFINITY;
      const std::string* nearest = nullptr;
      for (const auto& [label, cc] : centres) {
        double d2 = 0;
        for (size_t k = 0; k < w; ++k) d2 += std::pow((t.row(r)[k] - mean[k]) / sd[k] - cc.first[k], 2);
        if (d2 < best) best = d2, nearest = &label;
      }
      auto& v = votes[*nearest];
      ++v.first, v.second += std::sqrt(best);
    }
    auto top = std::max_element(votes.begin(), votes.end(), [](const auto& a, const auto& b) {
      return a.second.first != b.second.first ? a.second.first < b.second.first
                                              : a.second.second / a.second.first > b.second.second / b.second.first;
    });
    const std::string label = top->first;
    const double conf = static_cast<double>(top->second.first) / rows.size();
    out.push_back({{"id", u.meta.id}, {"name", u.meta.name}, {"category", category_name(u.meta.category)},
                   {"label", label}, {"confidence", conf}, {"windows", rows.size()}});
  }
  return out;
}

json by_model(Project& p, const std::vector<Unlabelled>& todo, std::string* block) {
  ImpulseSpec spec = load_impulse(p);
  auto it = std::find_if(spec.learn.begin(), spec.learn.end(), [](const BlockSpec& b) { return b.type == "classifier"; });
  if (it == spec.learn.end())
    throw error_at("impulse.learn", "has no classifier to predict labels with; use the cluster method, or add and train a classifier");
  *block = it->name;
  // The impulse and the models are read and built once for the whole batch, not once per sample.
  const SampleClassifier classifier(p);  // throws saying to train when stale
  json out = json::array();
  for (const auto& u : todo) {
    json r = classifier.classify(p.store().get(u.meta.id, true));
    const json scores = r["summary"].value(*block, json::object()).value("scores", json::object());
    std::string label;
    double best = -1;
    for (auto& [l, v] : scores.items())  // the top label even when under min_confidence ("uncertain")
      if (v.get<double>() > best) best = v.get<double>(), label = l;
    out.push_back({{"id", u.meta.id}, {"name", u.meta.name}, {"category", category_name(u.meta.category)},
                   {"label", label}, {"confidence", best}, {"windows", r["windows"].size()}});
  }
  return out;
}

}  // namespace

json suggest_labels(Project& p, const std::string& method) {
  if (p.config()["impulse"].is_null()) throw error_at("impulse", "none designed yet; design and train one first (mote impulse, mote train)");
  if (method != "cluster" && method != "model") throw error_at("method", "'" + method + "' is not a way to suggest labels; use cluster or model");
  SampleFilter f;
  f.label = "";
  std::vector<Unlabelled> todo;
  for (auto& s : p.store().list(f)) todo.push_back({std::move(s), {}});
  json out = {{"method", method}};
  std::string block;
  json list = todo.empty() ? json::array() : method == "cluster" ? by_cluster(p, todo) : by_model(p, todo, &block);
  if (!block.empty()) out["block"] = block;
  std::stable_sort(list.begin(), list.end(), [](const json& a, const json& b) { return a["confidence"].get<double>() > b["confidence"].get<double>(); });
  out["suggestions"] = list;
  out["unlabelled"] = todo.size();
  return out;
}

}  // namespace mote::learn
