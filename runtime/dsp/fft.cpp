#include "dsp/fft.h"

// The per-stage twiddle copies (RfftTables::stage_cos) are a host speed path: they let the host compiler
// vectorise the butterflies. Microcontrollers never get them (the code generator emits null), so their
// loop is compiled for 64-bit hosts only (flash); both paths run the same butterflies, bit for bit.
#if defined(__x86_64__) || defined(__aarch64__) || defined(_M_X64) || defined(_M_ARM64)
#define MOTE_FFT_STAGE_TABLES 1
#else
#define MOTE_FFT_STAGE_TABLES 0
#endif

// The butterfly halves of one group never overlap; telling the compiler lets it vectorise (host only).
#if defined(__GNUC__) || defined(__clang__)
#define MOTE_FFT_RESTRICT __restrict
#define MOTE_FFT_INLINE inline __attribute__((always_inline))
#else
#define MOTE_FFT_RESTRICT
#define MOTE_FFT_INLINE inline
#endif

namespace mote {
namespace dsp {

namespace {

bool valid(const RfftTables& t) {
  return t.n >= 16 && t.n <= 4096 && (t.n & (t.n - 1)) == 0 && t.cos && t.sin && t.bitrev;
}

// The radix-2 butterfly: a, b <- a + w b, a - w b with w = c - i s (c, s = cos, sin of the twiddle angle).
// Every path below runs exactly these operations, whatever order it visits the butterflies in.
MOTE_FFT_INLINE void butterfly(float& ar, float& ai, float& br, float& bi, float c, float s) {
  const float tr = c * br + s * bi;
  const float ti = c * bi - s * br;
  br = ar - tr;
  bi = ai - ti;
  ar = ar + tr;
  ai = ai + ti;
}

#if MOTE_FFT_STAGE_TABLES
// One stage's butterflies j < half of one group (host path: contiguous twiddles, vectorised).
void butterflies(float* MOTE_FFT_RESTRICT ar, float* MOTE_FFT_RESTRICT ai, float* MOTE_FFT_RESTRICT br,
                 float* MOTE_FFT_RESTRICT bi, const float* MOTE_FFT_RESTRICT wc, const float* MOTE_FFT_RESTRICT ws,
                 uint32_t half) {
  for (uint32_t j = 0; j < half; ++j) {
    const float c = wc[j], s = ws[j];
    const float tr = c * br[j] + s * bi[j];
    const float ti = c * bi[j] - s * br[j];
    br[j] = ar[j] - tr;
    bi[j] = ai[j] - ti;
    ar[j] = ar[j] + tr;
    ai[j] = ai[j] + ti;
  }
}
#endif

// Stages len and 2 len on the points p, p + h, p + len, p + len + h (h = len / 2) in registers: stage len
// pairs (p, p + h) and (p + len, p + len + h) with twiddle w, stage 2 len pairs (p, p + len) with v and
// (p + h, p + len + h) with q. The same butterflies as two radix-2 stages, half the memory traffic.
MOTE_FFT_INLINE void butterfly_2x2(float* re, float* im, uint32_t h, uint32_t len, float wc, float ws, float vc,
                                   float vs, float qc, float qs) {
  float x0r = re[0], x0i = im[0], x1r = re[h], x1i = im[h];
  float x2r = re[len], x2i = im[len], x3r = re[len + h], x3i = im[len + h];
  butterfly(x0r, x0i, x1r, x1i, wc, ws);
  butterfly(x2r, x2i, x3r, x3i, wc, ws);
  butterfly(x0r, x0i, x2r, x2i, vc, vs);
  butterfly(x1r, x1i, x3r, x3i, qc, qs);
  re[0] = x0r;
  im[0] = x0i;
  re[h] = x1r;
  im[h] = x1i;
  re[len] = x2r;
  im[len] = x2i;
  re[len + h] = x3r;
  im[len + h] = x3i;
}

// Stages of length 2 and 4 (twiddles 1 and -i) of four points as one multiply-free radix-4 step.
MOTE_FFT_INLINE void radix4(float& x0r, float& x0i, float& x1r, float& x1i, float& x2r, float& x2i, float& x3r,
                            float& x3i) {
  const float s0r = x0r + x1r, s0i = x0i + x1i, d0r = x0r - x1r, d0i = x0i - x1i;
  const float s1r = x2r + x3r, s1i = x2i + x3i, d1r = x2r - x3r, d1i = x2i - x3i;
  x0r = s0r + s1r;
  x0i = s0i + s1i;
  x2r = s0r - s1r;
  x2i = s0i - s1i;
  x1r = d0r + d1i;  // d0 + (-i) d1
  x1i = d0i - d1r;
  x3r = d0r - d1i;
  x3i = d0i + d1r;
}

// The first stages of the half-length transform, in place on re, im (bit-reversed input): 2 and 4 as one
// multiply-free radix-4 pass, then 8 alone when the number of stages is odd (so the rest pair up). Returns
// the length of the next stage.
MOTE_FFT_INLINE uint32_t first_stages(const RfftTables& t, float* re, float* im) {
  const uint32_t n = t.n, m = n / 2;
  for (uint32_t i = 0; i < m; i += 4)
    radix4(re[i], im[i], re[i + 1], im[i + 1], re[i + 2], im[i + 2], re[i + 3], im[i + 3]);
  if ((m & 0xaaaaaaaau) == 0) return 8;
  // Stage 8 alone (log2(m) odd): points p and p + 4 with twiddle j = p mod 8 (cos/sin[j n / 8]), two groups
  // of 8 per step (m / 8 is even unless m == 8).
  for (uint32_t j = 0; j < 4; ++j) {
    const float c = t.cos[j * (n / 8)], s = t.sin[j * (n / 8)];
    float* r = re + j;
    float* q = im + j;
    for (uint32_t p = j; p < m; p += 16, r += 16, q += 16) {
      float ar = r[0], ai = q[0], br = r[4], bi = q[4];
      butterfly(ar, ai, br, bi, c, s);
      r[0] = ar;
      q[0] = ai;
      r[4] = br;
      q[4] = bi;
      if (m == 8) break;
      float cr = r[8], ci = q[8], dr = r[12], di = q[12];
      butterfly(cr, ci, dr, di, c, s);
      r[8] = cr;
      q[8] = ci;
      r[12] = dr;
      q[12] = di;
    }
  }
  return 16;
}

// The radix-2 stages of length first .. m of the half-length transform, in place on re, im (first_stages
// done; an even number of them). Twiddle j of stage len is cos/sin[j n / len].
MOTE_FFT_INLINE void later_stages(const RfftTables& t, float* re, float* im, uint32_t first) {
  const uint32_t m = t.n / 2;
#if MOTE_FFT_STAGE_TABLES
  if (t.stage_cos && t.stage_sin) {
    // Host: contiguous per-stage twiddles, every stage twiddle-innermost with unit strides (vectorised).
    uint32_t off = 0;
    for (uint32_t len = 8; len <= m; off += len / 2, len <<= 1) {
      if (len < first) continue;
      const uint32_t half = len / 2;
      for (uint32_t i = 0; i < m; i += len)
        butterflies(re + i, im + i, re + i + half, im + i + half, t.stage_cos + off, t.stage_sin + off, half);
    }
    return;
  }
#endif
  // Device: two stages per pass in registers, twiddles loaded once per pass and index.
  // Twiddle j of stage len is index 2v, of stage 2 len indices v and v + n/4 (= (j + len/2) n / (2 len)),
  // with v = j n / (2 len).
  const uint32_t quarter = t.n / 4;
  for (uint32_t len = first, step2 = t.n / (2 * first); len < m; len <<= 2, step2 >>= 2) {
    const uint32_t h = len / 2;
    for (uint32_t j = 0, v = 0; j < h; ++j, v += step2) {
      const float wc = t.cos[2 * v], ws = t.sin[2 * v];
      const float vc = t.cos[v], vs = t.sin[v];
      const float qc = t.cos[v + quarter], qs = t.sin[v + quarter];
      for (uint32_t p = j; p < m; p += 2 * len) butterfly_2x2(re + p, im + p, h, len, wc, ws, vc, vs, qc, qs);
    }
  }
}

// The whole half-length transform of a packed buffer.
void half_length_fft(const RfftTables& t, float* re, float* im) { later_stages(t, re, im, first_stages(t, re, im)); }

// |X[k]|^2 and |X[m - k]|^2 (times scale) from z = Z[k] and y = Z[m - k] of the half-length spectrum, k in
// (0, m): X[k] = E + W^k O with E = (Z[k] + conj Z[m-k]) / 2 and O = (Z[k] - conj Z[m-k]) / 2i. Bins k and
// m - k share E and O (E[m - k] = conj E[k], O[m - k] = -conj O[k]); signs that only flip a square are left out.
MOTE_FFT_INLINE void split_pair(float zr, float zi, float yr, float yi, float ck, float sk, float cm, float sm,
                                float scale, float* pk, float* pm) {
  const float er = 0.5f * (zr + yr), ei = 0.5f * (zi - yi);
  const float or_ = 0.5f * (zi + yi), oi = 0.5f * (yr - zr);
  const float xr = er + (ck * or_ + sk * oi);
  const float xi = ei + (ck * oi - sk * or_);
  const float yr2 = er + (cm * or_ - sm * oi);
  const float yi2 = ei + (cm * oi + sm * or_);  // minus Im X[m - k]
  *pm = (yr2 * yr2 + yi2 * yi2) * scale;
  *pk = (xr * xr + xi * xi) * scale;  // last: for k = m/2 (pk == pm) the first formula is the one kept
}

// The power spectrum from the half-length one: out[k] = |X[k]|^2 * scale for k in [0, m], bins k and m - k
// together (they read the same two points). out may be re: each step writes the slots it read.
void split_power(const RfftTables& t, const float* re, const float* im, float* out, float scale) {
  const uint32_t m = t.n / 2;
  const float* c = t.cos;
  const float* s = t.sin;
  const float x0 = re[0] + im[0], xm = re[0] - im[0];  // X[0] and X[m] (im[0] may be out[m]: read first)
  out[0] = (x0 * x0) * scale;
  out[m] = (xm * xm) * scale;
  for (uint32_t k = 1, r = m - 1; k <= r; ++k, --r)  // k = r = m/2 last: bin m/2 is its own mirror
    split_pair(re[k], im[k], re[r], im[r], c[k], s[k], c[r], s[r], scale, &out[k], &out[r]);
}

// Bin k (0 < k < n/2) of the complex spectrum from the half-length one: X = E + W^k O.
inline void split_bin(const RfftTables& t, const float* re, const float* im, uint32_t k, float* xr, float* xi) {
  const uint32_t m = t.n / 2;
  const float ar = re[k], ai = im[k];
  const float br = re[m - k], bi = -im[m - k];  // conj(Z[m - k])
  const float er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
  const float or_ = 0.5f * (ai - bi), oi = -0.5f * (ar - br);  // (Z - conj) / 2i
  const float wr = t.cos[k], ws = t.sin[k];
  *xr = er + (wr * or_ + ws * oi);
  *xi = ei + (wr * oi - ws * or_);
}

}  // namespace

size_t rfft_scratch_bytes(uint32_t n) { return static_cast<size_t>(n) * sizeof(float); }

void rfft_pack_f32(const RfftTables& t, const float* in, float* buf) {
  const uint32_t m = t.n / 2;
  for (uint32_t j = 0; j < m; ++j) {  // bit reversal is its own inverse: gather in order, store in order
    const uint32_t r = t.bitrev[j];
    buf[j] = in[2 * r];
    buf[m + j] = in[2 * r + 1];
  }
}

void rfft_power_packed_f32(const RfftTables& t, float* buf, float* out, float scale) {
  const uint32_t m = t.n / 2;
  half_length_fft(t, buf, buf + m);
  split_power(t, buf, buf + m, out, scale);
}

Status rfft_f32(const RfftTables& t, const float* in, float* out, float* scratch, size_t scratch_bytes) {
  if (!valid(t) || !in || !out || !scratch) return MOTE_ERR_ARG;
  if (scratch_bytes < rfft_scratch_bytes(t.n)) return MOTE_ERR_SCRATCH;
  const uint32_t m = t.n / 2;
  float* re = scratch;
  float* im = scratch + m;
  rfft_pack_f32(t, in, scratch);
  half_length_fft(t, re, im);
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
  rfft_pack_f32(t, in, scratch);
  rfft_power_packed_f32(t, scratch, out, 1.0f);
  return MOTE_OK;
}

}  // namespace dsp
}  // namespace mote
