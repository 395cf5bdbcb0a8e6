#include "anomaly/gmm.h"

#include "dsp/fastmath.h"

namespace mote {
namespace anomaly {

Status gmm_score_f32(const GmmModel& m, const float* input, size_t input_len, float* score) {
  if (!input || !score || !m.mean || !m.inv_scale || !m.means || !m.factors || !m.log_norm || m.dim == 0 ||
      m.components == 0)
    return MOTE_ERR_ARG;
  if (m.dim > kGmmMaxDim || m.components > kGmmMaxComponents) return MOTE_ERR_UNSUPPORTED;
  float z[kGmmMaxDim], d[kGmmMaxDim], logp[kGmmMaxComponents];
  for (uint16_t i = 0; i < m.dim; ++i) {
    size_t at = m.select ? m.select[i] : i;
    if (at >= input_len) return MOTE_ERR_SHAPE;
    z[i] = (input[at] - m.mean[i]) * m.inv_scale[i];
  }
  float top = 0.0f;
  for (uint16_t k = 0; k < m.components; ++k) {
    const float* mu = m.means + static_cast<size_t>(k) * m.dim;
    for (uint16_t i = 0; i < m.dim; ++i) d[i] = z[i] - mu[i];
    float q = 0.0f;
    if (m.full) {
      const float* u = m.factors + static_cast<size_t>(k) * m.dim * m.dim;
      for (uint16_t r = 0; r < m.dim; ++r) {
        float v = 0.0f;
        for (uint16_t c = r; c < m.dim; ++c) v += u[static_cast<size_t>(r) * m.dim + c] * d[c];
        q += v * v;
      }
    } else {
      const float* u = m.factors + static_cast<size_t>(k) * m.dim;
      for (uint16_t i = 0; i < m.dim; ++i) {
        float v = u[i] * d[i];
        q += v * v;
      }
    }
    logp[k] = m.log_norm[k] - 0.5f * q;
    if (k == 0 || logp[k] > top) top = logp[k];
  }
  float sum = 0.0f;
  for (uint16_t k = 0; k < m.components; ++k) sum += dsp::exp_f32(logp[k] - top);
  *score = -(top + dsp::log_f32(sum));
  return MOTE_OK;
}

}  // namespace anomaly
}  // namespace mote
