// K-means anomaly score: features are standardized ((x - mean) * inv_scale), the nearest centre found,
// and the distance to it divided by that cluster's radius (the RMS distance of its training members), so
// a typical training window scores about 1 and the threshold is a multiple of a cluster's own spread.
#ifndef MOTE_ANOMALY_KMEANS_H
#define MOTE_ANOMALY_KMEANS_H

#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"

namespace mote {
namespace anomaly {

struct KmeansModel {
  uint16_t dim;            // features per window the scorer reads
  uint16_t clusters;       // >= 1
  const uint16_t* select;  // dim indices into the input vector, or null for input[0, dim)
  const float* mean;       // dim
  const float* inv_scale;  // dim
  const float* centers;    // clusters x dim, row-major, in standardized units
  const float* inv_radius; // clusters
};

// input: input_len floats (the learning block's features); score: the anomaly score (>= 0).
Status kmeans_score_f32(const KmeansModel& m, const float* input, size_t input_len, float* score);

}  // namespace anomaly
}  // namespace mote

#endif  // MOTE_ANOMALY_KMEANS_H
