#include "dsp/flatten.h"

#include <math.h>

namespace mote {
namespace dsp {

void axis_moments(const float* x, size_t n, size_t stride, Moments* m) {
  float sum = 0.0f, sq = 0.0f, lo = x[0], hi = x[0];
  for (size_t i = 0; i < n; ++i) {
    const float v = x[i * stride];
    sum += v;
    sq += v * v;
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  const float fn = static_cast<float>(n);
  const float mean = sum / fn;
  float m2 = 0.0f, m3 = 0.0f, m4 = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    const float d = x[i * stride] - mean;
    const float d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= fn;
  m3 /= fn;
  m4 /= fn;
  m->mean = mean;
  m->min = lo;
  m->max = hi;
  m->rms = sqrtf(sq / fn);
  m->stdev = sqrtf(m2);
  // A (numerically) constant signal has no shape: report 0 rather than dividing by ~0.
  const bool flat = m2 <= 1e-12f * (mean * mean + 1e-30f) || m2 == 0.0f;
  m->skewness = flat ? 0.0f : m3 / (m2 * sqrtf(m2));
  m->kurtosis = flat ? 0.0f : m4 / (m2 * m2) - 3.0f;
}

size_t flatten_output_len(const FlattenConfig& cfg) {
  size_t per_axis = 0;
  for (int s = 0; s < FLATTEN_STAT_COUNT; ++s) per_axis += (cfg.stats >> s) & 1u;
  return per_axis * cfg.axes;
}

size_t flatten_scratch_bytes(const FlattenConfig& cfg) { return static_cast<size_t>(cfg.frames) * sizeof(float); }

Status flatten_f32(const FlattenConfig& cfg, const float* in, float* out, size_t out_len, void* scratch, size_t scratch_bytes) {
  if (!in || !out || !scratch || cfg.frames == 0 || cfg.axes == 0) return MOTE_ERR_ARG;
  if (out_len < flatten_output_len(cfg)) return MOTE_ERR_SHAPE;
  if (scratch_bytes < flatten_scratch_bytes(cfg)) return MOTE_ERR_SCRATCH;
  float* x = static_cast<float*>(scratch);
  size_t o = 0;
  for (uint16_t a = 0; a < cfg.axes; ++a) {
    for (uint16_t f = 0; f < cfg.frames; ++f) x[f] = in[static_cast<size_t>(f) * cfg.axes + a] * cfg.scale;
    Moments m;
    axis_moments(x, cfg.frames, 1, &m);
    const float v[FLATTEN_STAT_COUNT] = {m.mean, m.min, m.max, m.rms, m.stdev, m.skewness, m.kurtosis};
    for (int s = 0; s < FLATTEN_STAT_COUNT; ++s)
      if ((cfg.stats >> s) & 1u) out[o++] = v[s];
  }
  return MOTE_OK;
}

}  // namespace dsp
}  // namespace mote
