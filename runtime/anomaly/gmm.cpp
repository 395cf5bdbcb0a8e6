#include "anomaly/gmm.h"

#include "dsp/fastmath.h"

namespace mote {
namespace anomaly {

Status gmm_score_f32(const GmmModel& m, const float* input, size_t input_len, float* score) {
  if (!input || !score || !m.mean || !m.inv_scale || !m.means || !m.factors || !m.log_norm || m.dim == 0 ||
      m.components == 0)
    return MOTE_ERR_ARG;
  if (m.dim > kGmmMaxDim || m.components > kGmmMaxComponents) return MOTE_ERR_UNSUPPORTED;
  for (uint16_t i = 0; i < m.dim; ++i)
    if ((m.select ? m.select[i] : i) >= input_len) return MOTE_ERR_SHAPE;
  float d[kGmmMaxDim];  // the only scratch: z - mu of the current component (1 kB at the maximum dim)
  // Online log-sum-exp: `top` is the largest log term so far and `sum` the sum of exp(term - top).
  float top = 0.0f, sum = 0.0f;
  for (uint16_t k = 0; k < m.components; ++k) {
    const float* mu = m.means + static_cast<size_t>(k) * m.dim;
    for (uint16_t i = 0; i < m.dim; ++i) d[i] = (input[m.select ? m.select[i] : i] - m.mean[i]) * m.inv_scale[i] - mu[i];
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
    float logp = m.log_norm[k] - 0.5f * q;
    if (k == 0) {
      top = logp;
      sum = 1.0f;
    } else if (logp > top) {
      sum = sum * dsp::exp_f32(top - logp) + 1.0f;
      top = logp;
    } else {
      sum += dsp::exp_f32(logp - top);
    }
  }
  *score = -(top + dsp::log_f32(sum));
  return MOTE_OK;
}

}  // namespace anomaly
}  // namespace mote
