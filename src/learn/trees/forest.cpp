#include "learn/trees/forest.h"

namespace mote::learn::trees {

std::mt19937_64 tree_rng(uint64_t seed, uint64_t index) {
  std::seed_seq s{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32), static_cast<uint32_t>(index), 0x7265u};
  return std::mt19937_64(s);
}

namespace {

std::vector<uint32_t> draw(size_t n, bool bootstrap, std::mt19937_64& rng) {
  std::vector<uint32_t> rows(n);
  for (size_t i = 0; i < n; ++i) rows[i] = static_cast<uint32_t>(bootstrap ? rng() % n : i);
  return rows;
}

}  // namespace

void fit_forest_classifier(Ensemble& e, const Binned& x, const std::vector<int>& y, const std::vector<double>& class_weight,
                           const ForestParams& p) {
  e.kind = "random_forest";
  e.regression = false;
  e.soft = p.soft;
  e.trees.clear();
  e.base.clear();
  Targets t;
  t.y = y.data();
  t.classes = static_cast<int>(e.labels.size());
  t.class_weight = class_weight.empty() ? nullptr : class_weight.data();
  for (int i = 0; i < p.trees; ++i) {
    auto rng = tree_rng(p.seed, static_cast<uint64_t>(i));
    e.trees.push_back(fit_tree(x, draw(x.rows, p.bootstrap, rng), t, p.cart, rng));
  }
}

void fit_forest_regressor(Ensemble& e, const Binned& x, const std::vector<float>& y, const ForestParams& p) {
  e.kind = "random_forest";
  e.regression = true;
  e.trees.clear();
  e.base.clear();
  std::vector<double> g(y.size()), h(y.size(), 1.0);
  for (size_t i = 0; i < y.size(); ++i) g[i] = -static_cast<double>(y[i]);
  Targets t;
  t.g = g.data(), t.h = h.data();
  CartParams cart = p.cart;
  cart.criterion = Criterion::SecondOrder;
  cart.lambda = 0;
  for (int i = 0; i < p.trees; ++i) {
    auto rng = tree_rng(p.seed, static_cast<uint64_t>(i));
    e.trees.push_back(fit_tree(x, draw(x.rows, p.bootstrap, rng), t, cart, rng));
  }
}

}  // namespace mote::learn::trees
