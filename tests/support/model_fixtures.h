// Random IR models shaped like the ones mote trains (seeded, so every run sees the same weights), shared
// by the quantization and code-generation tests and the Cortex-M4 model fixture tool.
#pragma once

#include <random>
#include <vector>

#include "ir/model.h"

namespace mote::test {

// Builds layers with N(0, 1/fan_in) weights from one seeded generator.
struct Builder {
  std::mt19937 rng{7};
  std::vector<float> normal(size_t n, float sd);
  ir::Layer dense(int units, int in, ir::Activation a = ir::Activation::None);
  ir::Layer conv(int units, int kh, int kw, int s, int cin, ir::Padding p, ir::Activation a);
  ir::Layer pool(ir::Op op, int kh, int kw, int s, ir::Padding p);
  ir::Layer simple(ir::Op op);
};

// Dense on 33 spectral features -> 3 classes (Edge Impulse's accelerometer demo shape), 1-D conv on
// 49x13 MFCC -> 4 classes, 2-D conv + depthwise on a 10x9x3 image -> 5 classes; shapes inferred.
std::vector<ir::Model> classifier_models();

// n inputs of N(0, 1) values for m.
std::vector<std::vector<float>> random_inputs(const ir::Model& m, int n, unsigned seed);

}  // namespace mote::test
