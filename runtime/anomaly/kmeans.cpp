#include "anomaly/kmeans.h"

#include <math.h>

namespace mote {
namespace anomaly {

Status kmeans_score_f32(const KmeansModel& m, const float* input, size_t input_len, float* score) {
  if (!input || !score || !m.mean || !m.inv_scale || !m.centers || !m.inv_radius || m.dim == 0 || m.clusters == 0)
    return MOTE_ERR_ARG;
  for (uint16_t i = 0; i < m.dim; ++i) {
    size_t at = m.select ? m.select[i] : i;
    if (at >= input_len) return MOTE_ERR_SHAPE;
  }
  float best = 0.0f;
  uint16_t best_k = 0;
  for (uint16_t k = 0; k < m.clusters; ++k) {
    const float* c = m.centers + static_cast<size_t>(k) * m.dim;
    float d2 = 0.0f;
    for (uint16_t i = 0; i < m.dim; ++i) {
      float z = (input[m.select ? m.select[i] : i] - m.mean[i]) * m.inv_scale[i];
      float diff = z - c[i];
      d2 += diff * diff;
    }
    if (k == 0 || d2 < best) {
      best = d2;
      best_k = k;
    }
  }
  *score = sqrtf(best) * m.inv_radius[best_k];  // sqrtf is exactly rounded everywhere
  return MOTE_OK;
}

}  // namespace anomaly
}  // namespace mote
