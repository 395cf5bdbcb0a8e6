#include "learn/trees/ensemble.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.h"
#include "nn/quantize_affine_s8.h"

using nlohmann::json;

namespace mote::learn::trees {

float Ensemble::output_scale() const {
  if (votes()) return soft ? 1.0f / 255.0f : 1.0f / static_cast<float>(trees.size());
  return static_cast<float>(std::ldexp(static_cast<double>(leaf_scale), shift));
}
int Ensemble::output_zero_point() const { return votes() ? -128 : zero_point; }

size_t Ensemble::internal_nodes() const {
  size_t n = 0;
  for (const auto& t : trees) n += t.internal_nodes();
  return n;
}

void fit_input_map(Ensemble& e, const float* x, size_t rows) {
  e.gain.assign(e.width, 0.0f), e.offset.assign(e.width, 0.0f);
  std::vector<float> v(rows);
  for (size_t f = 0; f < e.width; ++f) {
    for (size_t r = 0; r < rows; ++r) v[r] = x[r * e.width + f];
    std::sort(v.begin(), v.end());
    if (rows == 0) continue;
    const float lo = v[static_cast<size_t>(0.001 * static_cast<double>(rows - 1))];
    const float hi = v[static_cast<size_t>(std::ceil(0.999 * static_cast<double>(rows - 1)))];
    if (!(hi > lo) || !std::isfinite(hi - lo)) continue;
    const double g = 255.0 / (static_cast<double>(hi) - lo);
    e.gain[f] = static_cast<float>(g);
    e.offset[f] = static_cast<float>(-127.5 - lo * g);  // lo -> -127.5 (rounds away to -128), hi -> 127.5 (clamped to 127)
  }
}

std::vector<int8_t> quantize_features(const Ensemble& e, const float* x) {
  std::vector<int8_t> q(e.width);
  const nn::QuantizeAffineS8Params p{static_cast<int32_t>(e.width), static_cast<int32_t>(e.width), e.gain.data(),
                                     e.offset.data(), 0, nullptr};
  if (e.width == 0 || nn::quantize_affine_s8(p, x, q.data()) != MOTE_OK) throw Error("trees: the input map does not fit the features");
  return q;
}

Binned bin_features(const Ensemble& e, const float* x, size_t rows) {
  Binned b;
  b.rows = rows, b.features = e.width;
  b.bins.resize(rows * e.width);
  for (size_t r = 0; r < rows; ++r) {
    auto q = quantize_features(e, x + r * e.width);
    for (size_t f = 0; f < e.width; ++f) b.bins[f * rows + r] = static_cast<uint8_t>(q[f] + 128);
  }
  return b;
}

std::vector<double> raw_scores(const Ensemble& e, const float* x) {
  const size_t k = e.outputs();
  std::vector<double> s(k, 0.0);
  if (!e.votes())
    for (size_t i = 0; i < k && i < e.base.size(); ++i) s[i] = e.base[i];
  // The float split: x * gain + offset below the code's upper edge (bin - 128 + 0.5).
  auto bin_edge = [&](int32_t f, uint8_t bin) { return x[f] * e.gain[f] + e.offset[f] < static_cast<float>(bin) - 127.5f; };
  const double per_tree = e.kind == "random_forest" ? 1.0 / static_cast<double>(e.trees.size()) : 1.0;
  for (const auto& t : e.trees) {
    const Node* n = &t.nodes[0];
    while (n->feature >= 0) n = &t.nodes[bin_edge(n->feature, n->bin) ? n->left : n->right];
    if (e.soft) {
      for (size_t k = 0; k < n->proba.size() && k < s.size(); ++k) s[k] += n->proba[k];
    } else if (e.votes()) {
      s[static_cast<size_t>(n->value)] += 1;
    } else {
      s[static_cast<size_t>(t.output)] += n->value * per_tree;
    }
  }
  return s;
}

std::vector<uint8_t> leaf_shares(const std::vector<float>& proba) {
  std::vector<uint8_t> q(proba.size());
  std::vector<std::pair<double, size_t>> rest;  // (-fraction, class): the largest remainders first, lower class on ties
  int given = 0;
  for (size_t k = 0; k < proba.size(); ++k) {
    const double v = std::clamp(static_cast<double>(proba[k]), 0.0, 1.0) * kLeafShares;
    q[k] = static_cast<uint8_t>(std::floor(v));
    given += q[k];
    rest.push_back({-(v - std::floor(v)), k});
  }
  std::sort(rest.begin(), rest.end());
  for (size_t i = 0; given < kLeafShares && i < rest.size(); ++i, ++given) ++q[rest[i].second];
  return q;
}

size_t comparisons(const Ensemble& e, const std::vector<int8_t>& codes) {
  size_t n = 0;
  for (const auto& t : e.trees) {
    const Node* nd = &t.nodes[0];
    if (nd->feature < 0) ++n;
    while (nd->feature >= 0) {
      ++n;
      nd = &t.nodes[static_cast<int>(codes[static_cast<size_t>(nd->feature)]) + 128 <= nd->bin ? nd->left : nd->right];
    }
  }
  return n;
}

namespace {
std::vector<float> softmax(const std::vector<double>& z) {
  const double m = *std::max_element(z.begin(), z.end());
  double sum = 0;
  std::vector<float> p(z.size());
  for (double v : z) sum += std::exp(v - m);
  for (size_t i = 0; i < z.size(); ++i) p[i] = static_cast<float>(std::exp(z[i] - m) / sum);
  return p;
}
}  // namespace

std::vector<float> predict_float(const Ensemble& e, const float* x) {
  auto s = raw_scores(e, x);
  if (e.votes()) {
    std::vector<float> p(s.size());
    for (size_t i = 0; i < s.size(); ++i) p[i] = static_cast<float>(s[i] / static_cast<double>(e.trees.size()));
    return p;
  }
  if (!e.regression) return softmax(s);
  return {static_cast<float>(s[0])};
}

void calibrate_int8(Ensemble& e, const float* x, size_t rows) {
  if (e.votes()) return;
  const double per_tree = e.kind == "random_forest" ? 1.0 / static_cast<double>(e.trees.size()) : 1.0;
  double leaf_max = 0;
  for (const auto& t : e.trees)
    for (const auto& n : t.nodes)
      if (n.feature < 0) leaf_max = std::max(leaf_max, std::fabs(n.value * per_tree));
  for (float b : e.base) leaf_max = std::max(leaf_max, std::fabs(static_cast<double>(b)) / 256);  // bias is int32: room to spare
  e.leaf_scale = leaf_max > 0 ? static_cast<float>(leaf_max / 32767.0) : 1.0f;
  double lo = 0, hi = 0;
  for (size_t r = 0; r < rows; ++r)
    for (double v : raw_scores(e, x + r * e.width)) lo = std::min(lo, v), hi = std::max(hi, v);
  // Classifier logits: symmetric around 0 (zero point 0); a regression spans [lo, hi] with a zero point.
  const double span = e.regression ? (hi - lo) / 255.0 : std::max(-lo, hi) / 127.0;
  e.shift = 0;
  while (e.shift < 30 && std::ldexp(static_cast<double>(e.leaf_scale), e.shift) < span) ++e.shift;
  e.zero_point = 0;
  if (e.regression) e.zero_point = static_cast<int>(std::clamp(std::lround(-128.0 - lo / e.output_scale()), -128L, 127L));
}

Tables make_tables(const Ensemble& e) {
  Tables t;
  const bool votes = e.votes();
  const double per_tree = e.kind == "random_forest" ? 1.0 / static_cast<double>(e.trees.size()) : 1.0;
  size_t max_internal = 1, max_payload = 0;
  std::map<std::vector<uint8_t>, uint32_t> distributions;  // soft votes: shares -> index, shared by every tree
  if (e.soft) {
    const size_t k = e.outputs();
    for (size_t c = 0; c < k; ++c) {  // a pure leaf's index is its class, as a hard vote's
      std::vector<uint8_t> one(k, 0);
      one[c] = kLeafShares;
      distributions.emplace(one, static_cast<uint32_t>(c));
      t.leaf_proba.insert(t.leaf_proba.end(), one.begin(), one.end());
    }
    const uint64_t total = static_cast<uint64_t>(e.trees.size()) * kLeafShares;
    t.proba_mult = static_cast<uint32_t>(((255ull << Tables::kProbaShift) + total / 2) / total);
  }
  for (const auto& tr : e.trees) max_internal = std::max(max_internal, tr.internal_nodes());
  if (max_internal > 32767) throw Error("trees: a tree has more than 32767 decision nodes; lower max_depth");
  t.leaf_base = static_cast<uint16_t>(max_internal);
  for (const auto& tr : e.trees) {
    t.roots.push_back(static_cast<uint16_t>(t.feature.size()));
    if (t.feature.size() > 65535) throw Error("trees: more than 65535 decision nodes in all; use fewer or shallower trees");
    t.leaf_start.push_back(static_cast<uint16_t>(t.leaf_values.size()));
    // Internal nodes keep their pre-order; leaves become child codes.
    std::vector<int32_t> local(tr.nodes.size(), -1);
    int32_t internal = 0, leaves = 0;
    std::vector<uint32_t> code(tr.nodes.size());
    for (size_t i = 0; i < tr.nodes.size(); ++i) {
      const Node& n = tr.nodes[i];
      if (n.feature >= 0) {
        code[i] = static_cast<uint32_t>(internal++);
      } else if (e.soft) {
        const auto q = leaf_shares(n.proba);
        const auto it = distributions.emplace(q, static_cast<uint32_t>(distributions.size())).first;
        if (it->second * q.size() == t.leaf_proba.size()) t.leaf_proba.insert(t.leaf_proba.end(), q.begin(), q.end());
        code[i] = t.leaf_base + it->second;
      } else if (votes) {
        code[i] = t.leaf_base + static_cast<uint32_t>(n.value);
      } else {
        code[i] = t.leaf_base + static_cast<uint32_t>(leaves++);
        t.leaf_values.push_back(static_cast<int16_t>(std::clamp(std::lround(n.value * per_tree / e.leaf_scale), -32767L, 32767L)));
      }
      max_payload = std::max<size_t>(max_payload, code[i] - (n.feature >= 0 ? 0 : t.leaf_base));
    }
    if (internal == 0) {  // a single leaf: one decision that always goes left
      t.feature.push_back(0), t.threshold.push_back(127), t.left.push_back(static_cast<uint16_t>(code[0])),
          t.right.push_back(static_cast<uint16_t>(code[0]));
      continue;
    }
    for (size_t i = 0; i < tr.nodes.size(); ++i) {
      const Node& n = tr.nodes[i];
      if (n.feature < 0) continue;
      t.feature.push_back(static_cast<uint16_t>(n.feature));
      t.threshold.push_back(static_cast<int8_t>(static_cast<int>(n.bin) - 128));
      t.left.push_back(static_cast<uint16_t>(code[static_cast<size_t>(n.left)]));
      t.right.push_back(static_cast<uint16_t>(code[static_cast<size_t>(n.right)]));
    }
  }
  if (t.leaf_base + max_payload > 65535) throw Error("trees: too many leaves in one tree for 16-bit child codes; lower max_depth");
  if (t.leaf_values.size() > 65535) throw Error("trees: more than 65535 leaves in all; use fewer or shallower trees");
  if (!votes) {
    const double scale = std::ldexp(1.0, e.shift);
    for (size_t k = 0; k < e.outputs(); ++k) {
      double b = (k < e.base.size() ? e.base[k] : 0.0) / e.leaf_scale + e.zero_point * scale;
      t.bias.push_back(static_cast<int32_t>(std::clamp(std::llround(b), -(1LL << 30), 1LL << 30)));
    }
  }
  t.packed = t.leaf_base + max_payload < 256 && std::all_of(t.feature.begin(), t.feature.end(), [](uint16_t f) { return f < 256; });
  if (t.packed)
    for (size_t i = 0; i < t.feature.size(); ++i) t.words.push_back(mote::trees::tree_node_word(t.feature[i], t.threshold[i], t.left[i], t.right[i]));
  return t;
}

mote::trees::TreeEnsembleS8 Tables::kernel(const Ensemble& e) const {
  mote::trees::TreeEnsembleS8 k{};
  k.trees = static_cast<uint16_t>(roots.size());
  k.outputs = static_cast<uint16_t>(e.outputs());
  k.kind = e.soft ? mote::trees::kTreeProba : e.votes() ? mote::trees::kTreeVote : mote::trees::kTreeSum;
  k.leaf_base = leaf_base;
  k.roots = roots.data();
  if (packed) {
    k.nodes = words.data();
  } else {
    k.feature16 = feature.data(), k.threshold = threshold.data(), k.left16 = left.data(), k.right16 = right.data();
  }
  if (!e.votes()) {
    k.leaf_start = leaf_start.data(), k.leaf_values = leaf_values.data(), k.bias = bias.data(), k.shift = e.shift;
    k.sums = static_cast<uint16_t>(e.single_logit ? e.sums() : 0);
  }
  if (e.soft) k.leaf_proba = leaf_proba.data(), k.proba_mult = proba_mult, k.shift = kProbaShift;
  return k;
}

size_t Tables::const_bytes() const {
  size_t nodes = feature.size();
  size_t b = roots.size() * 2 + nodes * (packed ? 4 : 7);
  if (!bias.empty()) b += leaf_start.size() * 2 + leaf_values.size() * 2 + bias.size() * 4;
  return b + leaf_proba.size();
}

std::vector<int8_t> predict_int8(const Ensemble& e, const Tables& t, const float* x) {
  const auto q = quantize_features(e, x);
  std::vector<int8_t> out(e.outputs());
  std::vector<uint32_t> scratch(e.outputs());
  if (mote::trees::tree_ensemble_s8(t.kernel(e), q.data(), out.data(), scratch.data()) != MOTE_OK) throw Error("trees: the int8 tables are malformed");
  return out;
}

std::vector<float> dequantize(const Ensemble& e, const std::vector<int8_t>& q) {
  const double s = e.output_scale();
  const int zp = e.output_zero_point();
  std::vector<double> v(q.size());
  for (size_t i = 0; i < q.size(); ++i) v[i] = (q[i] - zp) * s;
  if (!e.votes() && !e.regression) return softmax(v);
  return std::vector<float>(v.begin(), v.end());
}

json to_json(const Ensemble& e) {
  json trees = json::array();
  for (const auto& t : e.trees) {
    json f = json::array(), b = json::array(), l = json::array(), r = json::array(), v = json::array(), p = json::array();
    for (const auto& n : t.nodes)
      f.push_back(n.feature), b.push_back(n.bin), l.push_back(n.left), r.push_back(n.right), v.push_back(n.value), p.push_back(n.proba);
    trees.push_back({{"output", t.output}, {"feature", f}, {"bin", b}, {"left", l}, {"right", r}, {"value", v}});
    if (e.soft) trees.back()["proba"] = p;  // per node: a leaf's class shares, [] for a decision node
  }
  json j = {{"format", "mote-trees-1"}, {"kind", e.kind}, {"task", e.regression ? "regression" : "classification"},
            {"labels", e.labels}, {"width", e.width}, {"input", {{"gain", e.gain}, {"offset", e.offset}}}, {"base", e.base},
            {"int8", {{"leaf_scale", e.leaf_scale}, {"shift", e.shift}, {"zero_point", e.zero_point}}}, {"trees", trees}};
  if (e.votes()) j["voting"] = e.soft ? "soft" : "hard";
  if (e.single_logit) j["logits"] = 1;
  return j;
}

namespace {

const json& field(const json& j, const char* key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) throw error_at(where + "." + key, "is missing");
  return j.at(key);
}

double number(const json& j, const std::string& where, double lo, double hi) {
  if (!j.is_number()) throw error_at(where, "must be a number");
  const double v = j.get<double>();
  if (!std::isfinite(v) || v < lo || v > hi) throw error_at(where, "is out of range");
  return v;
}

int64_t integer(const json& j, const std::string& where, int64_t lo, int64_t hi) {
  if (!j.is_number_integer()) throw error_at(where, "must be a whole number");
  const int64_t v = j.get<int64_t>();
  if (v < lo || v > hi) throw error_at(where, "must be " + std::to_string(lo) + " to " + std::to_string(hi));
  return v;
}

std::vector<float> floats(const json& j, const std::string& where, size_t n) {
  if (!j.is_array() || j.size() != n) throw error_at(where, "must be a list of " + std::to_string(n) + " numbers");
  std::vector<float> v;
  for (size_t i = 0; i < n; ++i) v.push_back(static_cast<float>(number(j[i], where + "[" + std::to_string(i) + "]", -3e38, 3e38)));
  return v;
}

}  // namespace

Ensemble from_json(const json& j, const std::string& where) {
  if (!j.is_object()) throw error_at(where, "must be an object");
  if (field(j, "format", where) != "mote-trees-1") throw error_at(where + ".format", "must be \"mote-trees-1\"");
  Ensemble e;
  const json& kind = field(j, "kind", where);
  if (kind != "random_forest" && kind != "gradient_boosting") throw error_at(where + ".kind", "must be random_forest or gradient_boosting");
  e.kind = kind.get<std::string>();
  const json& task = field(j, "task", where);
  if (task != "classification" && task != "regression") throw error_at(where + ".task", "must be classification or regression");
  e.regression = task == "regression";
  const json& labels = field(j, "labels", where);
  if (!labels.is_array() || labels.empty() || labels.size() > 255) throw error_at(where + ".labels", "must be a list of 1 to 255 names");
  for (const auto& l : labels) {
    if (!l.is_string()) throw error_at(where + ".labels", "must hold strings");
    e.labels.push_back(l.get<std::string>());
  }
  if (e.regression ? e.labels.size() != 1 : e.labels.size() < 2) throw error_at(where + ".labels", e.regression ? "must be one name for a regression" : "needs at least two classes");
  e.width = static_cast<size_t>(integer(field(j, "width", where), where + ".width", 1, 65535));
  const json& in = field(j, "input", where);
  e.gain = floats(field(in, "gain", where + ".input"), where + ".input.gain", e.width);
  e.offset = floats(field(in, "offset", where + ".input"), where + ".input.offset", e.width);
  const json& q = field(j, "int8", where);
  e.leaf_scale = static_cast<float>(number(field(q, "leaf_scale", where + ".int8"), where + ".int8.leaf_scale", 1e-30, 1e30));
  e.shift = static_cast<int>(integer(field(q, "shift", where + ".int8"), where + ".int8.shift", 0, 30));
  e.zero_point = static_cast<int>(integer(field(q, "zero_point", where + ".int8"), where + ".int8.zero_point", -128, 127));
  if (j.contains("voting")) {  // absent: hard votes (models stored before soft votes)
    if (!e.votes() || (j["voting"] != "soft" && j["voting"] != "hard"))
      throw error_at(where + ".voting", "must be \"soft\" or \"hard\", for a random_forest classifier only");
    e.soft = j["voting"] == "soft";
  }
  if (j.contains("logits")) {
    if (e.kind != "gradient_boosting" || e.regression || e.labels.size() != 2 || j["logits"] != 1)
      throw error_at(where + ".logits", "must be 1, for a two-class gradient_boosting classifier only");
    e.single_logit = true;
  }
  const json& trees = field(j, "trees", where);
  const size_t outs = e.outputs(), sums = e.sums(), first = outs - sums;
  if (!trees.is_array() || trees.empty() || trees.size() > 65535) throw error_at(where + ".trees", "must be a list of 1 to 65535 trees");
  if (e.votes() && trees.size() > (e.soft ? 2000u : 255u)) throw error_at(where + ".trees", e.soft ? "a soft-voting forest holds at most 2000 trees" : "a hard-voting forest holds at most 255 trees");
  e.base = j.contains("base") && !j["base"].empty() ? floats(j["base"], where + ".base", outs) : std::vector<float>{};
  for (size_t t = 0; t < trees.size(); ++t) {
    const std::string at = where + ".trees[" + std::to_string(t) + "]";
    const json& tj = trees[t];
    Tree tr;
    tr.output = static_cast<int>(integer(field(tj, "output", at), at + ".output", 0, static_cast<int64_t>(outs) - 1));
    if (!e.votes() && static_cast<size_t>(tr.output) != first + t % sums)
      throw error_at(at + ".output", e.single_logit ? "must be 1 (the one logit is class 1's)" : "must be the tree's index modulo the outputs (round-major)");
    const json& f = field(tj, "feature", at);
    if (!f.is_array() || f.empty() || f.size() > 1000000) throw error_at(at + ".feature", "must be a list of 1 to 1000000 nodes");
    const size_t n = f.size();
    for (const char* k : {"bin", "left", "right", "value"})
      if (!field(tj, k, at).is_array() || tj[k].size() != n) throw error_at(at + "." + k, "must have one entry per node");
    if (e.soft && (!field(tj, "proba", at).is_array() || tj["proba"].size() != n)) throw error_at(at + ".proba", "must have one entry per node");
    tr.nodes.resize(n);
    std::vector<int> parents(n, 0);
    for (size_t i = 0; i < n; ++i) {
      const std::string ni = "[" + std::to_string(i) + "]";
      Node& nd = tr.nodes[i];
      nd.feature = static_cast<int32_t>(integer(tj["feature"][i], at + ".feature" + ni, -1, static_cast<int64_t>(e.width) - 1));
      nd.value = static_cast<float>(number(tj["value"][i], at + ".value" + ni, -3e38, 3e38));
      if (nd.feature < 0) {
        if (e.votes() && (nd.value < 0 || nd.value >= static_cast<float>(outs) || nd.value != std::floor(nd.value)))
          throw error_at(at + ".value" + ni, "a voting leaf must be a class index");
        if (e.soft) {
          nd.proba = floats(tj["proba"][i], at + ".proba" + ni, outs);
          double total = 0;
          for (float v : nd.proba) {
            if (v < 0 || v > 1) throw error_at(at + ".proba" + ni, "must hold class shares from 0 to 1");
            total += v;
          }
          if (std::fabs(total - 1) > 1e-3) throw error_at(at + ".proba" + ni, "must hold class shares summing to 1");
        }
        continue;
      }
      nd.bin = static_cast<uint8_t>(integer(tj["bin"][i], at + ".bin" + ni, 0, 255));
      nd.left = static_cast<int32_t>(integer(tj["left"][i], at + ".left" + ni, static_cast<int64_t>(i) + 1, static_cast<int64_t>(n) - 1));
      nd.right = static_cast<int32_t>(integer(tj["right"][i], at + ".right" + ni, static_cast<int64_t>(i) + 1, static_cast<int64_t>(n) - 1));
      if (++parents[static_cast<size_t>(nd.left)] > 1 || ++parents[static_cast<size_t>(nd.right)] > 1 || nd.left == nd.right)
        throw error_at(at + ".left" + ni, "a node has two parents; the nodes must form a tree");
    }
    for (size_t i = 1; i < n; ++i)
      if (parents[i] != 1) throw error_at(at + ".feature[" + std::to_string(i) + "]", "is not reachable from the root");
    e.trees.push_back(std::move(tr));
  }
  if (!e.votes() && e.trees.size() % sums != 0) throw error_at(where + ".trees", "must hold whole rounds (a multiple of the outputs)");
  return e;
}

}  // namespace mote::learn::trees
