#include "dsp/flatten.h"

#include <math.h>  // sqrtf only: exactly rounded on every IEEE platform

namespace mote {
namespace dsp {

namespace {

// axis_moments, with (kExtrema) or without min and max. The pointer walks the axis; every value is
// x * scale (x * 1 is x, so an unscaled axis gets the same floats).
template <bool kExtrema>
void moments(const float* x, size_t n, size_t stride, float scale, Moments* m) {
  const float fn = static_cast<float>(n);
  const float* const end = x + n * stride;
  float sum = 0.0f, lo = x[0] * scale, hi = lo;
  for (const float* p = x; p != end; p += stride) {
    const float v = *p * scale;
    sum += v;
    if (kExtrema) {
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
  }
  // The float sum of a large offset is off by many ulps of the mean; the mean residual corrects it.
  float mean = sum / fn, residual = 0.0f;
  for (const float* p = x; p != end; p += stride) residual += *p * scale - mean;
  mean += residual / fn;
  float m2 = 0.0f, m3 = 0.0f, m4 = 0.0f;
  for (const float* p = x; p != end; p += stride) {
    const float d = *p * scale - mean;
    const float d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= fn;
  m3 /= fn;
  m4 /= fn;
  m->mean = mean;
  m->min = kExtrema ? lo : 0.0f;
  m->max = kExtrema ? hi : 0.0f;
  m->rms = sqrtf(mean * mean + m2);  // mean(x^2) without summing large squares
  m->stdev = sqrtf(m2);
  const bool flat = m2 <= 1e-12f * mean * mean;  // also m2 == 0 with mean == 0
  m->skewness = flat ? 0.0f : m3 / (m2 * sqrtf(m2));
  m->kurtosis = flat ? 0.0f : m4 / (m2 * m2) - 3.0f;
}

}  // namespace

void axis_moments(const float* x, size_t n, size_t stride, float scale, Moments* m) {
  moments<true>(x, n, stride, scale, m);
}

void axis_moments_no_extrema(const float* x, size_t n, size_t stride, float scale, Moments* m) {
  moments<false>(x, n, stride, scale, m);
}

size_t flatten_output_len(const FlattenConfig& cfg) {
  size_t per_axis = 0;
  for (int s = 0; s < FLATTEN_STAT_COUNT; ++s) per_axis += (cfg.stats >> s) & 1u;
  return per_axis * cfg.axes;
}

size_t flatten_scratch_bytes(const FlattenConfig&) { return 0; }

Status flatten_f32(const FlattenConfig& cfg, const float* in, float* out, size_t out_len, void*, size_t) {
  if (!in || !out || cfg.frames == 0 || cfg.axes == 0) return MOTE_ERR_ARG;
  if (cfg.stats == 0 || (cfg.stats & ~kFlattenAllStats) != 0) return MOTE_ERR_ARG;
  if (out_len < flatten_output_len(cfg)) return MOTE_ERR_SHAPE;
  size_t o = 0;
  for (uint16_t a = 0; a < cfg.axes; ++a) {
    Moments m;
    axis_moments(in + a, cfg.frames, cfg.axes, cfg.scale, &m);
    const float v[FLATTEN_STAT_COUNT] = {m.mean, m.min, m.max, m.rms, m.stdev, m.skewness, m.kurtosis};
    for (int s = 0; s < FLATTEN_STAT_COUNT; ++s)
      if ((cfg.stats >> s) & 1u) out[o++] = v[s];
  }
  return MOTE_OK;
}

}  // namespace dsp
}  // namespace mote
