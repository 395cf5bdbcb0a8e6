#include "dsp/filters.h"

namespace mote {
namespace dsp {

size_t sosfilt_state_bytes(const BiquadCascade& f) { return 2u * f.sections * sizeof(float); }

void sosfilt_reset(const BiquadCascade& f, float* state) {
  for (uint16_t s = 0; s < f.sections; ++s) state[2 * s] = state[2 * s + 1] = 0.0f;
}

Status sosfilt_stream_f32(const BiquadCascade& f, const float* in, float* out, size_t n, size_t stride, float* state) {
  if ((f.sections && (!f.sos || !state)) || !in || !out || stride == 0) return MOTE_ERR_ARG;
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

Status sosfilt_f32(const BiquadCascade& f, const float* in, float* out, size_t n, size_t stride, float* state) {
  if (f.sections && !state) return MOTE_ERR_ARG;
  sosfilt_reset(f, state);
  return sosfilt_stream_f32(f, in, out, n, stride, state);
}

}  // namespace dsp
}  // namespace mote
