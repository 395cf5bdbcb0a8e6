#include "learn/trees/boosting.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "learn/trees/forest.h"

namespace mote::learn::trees {

namespace {

// Adds a tree's leaves (times `scale`) to every row's score for its output.
void apply(const Tree& t, const Binned& x, double scale, std::vector<double>& score, size_t outputs) {
  for (size_t r = 0; r < x.rows; ++r)
    score[r * outputs + static_cast<size_t>(t.output)] += scale * t.leaf([&](int32_t f) { return x.column(static_cast<size_t>(f))[r]; }).value;
}

void shrink(Tree& t, double rate) {
  for (auto& n : t.nodes)
    if (n.feature < 0) n.value = static_cast<float>(n.value * rate);
}

}  // namespace

void fit_boosting_classifier(Ensemble& e, const Binned& x, const std::vector<int>& y, const std::vector<double>& class_weight,
                             const BoostParams& p) {
  e.kind = "gradient_boosting";
  e.regression = false;
  e.trees.clear();
  const size_t k = e.labels.size(), n = x.rows;
  auto w = [&](size_t r) { return class_weight.empty() ? 1.0 : class_weight[static_cast<size_t>(y[r])]; };
  std::vector<double> share(k, 1e-6);
  for (size_t r = 0; r < n; ++r) share[static_cast<size_t>(y[r])] += w(r);
  const double total = std::accumulate(share.begin(), share.end(), 0.0);
  e.base.clear();
  for (size_t c = 0; c < k; ++c) e.base.push_back(static_cast<float>(std::log(share[c] / total)));
  e.single_logit = k == 2;
  if (e.single_logit) e.base = {0.0f, static_cast<float>(std::log(share[1] / share[0]))};  // class 0's logit stays 0
  std::vector<double> score(n * k), g(n), h(n), prob(n * k);
  for (size_t r = 0; r < n; ++r)
    for (size_t c = 0; c < k; ++c) score[r * k + c] = e.base[c];
  std::vector<uint32_t> all(n);
  std::iota(all.begin(), all.end(), 0u);
  CartParams cart = p.cart;
  cart.criterion = Criterion::SecondOrder;
  Targets t;
  t.g = g.data(), t.h = h.data();
  for (int round = 0; round < p.rounds; ++round) {
    for (size_t r = 0; r < n; ++r) {  // softmax of the scores before this round
      const double* s = &score[r * k];
      const double m = *std::max_element(s, s + k);
      double sum = 0;
      for (size_t c = 0; c < k; ++c) sum += prob[r * k + c] = std::exp(s[c] - m);
      for (size_t c = 0; c < k; ++c) prob[r * k + c] /= sum;
    }
    auto rng = tree_rng(p.seed, static_cast<uint64_t>(round));
    for (size_t c = e.single_logit ? 1 : 0; c < k; ++c) {  // softmax over (0, z) is the logistic loss on z
      for (size_t r = 0; r < n; ++r) {
        const double pr = prob[r * k + c];
        g[r] = w(r) * (pr - (static_cast<size_t>(y[r]) == c ? 1.0 : 0.0));
        h[r] = w(r) * std::max(pr * (1 - pr), 1e-6);
      }
      Tree tree = fit_tree(x, all, t, cart, rng);
      tree.output = static_cast<int>(c);
      shrink(tree, p.learning_rate);
      apply(tree, x, 1.0, score, k);
      e.trees.push_back(std::move(tree));
    }
  }
}

void fit_boosting_regressor(Ensemble& e, const Binned& x, const std::vector<float>& y, const BoostParams& p) {
  e.kind = "gradient_boosting";
  e.regression = true;
  e.trees.clear();
  const size_t n = x.rows;
  double mean = 0;
  for (float v : y) mean += v;
  mean /= std::max<size_t>(1, n);
  e.base = {static_cast<float>(mean)};
  std::vector<double> score(n, e.base[0]), g(n), h(n, 1.0);
  std::vector<uint32_t> all(n);
  std::iota(all.begin(), all.end(), 0u);
  CartParams cart = p.cart;
  cart.criterion = Criterion::SecondOrder;
  Targets t;
  t.g = g.data(), t.h = h.data();
  for (int round = 0; round < p.rounds; ++round) {
    for (size_t r = 0; r < n; ++r) g[r] = score[r] - y[r];
    auto rng = tree_rng(p.seed, static_cast<uint64_t>(round));
    Tree tree = fit_tree(x, all, t, cart, rng);
    shrink(tree, p.learning_rate);
    apply(tree, x, 1.0, score, 1);
    e.trees.push_back(std::move(tree));
  }
}

}  // namespace mote::learn::trees
