#include "dsp/spectral.h"

#include "dsp/fastmath.h"
#include "dsp/flatten.h"

namespace mote {
namespace dsp {

namespace {

// Density below this share of the axis' mean square (DC included) is float rounding noise, not signal.
const float kRelativeFloor = 1e-9f;
const float kAbsoluteFloor = 1e-10f;

size_t power_values(const SpectralConfig& cfg) { return cfg.bands ? cfg.bands : cfg.fft.n / 2; }

float shaped(const SpectralConfig& cfg, float v, float floor) {
  if (!cfg.take_log) return v;
  return log10_f32(v > floor ? v : floor);
}

}  // namespace

size_t spectral_output_len(const SpectralConfig& cfg) {
  return static_cast<size_t>(cfg.axes) * (3 + power_values(cfg) + 2u * cfg.peaks);
}

size_t spectral_scratch_bytes(const SpectralConfig& cfg) {
  const size_t n = cfg.fft.n;
  // signal + segment + FFT scratch + power accumulator + filter state
  return (cfg.frames + n + rfft_scratch_bytes(static_cast<uint32_t>(n)) / sizeof(float) + (n / 2 + 1) * 2 +
          2u * cfg.filter.sections) *
         sizeof(float);
}

Status spectral_f32(const SpectralConfig& cfg, const float* in, float* out, size_t out_len, void* scratch,
                    size_t scratch_bytes) {
  const uint32_t n = cfg.fft.n;
  if (!in || !out || !scratch || !cfg.window || cfg.frames == 0 || cfg.axes == 0 || n < 16) return MOTE_ERR_ARG;
  if (cfg.bands && (!cfg.band_edges || cfg.bands > n / 2)) return MOTE_ERR_ARG;
  if (cfg.peaks > n / 2) return MOTE_ERR_ARG;
  if (out_len < spectral_output_len(cfg)) return MOTE_ERR_SHAPE;
  if (scratch_bytes < spectral_scratch_bytes(cfg)) return MOTE_ERR_SCRATCH;
  float* sig = static_cast<float*>(scratch);
  float* seg = sig + cfg.frames;
  float* fft_scratch = seg + n;
  float* power = fft_scratch + rfft_scratch_bytes(n) / sizeof(float);
  float* acc = power + (n / 2 + 1);
  float* state = acc + (n / 2 + 1);

  float wsum = 0.0f;
  for (uint32_t j = 0; j < n; ++j) wsum += cfg.window[j] * cfg.window[j];
  const uint32_t hop = n / 2;
  const uint32_t segments = cfg.frames >= n ? (cfg.frames - n) / hop + 1 : 1;
  const float density = 1.0f / (cfg.sample_rate_hz * wsum * static_cast<float>(segments));

  size_t o = 0;
  for (uint16_t a = 0; a < cfg.axes; ++a) {
    for (uint16_t f = 0; f < cfg.frames; ++f) sig[f] = in[static_cast<size_t>(f) * cfg.axes + a] * cfg.scale;
    if (cfg.filter.sections) MOTE_RETURN_IF_ERROR(sosfilt_f32(cfg.filter, sig, sig, cfg.frames, 1, state));
    Moments m;
    axis_moments(sig, cfg.frames, 1, &m);
    out[o++] = m.rms;
    out[o++] = m.skewness;
    out[o++] = m.kurtosis;
    for (uint16_t f = 0; f < cfg.frames; ++f) sig[f] -= m.mean;

    for (uint32_t k = 0; k <= n / 2; ++k) acc[k] = 0.0f;
    for (uint32_t s = 0; s < segments; ++s) {
      const uint32_t start = s * hop;
      for (uint32_t j = 0; j < n; ++j) seg[j] = (start + j < cfg.frames ? sig[start + j] : 0.0f) * cfg.window[j];
      MOTE_RETURN_IF_ERROR(rfft_power_f32(cfg.fft, seg, power, fft_scratch, rfft_scratch_bytes(n)));
      for (uint32_t k = 0; k <= n / 2; ++k) acc[k] += power[k];
    }
    // One-sided density: every bin but DC and Nyquist counts twice.
    for (uint32_t k = 0; k <= n / 2; ++k) acc[k] *= (k > 0 && k < n / 2 ? 2.0f : 1.0f) * density;
    const float mean_square = m.rms * m.rms;
    const float floor = kRelativeFloor * mean_square > kAbsoluteFloor ? kRelativeFloor * mean_square : kAbsoluteFloor;

    if (cfg.bands) {
      for (uint16_t b = 0; b < cfg.bands; ++b) {
        float sum = 0.0f;
        for (uint32_t k = cfg.band_edges[b]; k < cfg.band_edges[b + 1]; ++k) sum += acc[k];
        out[o++] = shaped(cfg, sum / static_cast<float>(cfg.band_edges[b + 1] - cfg.band_edges[b]), floor);
      }
    } else {
      for (uint32_t k = 1; k <= n / 2; ++k) out[o++] = shaped(cfg, acc[k], floor);
    }

    // Top peaks: repeatedly take the largest local maximum not taken yet (marked by negating it).
    for (uint16_t p = 0; p < cfg.peaks; ++p) {
      uint32_t best = 0;
      for (uint32_t k = 1; k + 1 <= n / 2; ++k) {
        const bool local = acc[k] > floor && acc[k] > (acc[k - 1] < 0 ? -acc[k - 1] : acc[k - 1]) &&
                           acc[k] > (acc[k + 1] < 0 ? -acc[k + 1] : acc[k + 1]);
        if (local && (best == 0 || acc[k] > acc[best])) best = k;
      }
      if (best) {
        out[o++] = static_cast<float>(best) * cfg.sample_rate_hz / static_cast<float>(n);
        out[o++] = shaped(cfg, acc[best], floor);
        acc[best] = -acc[best];
      } else {
        out[o++] = 0.0f;
        out[o++] = cfg.take_log ? log10_f32(floor) : 0.0f;
      }
    }
  }
  return MOTE_OK;
}

}  // namespace dsp
}  // namespace mote
