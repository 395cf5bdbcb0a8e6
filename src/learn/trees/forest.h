// Random forests: each tree on a bootstrap draw of the rows (with replacement, as many as there are),
// trying max_features features at every split; classification by soft votes (the mean of the leaves' class
// shares, as scikit-learn's predict_proba) or hard votes (leaf = its majority class, as emlearn's default),
// regression by the mean of the trees. Deterministic for a given seed: tree i
// draws from mt19937_64(seed, i) alone, so results do not depend on threads or order.
#pragma once

#include "learn/trees/cart.h"
#include "learn/trees/ensemble.h"

namespace mote::learn::trees {

struct ForestParams {
  int trees = 10;
  CartParams cart;      // criterion Gini/Entropy (classification); SecondOrder is set for regression
  bool bootstrap = true;
  bool soft = true;     // classification: soft or hard votes
  uint64_t seed = 1;
};

// e: labels, width and the input map set; x binned with it. Fills e.trees (kind random_forest).
void fit_forest_classifier(Ensemble& e, const Binned& x, const std::vector<int>& y, const std::vector<double>& class_weight,
                           const ForestParams& p);
void fit_forest_regressor(Ensemble& e, const Binned& x, const std::vector<float>& y, const ForestParams& p);

// The generator of tree `index` for `seed`.
std::mt19937_64 tree_rng(uint64_t seed, uint64_t index);

}  // namespace mote::learn::trees
