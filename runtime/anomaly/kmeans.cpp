#include "anomaly/kmeans.h"

#include <math.h>

namespace mote {
namespace anomaly {

Status kmeans_score_f32(const KmeansModel& m, const float* input, size_t input_len, float* score) {
  if (!input || !score || !m.mean || !m.gain || !m.centers || !m.inv_radius || m.dim == 0 || m.clusters == 0)
    return MOTE_ERR_ARG;
  for (uint16_t i = 0; i < m.dim; ++i) {
    size_t at = m.select ? m.select[i] : i;
    if (at >= input_len) return MOTE_ERR_SHAPE;
  }
  float best = 0.0f;
  uint16_t best_k = 0;
  float d2[kKmeansChunk];
  // Each feature is standardized once per chunk of clusters, not once per cluster.
  for (uint16_t k0 = 0; k0 < m.clusters; k0 += kKmeansChunk) {
    const uint16_t kn = static_cast<uint16_t>(m.clusters - k0 < kKmeansChunk ? m.clusters - k0 : kKmeansChunk);
    for (uint16_t k = 0; k < kn; ++k) d2[k] = 0.0f;
    for (uint16_t i = 0; i < m.dim; ++i) {
      const float u = (input[m.select ? m.select[i] : i] - m.mean[i]) * m.gain[i];
      const int8_t* c = m.centers + static_cast<size_t>(i) * m.clusters + k0;
      for (uint16_t k = 0; k < kn; ++k) {
        const float diff = u - static_cast<float>(c[k]);
        d2[k] += diff * diff;
      }
    }
    for (uint16_t k = 0; k < kn; ++k) {
      if ((k0 == 0 && k == 0) || d2[k] < best) {
        best = d2[k];
        best_k = static_cast<uint16_t>(k0 + k);
      }
    }
  }
  *score = sqrtf(best) * m.inv_radius[best_k];  // sqrtf is exactly rounded everywhere
  return MOTE_OK;
}

}  // namespace anomaly
}  // namespace mote
