#include "dsp/filters.h"

namespace mote {
namespace dsp {

Status sosfilt_f32(const BiquadCascade& f, const float* in, float* out, size_t n, size_t stride, float* state) {
  if ((!f.sos && f.sections) || !in || !out || (f.sections && !state) || stride == 0) return MOTE_ERR_ARG;
  for (uint16_t s = 0; s < f.sections; ++s) state[2 * s] = state[2 * s + 1] = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    float x = in[i * stride];
    for (uint16_t s = 0; s < f.sections; ++s) {
      const float* c = f.sos + 6 * s;
      float* z = state + 2 * s;
      const float y = c[0] * x + z[0];
      z[0] = (c[1] * x - c[4] * y) + z[1];
      z[1] = c[2] * x - c[5] * y;
      x = y;
    }
    out[i * stride] = x;
  }
  return MOTE_OK;
}

}  // namespace dsp
}  // namespace mote
