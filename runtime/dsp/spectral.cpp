#include "dsp/spectral.h"

#include "dsp/fastmath.h"
#include "dsp/flatten.h"

namespace mote {
namespace dsp {

namespace {

// Density below this share of the axis' mean square (DC included) is float rounding noise, not signal.
const float kRelativeFloor = 1e-8f;
const float kAbsoluteFloor = 1e-10f;

size_t power_values(const SpectralConfig& cfg) {
  if (cfg.skip_power) return 0;
  return cfg.bands ? cfg.bands : cfg.fft.n / 2;
}

float shaped(const SpectralConfig& cfg, float v, float floor) {
  if (!cfg.take_log) return v;
  return log10_f32(v > floor ? v : floor);
}

float magnitude(float v) { return v < 0 ? -v : v; }

bool valid(const SpectralConfig& cfg) {
  const uint32_t n = cfg.fft.n;
  if (cfg.frames == 0 || cfg.axes == 0 || !(cfg.sample_rate_hz > 0.0f) || !cfg.window) return false;
  if (!cfg.fft.cos || !cfg.fft.sin || !cfg.fft.bitrev) return false;
  if (n < 16 || n > 4096 || (n & (n - 1)) != 0 || cfg.peaks > n / 2) return false;
  if (cfg.filter.sections && !cfg.filter.sos) return false;
  if (cfg.bands && !cfg.skip_power) {
    if (cfg.bands > n / 2 || !cfg.band_edges || cfg.band_edges[0] < 1 || cfg.band_edges[cfg.bands] > n / 2 + 1)
      return false;
    for (uint16_t b = 0; b < cfg.bands; ++b)
      if (cfg.band_edges[b + 1] <= cfg.band_edges[b]) return false;
  }
  return true;
}

// Takes the `peaks` largest local maxima of density[1..n/2-1] above threshold; each taken bin is negated
// so it is not taken twice (neighbours compare by magnitude).
float* write_peaks(const SpectralConfig& cfg, float* density, float threshold, float floor, float* o) {
  const uint32_t half = cfg.fft.n / 2;
  for (uint16_t p = 0; p < cfg.peaks; ++p) {
    uint32_t best = 0;
    for (uint32_t k = 1; k < half; ++k) {
      const float v = density[k];
      if (v > threshold && v > magnitude(density[k - 1]) && v > magnitude(density[k + 1]) &&
          (best == 0 || v > density[best]))
        best = k;
    }
    if (best) {
      *o++ = static_cast<float>(best) * cfg.sample_rate_hz / static_cast<float>(cfg.fft.n);
      *o++ = shaped(cfg, density[best], floor);
      density[best] = -density[best];
    } else {
      *o++ = 0.0f;
      *o++ = cfg.take_log ? log10_f32(floor) : 0.0f;
    }
  }
  return o;
}

// One Welch segment, times scale, minus the mean and windowed, written where the FFT reads it (fft.h: sample
// 2j at buf[bitrev[j]], 2j + 1 at buf[n/2 + bitrev[j]]): x holds `avail` samples (stride apart) of the
// segment, the rest of its n samples are zero padding. (x * 1 is x: an unscaled axis gets the same floats.)
void pack_segment(const float* x, size_t stride, uint32_t avail, float scale, float mean, const float* window,
                  const uint16_t* bitrev, uint32_t n, float* buf) {
  const uint32_t m = n / 2, pairs = avail / 2 < m ? avail / 2 : m;
  uint32_t j = 0;
  for (; j < pairs; ++j, x += 2 * stride) {
    const float a = x[0] * scale - mean, b = x[stride] * scale - mean;
    const uint32_t p = bitrev[j];
    buf[p] = a * window[2 * j];
    buf[m + p] = b * window[2 * j + 1];
  }
  for (; j < m; ++j, x += 2 * stride) {  // past the last full pair: padding (an odd last sample keeps its value)
    const uint32_t i = 2 * j, p = bitrev[j];
    buf[p] = (i < avail ? x[0] * scale - mean : 0.0f) * window[i];
    buf[m + p] = 0.0f * window[i + 1];
  }
}

}  // namespace

size_t spectral_output_len(const SpectralConfig& cfg) {
  return static_cast<size_t>(cfg.axes) * (3 + power_values(cfg) + 2u * cfg.peaks);
}

size_t spectral_scratch_bytes(const SpectralConfig& cfg) {
  const size_t n = cfg.fft.n;
  // [filtered signal] + the FFT's buffer (the segment goes in already in its input order; its power spectrum
  // overwrites it) + density + filter state; without a filter the axis is read in place (strided).
  const size_t sig = cfg.filter.sections ? cfg.frames : 0;
  return (sig + rfft_scratch_bytes(static_cast<uint32_t>(n)) / sizeof(float) + (n / 2 + 1)) * sizeof(float) +
         sosfilt_state_bytes(cfg.filter);
}

Status spectral_f32(const SpectralConfig& cfg, const float* in, float* out, size_t out_len, void* scratch,
                    size_t scratch_bytes) {
  if (!in || !out || !scratch || !valid(cfg)) return MOTE_ERR_ARG;
  if (out_len < spectral_output_len(cfg)) return MOTE_ERR_SHAPE;
  if (scratch_bytes < spectral_scratch_bytes(cfg)) return MOTE_ERR_SCRATCH;
  const uint32_t n = cfg.fft.n, half = n / 2;
  const bool filtered = cfg.filter.sections != 0;
  float* sig = static_cast<float*>(scratch);
  float* buf = sig + (filtered ? cfg.frames : 0);
  float* density = buf + rfft_scratch_bytes(n) / sizeof(float);
  float* state = density + (half + 1);

  // Welch scaling: one-sided density = 2 |X|^2 / (fs sum(w^2)), averaged over the segments.
  float wsum = 0.0f;
  for (uint32_t j = 0; j < n; ++j) wsum += cfg.window[j] * cfg.window[j];
  const uint32_t hop = half;
  const uint32_t segments = cfg.frames >= n ? (cfg.frames - n) / hop + 1 : 1;
  const float scale = 1.0f / (cfg.sample_rate_hz * wsum * static_cast<float>(segments));

  float* o = out;
  for (uint16_t a = 0; a < cfg.axes; ++a) {
    // x = in * scale: a filtered copy, or the input axis itself read with a stride (the same float values).
    const float* x = in + a;
    size_t stride = cfg.axes;
    float x_scale = cfg.scale;
    if (filtered) {
      for (uint16_t f = 0; f < cfg.frames; ++f) sig[f] = in[static_cast<size_t>(f) * cfg.axes + a] * cfg.scale;
      MOTE_RETURN_IF_ERROR(sosfilt_f32(cfg.filter, sig, sig, cfg.frames, 1, state));
      x = sig;
      stride = 1;
      x_scale = 1.0f;
    }
    Moments m;
    axis_moments_no_extrema(x, cfg.frames, stride, x_scale, &m);
    *o++ = m.rms;
    *o++ = m.skewness;
    *o++ = m.kurtosis;

    // The segments' power spectra summed in order (the first one lands in density itself: 0 + p is p).
    for (uint32_t s = 0; s < segments; ++s) {
      const uint32_t start = s * hop;
      const uint32_t avail = cfg.frames - start < n ? cfg.frames - start : n;
      pack_segment(x + start * stride, stride, avail, x_scale, m.mean, cfg.window, cfg.fft.bitrev, n, buf);
      rfft_power_packed_f32(cfg.fft, buf, s == 0 ? density : buf, 1.0f);
      if (s > 0)
        for (uint32_t k = 0; k <= half; ++k) density[k] += buf[k];
    }
    // Every bin but DC and Nyquist stands for its mirror image too.
    for (uint32_t k = 0; k <= half; ++k) density[k] *= (k > 0 && k < half ? 2.0f : 1.0f) * scale;
    const float mean_square = m.rms * m.rms;
    const float floor = kRelativeFloor * mean_square > kAbsoluteFloor ? kRelativeFloor * mean_square : kAbsoluteFloor;

    // The power values, floored, then their log10 in one pass (shaped()'s operations, no call per value).
    float* power = o;
    if (!cfg.skip_power && cfg.bands) {
      for (uint16_t b = 0; b < cfg.bands; ++b) {
        float sum = 0.0f;
        for (uint32_t k = cfg.band_edges[b]; k < cfg.band_edges[b + 1]; ++k) sum += density[k];
        *o++ = sum / static_cast<float>(cfg.band_edges[b + 1] - cfg.band_edges[b]);
      }
    } else if (!cfg.skip_power) {
      for (uint32_t k = 1; k <= half; ++k) *o++ = density[k];
    }
    if (cfg.take_log) {
      for (float* p = power; p < o; ++p) *p = *p > floor ? *p : floor;
      log10_f32_inplace(power, static_cast<size_t>(o - power));
    }
    const float threshold = cfg.peaks_threshold > floor ? cfg.peaks_threshold : floor;
    o = write_peaks(cfg, density, threshold, floor, o);
  }
  return MOTE_OK;
}

}  // namespace dsp
}  // namespace mote
