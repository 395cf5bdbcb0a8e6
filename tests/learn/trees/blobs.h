// Seeded synthetic data for the tree tests: `classes` Gaussian blobs in `width` dimensions (only the first
// three dimensions separate them, the rest is noise at another scale), and y = sin(x0) + x1^2 + noise.
#pragma once

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "learn/trees/block.h"

namespace mote::test {

struct Blobs {
  std::vector<float> x;
  std::vector<std::string> labels;
  std::vector<float> target;
  size_t rows = 0, width = 0;
};

inline Blobs make_blobs(size_t rows, size_t width, int classes, uint64_t seed) {
  Blobs b;
  b.rows = rows, b.width = width;
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> n(0, 1);
  for (size_t r = 0; r < rows; ++r) {
    const int c = static_cast<int>(r % static_cast<size_t>(classes));
    for (size_t f = 0; f < width; ++f) {
      float v = n(rng);
      if (f < 3) v += 2.5f * std::cos(static_cast<float>(c * 2 + static_cast<int>(f)));
      else v *= 40.0f;  // another unit: the per-feature int8 map must cope
      b.x.push_back(v);
    }
    b.labels.push_back("c" + std::to_string(c));
    const float* row = &b.x[r * width];
    b.target.push_back(std::sin(row[0]) + row[1] * row[1] + 0.05f * n(rng));
  }
  return b;
}

// Trains a `type` block (random_forest, gradient_boosting) on the blobs: their classes, or with `regression`
// their targets.
inline learn::trees::TreeTrained fit_blobs(const std::string& type, const Blobs& b, nlohmann::json params, bool regression = false) {
  if (regression) params["task"] = "regression";
  learn::trees::TreeData d{b.x.data(), b.rows, b.width, b.labels};
  if (regression) {
    d.labels.clear();
    for (float v : b.target) d.labels.push_back(std::to_string(v));
  }
  return learn::trees::train_trees(learn::trees::parse_tree_config(type, params, b.width, "b"), d, "b");
}

}  // namespace mote::test
