// A 2-D view of the feature space (the feature explorer): PCA on standardised features.
#pragma once

#include <vector>

#include "impulse/features.h"

namespace mote {

struct Projection {
  std::vector<float> xy;           // rows x 2
  double explained[2] = {0, 0};    // share of the variance each axis explains
};

// Standardises each feature (zero mean, unit variance) and projects onto the first two principal
// components (Eigen). Mean, variance and components are fitted on the training windows (all windows when
// fewer than two are training), so test-only data such as anomalies is shown without bending the axes.
// Wide tables use the Gram matrix of at most 2000 rows, so images stay cheap.
Projection project_2d(const FeatureTable& t);

}  // namespace mote
