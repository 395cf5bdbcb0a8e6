#include "dsp/fft.h"

namespace mote {
namespace dsp {

namespace {

bool valid(const RfftTables& t) {
  return t.n >= 16 && t.n <= 4096 && (t.n & (t.n - 1)) == 0 && t.cos && t.sin && t.bitrev;
}

// One radix-2 butterfly: a, b <- a + w b, a - w b.
inline void butterfly(float* a, float* b, float wr, float wi) {
  const float tr = wr * b[0] - wi * b[1];
  const float ti = wr * b[1] + wi * b[0];
  b[0] = a[0] - tr;
  b[1] = a[1] - ti;
  a[0] = a[0] + tr;
  a[1] = a[1] + ti;
}

// Packs even/odd samples as a complex signal of n/2 points and transforms it in place (radix 2, DIT).
// The first two stages (twiddles 1 and -i) run as one multiply-free radix-4 pass; later stages loop over
// the twiddle outermost while groups outnumber it, so each twiddle is loaded once.
void half_length_fft(const RfftTables& t, const float* in, float* z) {
  const uint32_t m = t.n / 2;  // >= 8
  for (uint32_t j = 0; j < m; ++j) {
    uint32_t r = t.bitrev[j];
    z[2 * r] = in[2 * j];
    z[2 * r + 1] = in[2 * j + 1];
  }
  for (uint32_t i = 0; i < m; i += 4) {
    float* q = z + 2 * i;
    const float s0r = q[0] + q[2], s0i = q[1] + q[3], d0r = q[0] - q[2], d0i = q[1] - q[3];
    const float s1r = q[4] + q[6], s1i = q[5] + q[7], d1r = q[4] - q[6], d1i = q[5] - q[7];
    q[0] = s0r + s1r;
    q[1] = s0i + s1i;
    q[4] = s0r - s1r;
    q[5] = s0i - s1i;
    q[2] = d0r + d1i;  // d0 + (-i) d1
    q[3] = d0i - d1r;
    q[6] = d0r - d1i;
    q[7] = d0i + d1r;
  }
  for (uint32_t len = 8; len <= m; len <<= 1) {
    const uint32_t half = len / 2, step = t.n / len;
    if (half <= m / len) {
      for (uint32_t j = 0; j < half; ++j) {
        const float wr = t.cos[j * step], wi = -t.sin[j * step];
        for (uint32_t i = j; i < m; i += len) butterfly(z + 2 * i, z + 2 * (i + half), wr, wi);
      }
    } else {
      for (uint32_t i = 0; i < m; i += len)
        for (uint32_t j = 0; j < half; ++j) butterfly(z + 2 * (i + j), z + 2 * (i + j + half), t.cos[j * step], -t.sin[j * step]);
    }
  }
}

// Bin k (0 < k < n/2) from the half-length spectrum: X = E + W^k O, with E, O its even/odd parts.
void split_bin(const RfftTables& t, const float* z, uint32_t k, float* xr, float* xi) {
  const uint32_t m = t.n / 2;
  const float ar = z[2 * k], ai = z[2 * k + 1];
  const float br = z[2 * (m - k)], bi = -z[2 * (m - k) + 1];  // conj(Z[m - k])
  const float er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
  const float or_ = 0.5f * (ai - bi), oi = -0.5f * (ar - br);  // (Z - conj) / 2i
  const float wr = t.cos[k], wi = -t.sin[k];
  *xr = er + (wr * or_ - wi * oi);
  *xi = ei + (wr * oi + wi * or_);
}

}  // namespace

size_t rfft_scratch_bytes(uint32_t n) { return static_cast<size_t>(n) * sizeof(float); }

Status rfft_f32(const RfftTables& t, const float* in, float* out, float* scratch, size_t scratch_bytes) {
  if (!valid(t) || !in || !out || !scratch) return MOTE_ERR_ARG;
  if (scratch_bytes < rfft_scratch_bytes(t.n)) return MOTE_ERR_SCRATCH;
  const uint32_t m = t.n / 2;
  half_length_fft(t, in, scratch);
  out[0] = scratch[0] + scratch[1];
  out[1] = 0.0f;
  out[2 * m] = scratch[0] - scratch[1];
  out[2 * m + 1] = 0.0f;
  for (uint32_t k = 1; k < m; ++k) split_bin(t, scratch, k, &out[2 * k], &out[2 * k + 1]);
  return MOTE_OK;
}

Status rfft_power_f32(const RfftTables& t, const float* in, float* out, float* scratch, size_t scratch_bytes) {
  if (!valid(t) || !in || !out || !scratch) return MOTE_ERR_ARG;
  if (scratch_bytes < rfft_scratch_bytes(t.n)) return MOTE_ERR_SCRATCH;
  const uint32_t m = t.n / 2;
  half_length_fft(t, in, scratch);
  const float x0 = scratch[0] + scratch[1], xm = scratch[0] - scratch[1];
  out[0] = x0 * x0;
  out[m] = xm * xm;
  for (uint32_t k = 1; k < m; ++k) {
    float xr, xi;
    split_bin(t, scratch, k, &xr, &xi);
    out[k] = xr * xr + xi * xi;
  }
  return MOTE_OK;
}

}  // namespace dsp
}  // namespace mote
