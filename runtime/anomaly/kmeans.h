// K-means anomaly score: features are standardized, the nearest centre found, and the distance to it divided
// by that cluster's radius (the RMS distance of its training members), so a typical training window scores
// about 1 and the threshold is a multiple of a cluster's own spread.
// Centres are int8 on one grid (step s, standardized units): the scorer measures in grid units,
//   u_i = (x_i - mean_i) * gain_i        gain_i = 1 / (feature i's std * s)
//   d2_k = sum_i (u_i - c_ik)^2           c_ik int8
//   score = sqrt(min_k d2_k) * inv_radius_k   inv_radius_k = s / radius_k
// so 16 clusters x 105 features take 1.7 kB of flash instead of 6.7 kB (learn/anomaly quantizes them).
#ifndef MOTE_ANOMALY_KMEANS_H
#define MOTE_ANOMALY_KMEANS_H

#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"

namespace mote {
namespace anomaly {

// Clusters scored per pass over the features (their running sums live on the stack: 4 bytes each).
const uint16_t kKmeansChunk = 16;

struct KmeansModel {
  uint16_t dim;             // features per window the scorer reads
  uint16_t clusters;        // >= 1
  const uint16_t* select;   // dim indices into the input vector, or null for input[0, dim)
  const float* mean;        // dim
  const float* gain;        // dim: standardization and grid step in one factor (see above)
  const int8_t* centers;    // dim x clusters, feature-major: centers[i * clusters + k], in grid steps
  const float* inv_radius;  // clusters: grid step / the cluster's radius
};

// input: input_len floats (the learning block's features); score: the anomaly score (>= 0).
Status kmeans_score_f32(const KmeansModel& m, const float* input, size_t input_len, float* score);

}  // namespace anomaly
}  // namespace mote

#endif  // MOTE_ANOMALY_KMEANS_H
