// Seeded synthetic data for the tree tests: `classes` Gaussian blobs in `width` dimensions (only the first
// three dimensions separate them, the rest is noise at another scale), and y = sin(x0) + x1^2 + noise.
#pragma once

#include <cmath>
#include <random>
#include <string>
#include <vector>

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

}  // namespace mote::test
