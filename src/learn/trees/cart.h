// CART on binned features: every feature value is the int8 code the device computes (stored + 128 as a
// bin 0..255), so a split "code <= bin" is exactly what the device tests and threshold quantization changes
// no training prediction. Histogram split search (256 bins per feature), deterministic for a given rng.
// Two criteria: class impurity (Gini or entropy over weighted class counts; leaf = majority class) and
// second order (gradient g, hessian h per row; gain G_L^2/(H_L+l) + G_R^2/(H_R+l) - G^2/(H+l),
// leaf = -G/(H+l)), which is MSE regression with g = -y, h = 1, l = 0, and one boosting step otherwise.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace mote::learn::trees {

// Features as bins, column-major: bins[f * rows + r] = int8 code + 128.
struct Binned {
  size_t rows = 0, features = 0;
  std::vector<uint8_t> bins;
  const uint8_t* column(size_t f) const { return bins.data() + f * rows; }
};

// feature < 0: a leaf with value `value` (class index for classification trees). Otherwise go left when
// the feature's bin <= `bin` (code <= bin - 128). Nodes are in pre-order: children come after their parent.
struct Node {
  int32_t feature = -1;
  uint8_t bin = 0;
  int32_t left = -1, right = -1;
  float value = 0;
  std::vector<float> proba;  // classification leaves: the (weighted) share of each class among its rows
};

struct Tree {
  std::vector<Node> nodes;  // nodes[0] is the root
  int output = 0;           // sum models: the output (class) this tree adds to
  // The leaf reached by a row of bins (bin(f) gives feature f's bin).
  template <typename BinOf>
  const Node& leaf(BinOf&& bin) const {
    const Node* n = &nodes[0];
    while (n->feature >= 0) n = &nodes[bin(n->feature) <= n->bin ? n->left : n->right];
    return *n;
  }
  size_t internal_nodes() const;
  int depth() const;
};

enum class Criterion { Gini, Entropy, SecondOrder };

struct CartParams {
  Criterion criterion = Criterion::Gini;
  int max_depth = 8;          // the root is depth 0; a tree of depth d has at most 2^d leaves
  int min_samples_leaf = 1;   // rows (bootstrap duplicates counted) on each side of a split
  int max_features = 0;       // features tried per split, drawn afresh at every node; 0 = all
  double lambda = 0;          // second order: L2 on leaf values
};

// What the rows predict. Classification: y (class per row, < classes) and per-class weights (empty = 1).
// Second order: g and h per row.
struct Targets {
  const int* y = nullptr;
  int classes = 0;
  const double* class_weight = nullptr;
  const double* g = nullptr;
  const double* h = nullptr;
};

// Fits one tree on `rows` (indices into the binned data; duplicates weigh more, as a bootstrap draws them).
Tree fit_tree(const Binned& x, std::vector<uint32_t> rows, const Targets& t, const CartParams& p, std::mt19937_64& rng);

}  // namespace mote::learn::trees
