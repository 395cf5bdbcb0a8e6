#include "dsp/mfcc_batch.h"

#include <string.h>

#include "dsp/fastmath.h"

// Each step below is the one-frame code of spectrogram.cpp / fft.cpp / mfe.cpp / mfcc.cpp with every float
// widened to a vector of L lanes (GCC/clang vector extensions: element-wise IEEE operations,
// never reassociated; the build's -ffp-contract=off keeps a * b + c from becoming an FMA). Keep them in
// step when those change: tests/dsp/mfcc_batch_test.cpp compares the bits.
// The kernel is compiled twice, with 16 lanes for AVX-512F and 8 for AVX2, and the CPU picks (vectors wider
// than the registers, lowered by the compiler, ran slower than mfcc_f32). Without AVX2, on other compilers
// and on microcontrollers, mfcc_batch_f32 runs mfcc_f32 itself.
#if ((defined(__GNUC__) && __GNUC__ >= 12) || defined(__clang__)) && defined(__x86_64__)
#define MOTE_BATCH_VECTORS 1
// Vectors here never cross a non-inlined call, so the ABI note about passing them does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"
#else
#define MOTE_BATCH_VECTORS 0
#endif

namespace mote {
namespace dsp {

#if MOTE_BATCH_VECTORS

namespace {

const float kLogFloor = 2.220446049250313e-16f;  // as mfcc.cpp

#define MOTE_BATCH_INLINE inline __attribute__((always_inline))

template <typename V>
MOTE_BATCH_INLINE V load(const float* p) {
  V v;
  memcpy(&v, p, sizeof v);
  return v;
}
template <typename V>
MOTE_BATCH_INLINE void store(float* p, const V& v) {
  memcpy(p, &v, sizeof v);
}

// The vector of L lanes and the L x L transpose: r[i] = lane i's samples i0 .. i0 + L - 1 on entry,
// sample i0 + i of every lane on return. Both start with in-lane interleaves (4 x 4 blocks inside each
// 128-bit quarter), then move whole quarters; none is a full two-source permute.
template <size_t L>
struct Lanes;

template <>
struct Lanes<16> {  // AVX-512
  typedef float V __attribute__((vector_size(16 * sizeof(float))));
  static MOTE_BATCH_INLINE void transpose(V* r) {
    V t[16], u[16];
    for (int i = 0; i < 8; ++i) {
      t[2 * i] = __builtin_shufflevector(r[2 * i], r[2 * i + 1], 0, 16, 1, 17, 4, 20, 5, 21, 8, 24, 9, 25, 12, 28, 13, 29);
      t[2 * i + 1] =
          __builtin_shufflevector(r[2 * i], r[2 * i + 1], 2, 18, 3, 19, 6, 22, 7, 23, 10, 26, 11, 27, 14, 30, 15, 31);
    }
    for (int i = 0; i < 4; ++i) {
      for (int h = 0; h < 2; ++h) {
        const V& a = t[4 * i + h];
        const V& b = t[4 * i + h + 2];
        u[4 * i + 2 * h] = __builtin_shufflevector(a, b, 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29);
        u[4 * i + 2 * h + 1] = __builtin_shufflevector(a, b, 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
      }
    }
    // u[4 g + s] holds, in quarter q, lanes 4 g .. 4 g + 3 at sample s + 4 q: transpose the quarters.
    for (int s = 0; s < 4; ++s) {
      const V p0 = __builtin_shufflevector(u[s], u[4 + s], 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
      const V p1 = __builtin_shufflevector(u[s], u[4 + s], 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
      const V p2 = __builtin_shufflevector(u[8 + s], u[12 + s], 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
      const V p3 = __builtin_shufflevector(u[8 + s], u[12 + s], 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
      r[s] = __builtin_shufflevector(p0, p2, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
      r[s + 8] = __builtin_shufflevector(p0, p2, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
      r[s + 4] = __builtin_shufflevector(p1, p3, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
      r[s + 12] = __builtin_shufflevector(p1, p3, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
    }
  }
};

template <>
struct Lanes<8> {  // AVX2
  typedef float V __attribute__((vector_size(8 * sizeof(float))));
  static MOTE_BATCH_INLINE void transpose(V* r) {
    V t[8], u[8];
    for (int i = 0; i < 4; ++i) {
      t[2 * i] = __builtin_shufflevector(r[2 * i], r[2 * i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
      t[2 * i + 1] = __builtin_shufflevector(r[2 * i], r[2 * i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    for (int i = 0; i < 2; ++i) {
      for (int h = 0; h < 2; ++h) {
        const V& a = t[4 * i + h];
        const V& b = t[4 * i + h + 2];
        u[4 * i + 2 * h] = __builtin_shufflevector(a, b, 0, 1, 8, 9, 4, 5, 12, 13);
        u[4 * i + 2 * h + 1] = __builtin_shufflevector(a, b, 2, 3, 10, 11, 6, 7, 14, 15);
      }
    }
    for (int s = 0; s < 4; ++s) {  // u[4 g + s] holds, in half q, lanes 4 g .. 4 g + 3 at sample s + 4 q
      r[s] = __builtin_shufflevector(u[s], u[4 + s], 0, 1, 2, 3, 8, 9, 10, 11);
      r[s + 4] = __builtin_shufflevector(u[s], u[4 + s], 4, 5, 6, 7, 12, 13, 14, 15);
    }
  }
};

// Float offsets of the scratch areas for L lanes, an FFT of length n (half m) and `filters` mel filters.
struct Layout {
  size_t re, im, power, mel, total;
  Layout(size_t L, uint32_t n, size_t filters) {
    const size_t m = n / 2u;
    re = 0;
    im = re + m * L;
    power = im + m * L;
    mel = power + (m + 1u > filters ? m + 1u : filters) * L;  // power, then the log energies
    total = mel + filters * L;
  }
};

// Frames first .. first + lanes - 1 pre-emphasised, windowed and zero-padded exactly as audio_power_frame
// does, stored as fft.cpp's even/odd packing in bit-reversed order: sample i of lane b goes to
// (i even ? re : im)[bitrev[i / 2] * L + b]. Idle lanes repeat the last frame (valid memory, not stored).
template <size_t L>
MOTE_BATCH_INLINE void pack_frames(const AudioFrameConfig& cfg, const float* signal, size_t first, size_t lanes,
                                   float* re, float* im) {
  typedef typename Lanes<L>::V V;
  const size_t n = cfg.fft.n;
  const size_t len = audio_frame_samples(cfg.frame_length_s, cfg.sample_rate_hz);
  const size_t stride = audio_frame_samples(cfg.frame_stride_s, cfg.sample_rate_hz);
  const size_t take = len < n ? len : n;
  const float c = cfg.preemphasis;
  const uint16_t* bitrev = cfg.fft.bitrev;
  const float* rows[L];
  V prev;  // x[i - 1] of each lane (the frame's predecessor sample at i = 0)
  for (size_t b = 0; b < L; ++b) {
    const size_t start = (first + (b < lanes ? b : lanes - 1)) * stride;
    rows[b] = signal + start;
    prev[b] = start > 0 ? signal[start - 1] : 0.0f;
  }
  const float* window = cfg.window;
  size_t i0 = 0;
  // Whole blocks of L samples: transposed in registers, then pre-emphasis and window row by row (one
  // unrolled pass, so the rows never leave the registers).
  for (; i0 + L <= take; i0 += L) {
    V x[L];
    for (size_t b = 0; b < L; ++b) x[b] = load<V>(rows[b] + i0);
    Lanes<L>::transpose(x);
#pragma GCC unroll 16
    for (size_t ii = 0; ii < L; ++ii) {
      V y = c != 0.0f ? x[ii] - c * prev : x[ii];
      prev = x[ii];
      if (window) y = y * window[i0 + ii];
      store(((ii & 1u) ? im : re) + static_cast<size_t>(bitrev[(i0 + ii) / 2]) * L, y);
    }
  }
  // The last samples of a frame that is not a multiple of L long, lane by lane.
  for (size_t i = i0; i < take; ++i) {
    V x;
    for (size_t b = 0; b < L; ++b) x[b] = rows[b][i];
    V y = c != 0.0f ? x - c * prev : x;
    prev = x;
    if (window) y = y * window[i];
    store(((i & 1u) ? im : re) + static_cast<size_t>(bitrev[i / 2]) * L, y);
  }
  if (first == 0 && take > 0) {  // the signal's first sample has no predecessor: y[0] = x[0], windowed
    float* y0 = re + static_cast<size_t>(bitrev[0]) * L;
    y0[0] = window ? rows[0][0] * window[0] : rows[0][0];
  }
  V zero;
  memset(&zero, 0, sizeof zero);
  for (size_t i = take; i < n; ++i) store(((i & 1u) ? im : re) + static_cast<size_t>(bitrev[i / 2]) * L, zero);
}

// Stages of length 2 and 4 of the points p .. p + 3 as one multiply-free radix-4 pass (fft.cpp).
template <size_t L>
MOTE_BATCH_INLINE void radix4(float* r, float* im) {
  typedef typename Lanes<L>::V V;
  const V a0r = load<V>(r), a1r = load<V>(r + L), a2r = load<V>(r + 2 * L), a3r = load<V>(r + 3 * L);
  const V a0i = load<V>(im), a1i = load<V>(im + L), a2i = load<V>(im + 2 * L), a3i = load<V>(im + 3 * L);
  const V s0r = a0r + a1r, s0i = a0i + a1i, d0r = a0r - a1r, d0i = a0i - a1i;
  const V s1r = a2r + a3r, s1i = a2i + a3i, d1r = a2r - a3r, d1i = a2i - a3i;
  store(r, s0r + s1r);
  store(im, s0i + s1i);
  store(r + 2 * L, s0r - s1r);
  store(im + 2 * L, s0i - s1i);
  store(r + L, d0r + d1i);
  store(im + L, d0i - d1r);
  store(r + 3 * L, d0r - d1i);
  store(im + 3 * L, d0i + d1r);
}

// The radix-2 butterfly of fft.cpp: a, b <- a + w b, a - w b with w = wr + i wi.
template <typename V>
MOTE_BATCH_INLINE void butterfly(V& ar, V& ai, V& br, V& bi, float wr, float wi) {
  const V tr = wr * br - wi * bi;
  const V ti = wr * bi + wi * br;
  br = ar - tr;
  bi = ai - ti;
  ar = ar + tr;
  ai = ai + ti;
}

// Two radix-2 stages at once on the points p0 = a, p1 = a + half, p2 = a + len, p3 = a + len + half (float
// offsets o1..o3 from a): stage len pairs (p0, p1) and (p2, p3) with twiddle w, stage 2 len pairs (p0, p2)
// with v and (p1, p3) with q. The very butterflies of fft.cpp, done in registers (half the memory passes).
template <typename V>
MOTE_BATCH_INLINE void butterfly2x2(float* r, float* im, size_t o1, size_t o2, size_t o3, float wr, float wi,
                                    float vr, float vi, float qr, float qi) {
  V x0r = load<V>(r), x0i = load<V>(im), x1r = load<V>(r + o1), x1i = load<V>(im + o1);
  V x2r = load<V>(r + o2), x2i = load<V>(im + o2), x3r = load<V>(r + o3), x3i = load<V>(im + o3);
  butterfly(x0r, x0i, x1r, x1i, wr, wi);
  butterfly(x2r, x2i, x3r, x3i, wr, wi);
  butterfly(x0r, x0i, x2r, x2i, vr, vi);
  butterfly(x1r, x1i, x3r, x3i, qr, qi);
  store(r, x0r);
  store(im, x0i);
  store(r + o1, x1r);
  store(im + o1, x1i);
  store(r + o2, x2r);
  store(im + o2, x2i);
  store(r + o3, x3r);
  store(im + o3, x3i);
}

// |X[k]|^2 / n from bins k (a) and m - k (b) of the half-length spectrum (fft.cpp: split_power).
template <typename V>
MOTE_BATCH_INLINE V split_power(const V& ar, const V& ai, const V& b_r, const V& b_i, float wr, float wi, float inv_n) {
  const V br = b_r, bi = -b_i;
  const V er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
  const V or_ = 0.5f * (ai - bi), oi = -0.5f * (ar - br);
  const V xr = er + (wr * or_ - wi * oi);
  const V xi = ei + (wr * oi + wi * or_);
  return (xr * xr + xi * xi) * inv_n;
}

// Coefficient k of the batch's frames, liftered, into their output rows.
template <typename V>
MOTE_BATCH_INLINE void store_row(const MfccConfig& cfg, const V& sum, size_t k, size_t first, size_t lanes,
                                 float* out) {
  const V acc = cfg.lifter ? sum * cfg.lifter[k] : sum;
  for (size_t b = 0; b < lanes; ++b) out[(first + b) * cfg.num_cepstral + k] = acc[b];
}

// One batch: frames first .. first + lanes - 1 (lanes <= L; idle lanes are computed but not stored).
template <size_t L>
MOTE_BATCH_INLINE void mfcc_batch(const MfccConfig& cfg, const float* signal, size_t first, size_t lanes, float* out,
                                  float* s) {
  typedef typename Lanes<L>::V V;
  const RfftTables& t = cfg.frames.fft;
  const uint32_t n = t.n, m = n / 2u;
  const size_t filters = cfg.mel.num_filters, ceps = cfg.num_cepstral;
  const Layout at(L, n, filters);
  float* re = s + at.re;
  float* im = s + at.im;
  float* power = s + at.power;
  float* mel = s + at.mel;

  // Framing and the even/odd packing in bit-reversed order, then the stages of length 2 and 4
  // (fft.cpp: half_length_fft).
  pack_frames<L>(cfg.frames, signal, first, lanes, re, im);
  for (uint32_t i = 0; i < m; i += 4) radix4<L>(re + i * L, im + i * L);
  // Radix-2 stages of length 8 .. m, two at a time while two remain; twiddle j of a stage of length len
  // is cos/sin[j * n / len].
  uint32_t len = 8;
  for (; 2 * len <= m; len <<= 2) {
    const uint32_t half = len / 2, step = n / len, step2 = step / 2;
    for (uint32_t j = 0; j < half; ++j) {
      const float wr = t.cos[j * step], wi = -t.sin[j * step];
      const float vr = t.cos[j * step2], vi = -t.sin[j * step2];
      const float qr = t.cos[(j + half) * step2], qi = -t.sin[(j + half) * step2];
      for (uint32_t i = j; i < m; i += 2 * len)
        butterfly2x2<V>(re + i * L, im + i * L, half * L, len * L, (len + half) * L, wr, wi, vr, vi, qr, qi);
    }
  }
  if (len <= m) {
    const uint32_t half = len / 2, step = n / len;
    for (uint32_t j = 0; j < half; ++j) {
      const float wr = t.cos[j * step], wi = -t.sin[j * step];
      for (uint32_t i = j; i < m; i += len) {
        V ar = load<V>(re + i * L), ai = load<V>(im + i * L);
        V br = load<V>(re + (i + half) * L), bi = load<V>(im + (i + half) * L);
        butterfly(ar, ai, br, bi, wr, wi);
        store(re + i * L, ar);
        store(im + i * L, ai);
        store(re + (i + half) * L, br);
        store(im + (i + half) * L, bi);
      }
    }
  }
  // Power spectrum |X[k]|^2, then / n (fft.cpp: rfft_power_f32 / split_power; spectrogram.cpp).
  const float inv_n = 1.0f / static_cast<float>(n);
  {
    const V r0 = load<V>(re), i0 = load<V>(im);
    const V x0 = r0 + i0, xm = r0 - i0;
    store(power, (x0 * x0) * inv_n);
    store(power + m * L, (xm * xm) * inv_n);
  }
  // Bins k and m - k read the same four vectors: both are made from one load of each.
  for (uint32_t k = 1; k <= m / 2; ++k) {
    const V rk = load<V>(re + k * L), ik = load<V>(im + k * L);
    const V rm = load<V>(re + (m - k) * L), imk = load<V>(im + (m - k) * L);
    store(power + k * L, split_power(rk, ik, rm, imk, t.cos[k], -t.sin[k], inv_n));
    if (k != m - k) store(power + (m - k) * L, split_power(rm, imk, rk, ik, t.cos[m - k], -t.sin[m - k], inv_n));
  }
  // Mel energies over each filter's bins in increasing order (mfe.cpp: mel_energies_f32), floored as in
  // mfcc.cpp (NaN becomes the floor).
  const float* w = cfg.mel.weights;
  V floor, top;
  for (size_t b = 0; b < L; ++b) floor[b] = kLogFloor;
  top = floor;
  for (size_t f = 0; f < filters; ++f) {
    V acc;
    memset(&acc, 0, sizeof acc);
    const float* p = power + static_cast<size_t>(cfg.mel.first_bin[f]) * L;
    const uint16_t count = cfg.mel.bin_count[f];
    for (uint16_t k = 0; k < count; ++k) acc = acc + w[k] * load<V>(p + k * L);
    w += count;
    const V e = acc > floor ? acc : floor;
    top = e > top ? e : top;
    store(mel + f * L, e);
  }
  // Natural log: log_f32's own operations for the normal values (vectorised), log_f32 itself for +inf.
  float* log_e = power;  // the power spectrum is spent: reuse it
  for (size_t i = 0; i < filters * L; ++i)
    log_e[i] = fastmath_detail::log_from_parts(fastmath_detail::log_parts(fastmath_detail::bits_of(mel[i]), 0));
  bool overflow = false;
  for (size_t b = 0; b < L; ++b) overflow = overflow || fastmath_detail::bits_of(top[b]) >= 0x7f800000u;
  if (overflow) {
    for (size_t i = 0; i < filters * L; ++i)
      if (fastmath_detail::bits_of(mel[i]) >= 0x7f800000u) log_e[i] = log_f32(mel[i]);
  }
  // DCT rows, summed over the filters in order, then the lifter (mfcc.cpp); four rows at a time so their
  // independent sums overlap in the pipeline.
  V zero;
  memset(&zero, 0, sizeof zero);
  size_t k = 0;
  for (; k + 4 <= ceps; k += 4) {
    V a0 = zero, a1 = zero, a2 = zero, a3 = zero;
    const float* d = cfg.dct + k * filters;
    for (size_t f = 0; f < filters; ++f) {
      const V l = load<V>(log_e + f * L);
      a0 = a0 + d[f] * l;
      a1 = a1 + d[filters + f] * l;
      a2 = a2 + d[2 * filters + f] * l;
      a3 = a3 + d[3 * filters + f] * l;
    }
    store_row(cfg, a0, k, first, lanes, out);
    store_row(cfg, a1, k + 1, first, lanes, out);
    store_row(cfg, a2, k + 2, first, lanes, out);
    store_row(cfg, a3, k + 3, first, lanes, out);
  }
  for (; k < ceps; ++k) {
    V acc = zero;
    const float* d = cfg.dct + k * filters;
    for (size_t f = 0; f < filters; ++f) acc = acc + d[f] * load<V>(log_e + f * L);
    store_row(cfg, acc, k, first, lanes, out);
  }
}

__attribute__((target("avx512f"))) void mfcc_batch16(const MfccConfig& cfg, const float* signal, size_t first,
                                                    size_t lanes, float* out, float* s) {
  mfcc_batch<16>(cfg, signal, first, lanes, out, s);
}

__attribute__((target("avx2"))) void mfcc_batch8(const MfccConfig& cfg, const float* signal, size_t first,
                                                 size_t lanes, float* out, float* s) {
  mfcc_batch<8>(cfg, signal, first, lanes, out, s);
}

}  // namespace

size_t mfcc_batch_scratch_bytes(const MfccConfig& cfg) {
  if (cfg.frames.fft.n < 16u) return 0;
  const size_t batch = Layout(16, cfg.frames.fft.n, cfg.mel.num_filters).total * sizeof(float);  // the widest
  const size_t one = mfcc_scratch_bytes(cfg);  // the last frames may run one by one
  return batch > one ? batch : one;
}

size_t mfcc_batch_lanes() {
  if (__builtin_cpu_supports("avx512f")) return 16;
  return __builtin_cpu_supports("avx2") ? 8 : 1;
}

#else  // !MOTE_BATCH_VECTORS

size_t mfcc_batch_scratch_bytes(const MfccConfig& cfg) { return mfcc_scratch_bytes(cfg); }

size_t mfcc_batch_lanes() { return 1; }

#endif

Status mfcc_batch_f32(const MfccConfig& cfg, const float* signal, size_t signal_len, float* out, size_t out_len,
                      void* scratch, size_t scratch_bytes) {
  return mfcc_batch_lanes_f32(mfcc_batch_lanes(), cfg, signal, signal_len, out, out_len, scratch, scratch_bytes);
}

Status mfcc_batch_lanes_f32(size_t lanes, const MfccConfig& cfg, const float* signal, size_t signal_len, float* out,
                            size_t out_len, void* scratch, size_t scratch_bytes) {
  if (lanes != 1 && (lanes > mfcc_batch_lanes() || (lanes != 8 && lanes != 16))) return MOTE_ERR_ARG;
#if MOTE_BATCH_VECTORS
  // mfcc_f32's checks, in its order, so both return the same status for the same call.
  MOTE_RETURN_IF_ERROR(audio_frames_check(cfg.frames, signal, signal_len));
  MOTE_RETURN_IF_ERROR(mel_filterbank_check(cfg.mel, cfg.frames.fft.n));
  if (cfg.num_cepstral == 0 || cfg.num_cepstral > cfg.mel.num_filters || cfg.dct == 0) return MOTE_ERR_ARG;
  if (out == 0 || scratch == 0) return MOTE_ERR_ARG;
  if (out_len != mfcc_output_len(cfg, signal_len)) return MOTE_ERR_SHAPE;
  if (scratch_bytes < mfcc_batch_scratch_bytes(cfg)) return MOTE_ERR_SCRATCH;
  if (lanes == 1) return mfcc_f32(cfg, signal, signal_len, out, out_len, scratch, scratch_bytes);
  const size_t frames = audio_frame_count(cfg.frames, signal_len);
  // Batches of `lanes` frames; a remainder of up to kOneByOne frames costs less one frame at a time than
  // as a mostly idle batch (the same bits either way).
  const size_t kOneByOne = lanes == 16 ? 3 : 1;
  size_t f = 0;
  for (; f < frames && frames - f > kOneByOne; f += lanes) {
    const size_t used = frames - f < lanes ? frames - f : lanes;
    if (lanes == 16) {
      mfcc_batch16(cfg, signal, f, used, out, static_cast<float*>(scratch));
    } else {
      mfcc_batch8(cfg, signal, f, used, out, static_cast<float*>(scratch));
    }
  }
  if (f < frames) MOTE_RETURN_IF_ERROR(mfcc_rows_f32(cfg, signal, f, frames - f, out, scratch, scratch_bytes));
  if (cfg.mean_normalize) mfcc_subtract_means_f32(out, frames, cfg.num_cepstral);
  return MOTE_OK;
#else
  return mfcc_f32(cfg, signal, signal_len, out, out_len, scratch, scratch_bytes);
#endif
}

}  // namespace dsp
}  // namespace mote
