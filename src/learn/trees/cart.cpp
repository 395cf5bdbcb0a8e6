#include "learn/trees/cart.h"

#include <algorithm>
#include <cmath>

namespace mote::learn::trees {

size_t Tree::internal_nodes() const {
  return static_cast<size_t>(std::count_if(nodes.begin(), nodes.end(), [](const Node& n) { return n.feature >= 0; }));
}

int Tree::depth() const {
  std::vector<int> d(nodes.size(), 0);
  int deepest = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    deepest = std::max(deepest, d[i]);
    if (nodes[i].feature >= 0) d[nodes[i].left] = d[nodes[i].right] = d[i] + 1;
  }
  return deepest;
}

namespace {

// Per-bin statistics: classification keeps `classes` weighted counts, second order keeps (G, H); both keep
// the row count for min_samples_leaf.
struct Builder {
  const Binned& x;
  const Targets& t;
  const CartParams& p;
  std::mt19937_64& rng;
  Tree tree;
  bool classify;
  size_t width;  // statistics per bin besides the count
  std::vector<double> hist, left, total;
  std::vector<uint32_t> hcount;
  std::vector<uint32_t> features;

  Builder(const Binned& x_, const Targets& t_, const CartParams& p_, std::mt19937_64& rng_)
      : x(x_), t(t_), p(p_), rng(rng_), classify(p_.criterion != Criterion::SecondOrder),
        width(classify ? static_cast<size_t>(t_.classes) : 2) {
    hist.resize(256 * width), left.resize(width), total.resize(width), hcount.resize(256);
    features.resize(x.features);
    for (size_t f = 0; f < x.features; ++f) features[f] = static_cast<uint32_t>(f);
  }

  void add(double* s, uint32_t r) const {
    if (classify) {
      const int c = t.y[r];
      s[c] += t.class_weight ? t.class_weight[c] : 1.0;
    } else {
      s[0] += t.g[r], s[1] += t.h[r];
    }
  }

  // Impurity x weight (lower is better) for classification; minus the second-order score otherwise.
  double cost(const double* s) const {
    if (!classify) return -(s[0] * s[0]) / (s[1] + p.lambda + 1e-300);
    double w = 0;
    for (size_t k = 0; k < width; ++k) w += s[k];
    if (w <= 0) return 0;
    double v = 0;
    if (p.criterion == Criterion::Gini) {
      for (size_t k = 0; k < width; ++k) v += s[k] * s[k];
      return w - v / w;
    }
    for (size_t k = 0; k < width; ++k)
      if (s[k] > 0) v -= s[k] * std::log(s[k] / w);
    return v;
  }

  float leaf_value(const double* s) const {
    if (!classify) return static_cast<float>(-s[0] / (s[1] + p.lambda + 1e-300));
    return static_cast<float>(std::max_element(s, s + width) - s);  // ties: the lowest class
  }

  int32_t build(std::vector<uint32_t>& rows, int depth) {
    const int32_t id = static_cast<int32_t>(tree.nodes.size());
    tree.nodes.push_back(Node{});
    std::fill(total.begin(), total.end(), 0.0);
    for (uint32_t r : rows) add(total.data(), r);
    const std::vector<double> all = total;
    tree.nodes[id].value = leaf_value(all.data());
    if (classify) {  // the leaf's class shares (soft votes); cleared again if the node splits
      double w = 0;
      for (double v : all) w += v;
      for (double v : all) tree.nodes[id].proba.push_back(static_cast<float>(w > 0 ? v / w : 0.0));
    }
    const size_t msl = static_cast<size_t>(std::max(1, p.min_samples_leaf));
    if (depth >= p.max_depth || rows.size() < 2 * msl) return id;
    const double parent = cost(all.data());
    if (classify && parent <= 1e-12) return id;  // pure

    // The features tried here: a partial Fisher-Yates draw (rng() % n, portable and deterministic).
    size_t tries = x.features;
    if (p.max_features > 0 && static_cast<size_t>(p.max_features) < x.features) {
      tries = static_cast<size_t>(p.max_features);
      for (size_t i = 0; i < tries; ++i) std::swap(features[i], features[i + rng() % (x.features - i)]);
    }
    double best_gain = 1e-12 * std::max(1.0, std::fabs(parent));
    int32_t best_f = -1;
    uint8_t best_bin = 0;
    std::vector<uint32_t> tried(features.begin(), features.begin() + static_cast<long>(tries));
    std::sort(tried.begin(), tried.end());  // ties go to the lowest feature, whatever the draw order
    for (uint32_t f : tried) {
      const uint8_t* col = x.column(f);
      std::fill(hist.begin(), hist.end(), 0.0);
      std::fill(hcount.begin(), hcount.end(), 0u);
      for (uint32_t r : rows) add(&hist[col[r] * width], r), ++hcount[col[r]];
      std::fill(left.begin(), left.end(), 0.0);
      std::vector<double> right(width);
      size_t nl = 0;
      int last = -1;  // the last non-empty bin on the left
      for (int b = 0; b < 256; ++b) {
        if (!hcount[b]) continue;
        if (last >= 0 && nl >= msl && rows.size() - nl >= msl) {
          for (size_t k = 0; k < width; ++k) right[k] = all[k] - left[k];
          const double gain = parent - cost(left.data()) - cost(right.data());
          if (gain > best_gain) best_gain = gain, best_f = static_cast<int32_t>(f), best_bin = static_cast<uint8_t>((last + b) / 2);
        }
        for (size_t k = 0; k < width; ++k) left[k] += hist[b * width + k];
        nl += hcount[b];
        last = b;
      }
    }
    if (best_f < 0) return id;
    std::vector<uint32_t> lo, hi;
    const uint8_t* col = x.column(static_cast<size_t>(best_f));
    for (uint32_t r : rows) (col[r] <= best_bin ? lo : hi).push_back(r);
    rows.clear();
    rows.shrink_to_fit();
    tree.nodes[id].feature = best_f;
    tree.nodes[id].proba.clear();
    tree.nodes[id].bin = best_bin;
    const int32_t l = build(lo, depth + 1);
    tree.nodes[id].left = l;
    const int32_t r = build(hi, depth + 1);
    tree.nodes[id].right = r;
    return id;
  }
};

}  // namespace

Tree fit_tree(const Binned& x, std::vector<uint32_t> rows, const Targets& t, const CartParams& p, std::mt19937_64& rng) {
  Builder b(x, t, p, rng);
  b.build(rows, 0);
  return std::move(b.tree);
}

}  // namespace mote::learn::trees
