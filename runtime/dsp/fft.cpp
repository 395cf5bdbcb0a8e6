#include "dsp/fft.h"

// The butterfly halves of one group never overlap; telling the compiler lets it vectorise (host only).
#if defined(__GNUC__) || defined(__clang__)
#define MOTE_FFT_RESTRICT __restrict
#else
#define MOTE_FFT_RESTRICT
#endif

namespace mote {
namespace dsp {

namespace {

bool valid(const RfftTables& t) {
  return t.n >= 16 && t.n <= 4096 && (t.n & (t.n - 1)) == 0 && t.cos && t.sin && t.bitrev;
}

// half butterflies a[j], b[j] <- a[j] + w[j] b[j], a[j] - w[j] b[j] with w[j] = wc[j] - i ws[j].
void butterflies(float* MOTE_FFT_RESTRICT ar, float* MOTE_FFT_RESTRICT ai, float* MOTE_FFT_RESTRICT br,
                 float* MOTE_FFT_RESTRICT bi, const float* MOTE_FFT_RESTRICT wc, const float* MOTE_FFT_RESTRICT ws,
                 uint32_t half) {
  for (uint32_t j = 0; j < half; ++j) {
    const float wr = wc[j], wi = -ws[j];
    const float tr = wr * br[j] - wi * bi[j];
    const float ti = wr * bi[j] + wi * br[j];
    br[j] = ar[j] - tr;
    bi[j] = ai[j] - ti;
    ar[j] = ar[j] + tr;
    ai[j] = ai[j] + ti;
  }
}

// Packs even/odd samples as a complex signal of m = n/2 points, split into re[m] and im[m], and
// transforms it in place (radix 2, DIT). Split arrays let the host compiler vectorise the butterflies.
// The first two stages (twiddles 1 and -i) run as one multiply-free radix-4 pass; later stages loop over
// the twiddle outermost while groups outnumber it, so each twiddle is loaded once.
void half_length_fft(const RfftTables& t, const float* in, float* re, float* im) {
  const uint32_t m = t.n / 2;  // >= 8
  for (uint32_t j = 0; j < m; ++j) {  // bit reversal is its own inverse: gather in order, store in order
    const uint32_t r = t.bitrev[j];
    re[j] = in[2 * r];
    im[j] = in[2 * r + 1];
  }
  for (uint32_t i = 0; i < m; i += 4) {
    const float s0r = re[i] + re[i + 1], s0i = im[i] + im[i + 1], d0r = re[i] - re[i + 1], d0i = im[i] - im[i + 1];
    const float s1r = re[i + 2] + re[i + 3], s1i = im[i + 2] + im[i + 3];
    const float d1r = re[i + 2] - re[i + 3], d1i = im[i + 2] - im[i + 3];
    re[i] = s0r + s1r;
    im[i] = s0i + s1i;
    re[i + 2] = s0r - s1r;
    im[i + 2] = s0i - s1i;
    re[i + 1] = d0r + d1i;  // d0 + (-i) d1
    im[i + 1] = d0i - d1r;
    re[i + 3] = d0r - d1i;
    im[i + 3] = d0i + d1r;
  }
  if (t.stage_cos && t.stage_sin) {
    // Contiguous twiddles: every stage runs twiddle-innermost with unit strides (vectorised on the host).
    uint32_t off = 0;
    for (uint32_t len = 8; len <= m; off += len / 2, len <<= 1) {
      const uint32_t half = len / 2;
      const float* wc = t.stage_cos + off;
      const float* ws = t.stage_sin + off;
      for (uint32_t i = 0; i < m; i += len) butterflies(re + i, im + i, re + i + half, im + i + half, wc, ws, half);
    }
    return;
  }
  for (uint32_t len = 8; len <= m; len <<= 1) {
    const uint32_t half = len / 2, step = t.n / len;
    if (half <= m / len) {
      for (uint32_t j = 0; j < half; ++j) {
        const float wr = t.cos[j * step], wi = -t.sin[j * step];
        for (uint32_t a = j; a < m; a += len) {
          const uint32_t b = a + half;
          const float tr = wr * re[b] - wi * im[b];
          const float ti = wr * im[b] + wi * re[b];
          re[b] = re[a] - tr;
          im[b] = im[a] - ti;
          re[a] = re[a] + tr;
          im[a] = im[a] + ti;
        }
      }
    } else {
      for (uint32_t i = 0; i < m; i += len) {
        float* ar = re + i;
        float* ai = im + i;
        float* br = re + i + half;
        float* bi = im + i + half;
        for (uint32_t j = 0; j < half; ++j) {
          const float wr = t.cos[j * step], wi = -t.sin[j * step];
          const float tr = wr * br[j] - wi * bi[j];
          const float ti = wr * bi[j] + wi * br[j];
          br[j] = ar[j] - tr;
          bi[j] = ai[j] - ti;
          ar[j] = ar[j] + tr;
          ai[j] = ai[j] + ti;
        }
      }
    }
  }
}

// Bin k (0 < k < n/2) from the half-length spectrum: X = E + W^k O, with E, O its even/odd parts.
inline void split_bin(const RfftTables& t, const float* re, const float* im, uint32_t k, float* xr, float* xi) {
  const uint32_t m = t.n / 2;
  const float ar = re[k], ai = im[k];
  const float br = re[m - k], bi = -im[m - k];  // conj(Z[m - k])
  const float er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
  const float or_ = 0.5f * (ai - bi), oi = -0.5f * (ar - br);  // (Z - conj) / 2i
  const float wr = t.cos[k], wi = -t.sin[k];
  *xr = er + (wr * or_ - wi * oi);
  *xi = ei + (wr * oi + wi * or_);
}

// |X[k]|^2 for 0 < k < m, the same operations as split_bin, written so the host compiler vectorises it.
void split_power(const float* MOTE_FFT_RESTRICT re, const float* MOTE_FFT_RESTRICT im,
                 const float* MOTE_FFT_RESTRICT c, const float* MOTE_FFT_RESTRICT s, float* MOTE_FFT_RESTRICT out,
                 uint32_t m) {
  for (uint32_t k = 1; k < m; ++k) {
    const float ar = re[k], ai = im[k];
    const float br = re[m - k], bi = -im[m - k];
    const float er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
    const float or_ = 0.5f * (ai - bi), oi = -0.5f * (ar - br);
    const float wr = c[k], wi = -s[k];
    const float xr = er + (wr * or_ - wi * oi);
    const float xi = ei + (wr * oi + wi * or_);
    out[k] = xr * xr + xi * xi;
  }
}

}  // namespace

size_t rfft_scratch_bytes(uint32_t n) { return static_cast<size_t>(n) * sizeof(float); }

Status rfft_f32(const RfftTables& t, const float* in, float* out, float* scratch, size_t scratch_bytes) {
  if (!valid(t) || !in || !out || !scratch) return MOTE_ERR_ARG;
  if (scratch_bytes < rfft_scratch_bytes(t.n)) return MOTE_ERR_SCRATCH;
  const uint32_t m = t.n / 2;
  float* re = scratch;
  float* im = scratch + m;
  half_length_fft(t, in, re, im);
  out[0] = re[0] + im[0];
  out[1] = 0.0f;
  out[2 * m] = re[0] - im[0];
  out[2 * m + 1] = 0.0f;
  for (uint32_t k = 1; k < m; ++k) split_bin(t, re, im, k, &out[2 * k], &out[2 * k + 1]);
  return MOTE_OK;
}

Status rfft_power_f32(const RfftTables& t, const float* in, float* out, float* scratch, size_t scratch_bytes) {
  if (!valid(t) || !in || !out || !scratch) return MOTE_ERR_ARG;
  if (scratch_bytes < rfft_scratch_bytes(t.n)) return MOTE_ERR_SCRATCH;
  const uint32_t m = t.n / 2;
  float* re = scratch;
  float* im = scratch + m;
  half_length_fft(t, in, re, im);
  const float x0 = re[0] + im[0], xm = re[0] - im[0];
  out[0] = x0 * x0;
  out[m] = xm * xm;
  split_power(re, im, t.cos, t.sin, out, m);
  return MOTE_OK;
}

}  // namespace dsp
}  // namespace mote
