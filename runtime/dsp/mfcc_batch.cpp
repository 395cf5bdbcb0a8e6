#include "dsp/mfcc_batch.h"

#include "dsp/fastmath.h"

// Each loop body below is the one-frame code of spectrogram.cpp / fft.cpp / mfe.cpp / mfcc.cpp with every
// value widened to kMfccBatchLanes lanes; keep them in step when those change (the memcmp test will tell).
// On x86-64 GCC the batch kernel is also built for AVX2 and AVX-512 and picked at load time: wider vectors
// of the same IEEE operations (no FMA: the build uses -ffp-contract=off), so the bits do not change.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define MOTE_BATCH_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MOTE_BATCH_CLONES
#endif
// The lane loops below read and write disjoint arrays; saying so spares the vectoriser its overlap checks.
#if defined(__GNUC__) || defined(__clang__)
#define MOTE_BATCH_RESTRICT __restrict
#define MOTE_BATCH_INLINE inline __attribute__((always_inline))
#else
#define MOTE_BATCH_RESTRICT
#define MOTE_BATCH_INLINE inline
#endif

namespace mote {
namespace dsp {

namespace {

const size_t L = kMfccBatchLanes;
const float kLogFloor = 2.220446049250313e-16f;  // as mfcc.cpp

// Float offsets of the scratch areas for an FFT of length n (half m) and `filters` mel filters.
struct Layout {
  size_t re, im, power, mel, frame, total;
  Layout(uint32_t n, size_t filters) {
    const size_t m = n / 2u;
    re = 0;
    im = re + m * L;
    power = im + m * L;
    mel = power + (m + 1u > filters ? m + 1u : filters) * L;  // power, then the log energies
    frame = mel + filters * L;
    total = frame + n * L;  // the frames, lane after lane
  }
};

// Frame `frame`, pre-emphasised, windowed and zero-padded exactly as audio_power_frame does, into y[n].
void prepare_frame(const AudioFrameConfig& cfg, const float* signal, size_t frame, float* y) {
  const size_t n = cfg.fft.n;
  const size_t len = audio_frame_samples(cfg.frame_length_s, cfg.sample_rate_hz);
  const size_t start = frame * audio_frame_samples(cfg.frame_stride_s, cfg.sample_rate_hz);
  const size_t take = len < n ? len : n;
  const float* x = signal + start;
  const float c = cfg.preemphasis;
  size_t i = 0;
  if (start == 0 && take > 0) y[i++] = x[0];
  if (c != 0.0f) {
    for (; i < take; ++i) y[i] = x[i] - c * signal[start + i - 1];
  } else {
    for (; i < take; ++i) y[i] = x[i];
  }
  if (cfg.window) {
    for (i = 0; i < take; ++i) y[i] = y[i] * cfg.window[i];
  }
  for (i = take; i < n; ++i) y[i] = 0.0f;
}

// The points i .. i + 3 of the bit-reversed packing, gathered from the lane-major frames (lane b at
// y[b * n]), through the stages of length 2 and 4 as one multiply-free radix-4 pass (fft.cpp).
MOTE_BATCH_INLINE void gather_radix4(const float* MOTE_BATCH_RESTRICT y, size_t n, const uint16_t* bitrev,
                                     float* MOTE_BATCH_RESTRICT r0, float* MOTE_BATCH_RESTRICT i0) {
  const float* MOTE_BATCH_RESTRICT y0 = y + 2u * bitrev[0];
  const float* MOTE_BATCH_RESTRICT y1 = y + 2u * bitrev[1];
  const float* MOTE_BATCH_RESTRICT y2 = y + 2u * bitrev[2];
  const float* MOTE_BATCH_RESTRICT y3 = y + 2u * bitrev[3];
  for (size_t b = 0; b < L; ++b) {
    const float a0r = y0[b * n], a0i = y0[b * n + 1], a1r = y1[b * n], a1i = y1[b * n + 1];
    const float a2r = y2[b * n], a2i = y2[b * n + 1], a3r = y3[b * n], a3i = y3[b * n + 1];
    const float s0r = a0r + a1r, s0i = a0i + a1i;
    const float d0r = a0r - a1r, d0i = a0i - a1i;
    const float s1r = a2r + a3r, s1i = a2i + a3i;
    const float d1r = a2r - a3r, d1i = a2i - a3i;
    r0[b] = s0r + s1r;
    i0[b] = s0i + s1i;
    r0[2 * L + b] = s0r - s1r;
    i0[2 * L + b] = s0i - s1i;
    r0[L + b] = d0r + d1i;
    i0[L + b] = d0i - d1r;
    r0[3 * L + b] = d0r - d1i;
    i0[3 * L + b] = d0i + d1r;
  }
}

// Two radix-2 stages at once on the four points p0 = a, p1 = a + half, p2 = a + len, p3 = a + len + half:
// stage len pairs (p0, p1) and (p2, p3) with twiddle w, stage 2 len pairs (p0, p2) with v and (p1, p3)
// with q. The very butterflies of fft.cpp, done while the values sit in registers (half the memory passes).
MOTE_BATCH_INLINE void butterfly2x2(float* MOTE_BATCH_RESTRICT r0, float* MOTE_BATCH_RESTRICT i0,
                                    float* MOTE_BATCH_RESTRICT r1, float* MOTE_BATCH_RESTRICT i1,
                                    float* MOTE_BATCH_RESTRICT r2, float* MOTE_BATCH_RESTRICT i2,
                                    float* MOTE_BATCH_RESTRICT r3, float* MOTE_BATCH_RESTRICT i3, float wr, float wi,
                                    float vr, float vi, float qr, float qi) {
  for (size_t b = 0; b < L; ++b) {
    float x0r = r0[b], x0i = i0[b], x1r = r1[b], x1i = i1[b];
    float x2r = r2[b], x2i = i2[b], x3r = r3[b], x3i = i3[b];
    float tr = wr * x1r - wi * x1i, ti = wr * x1i + wi * x1r;
    x1r = x0r - tr;
    x1i = x0i - ti;
    x0r = x0r + tr;
    x0i = x0i + ti;
    tr = wr * x3r - wi * x3i;
    ti = wr * x3i + wi * x3r;
    x3r = x2r - tr;
    x3i = x2i - ti;
    x2r = x2r + tr;
    x2i = x2i + ti;
    tr = vr * x2r - vi * x2i;
    ti = vr * x2i + vi * x2r;
    r2[b] = x0r - tr;
    i2[b] = x0i - ti;
    r0[b] = x0r + tr;
    i0[b] = x0i + ti;
    tr = qr * x3r - qi * x3i;
    ti = qr * x3i + qi * x3r;
    r3[b] = x1r - tr;
    i3[b] = x1i - ti;
    r1[b] = x1r + tr;
    i1[b] = x1i + ti;
  }
}

// One radix-2 butterfly on every lane, twiddle w = wr + i wi (fft.cpp: butterflies).
MOTE_BATCH_INLINE void butterfly(float* MOTE_BATCH_RESTRICT ar, float* MOTE_BATCH_RESTRICT ai,
                                 float* MOTE_BATCH_RESTRICT br, float* MOTE_BATCH_RESTRICT bi, float wr, float wi) {
  for (size_t b = 0; b < L; ++b) {
    const float tr = wr * br[b] - wi * bi[b];
    const float ti = wr * bi[b] + wi * br[b];
    br[b] = ar[b] - tr;
    bi[b] = ai[b] - ti;
    ar[b] = ar[b] + tr;
    ai[b] = ai[b] + ti;
  }
}

// Bin k of the real spectrum from bins k and m - k of the half-length one, as power / n (fft.cpp: split_power).
MOTE_BATCH_INLINE void split_power(const float* MOTE_BATCH_RESTRICT rk, const float* MOTE_BATCH_RESTRICT ik,
                                   const float* MOTE_BATCH_RESTRICT rm, const float* MOTE_BATCH_RESTRICT imk,
                                   float* MOTE_BATCH_RESTRICT pk, float wr, float wi, float inv_n) {
  for (size_t b = 0; b < L; ++b) {
    const float ar = rk[b], ai = ik[b];
    const float br = rm[b], bi = -imk[b];
    const float er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
    const float or_ = 0.5f * (ai - bi), oi = -0.5f * (ar - br);
    const float xr = er + (wr * or_ - wi * oi);
    const float xi = ei + (wr * oi + wi * or_);
    pk[b] = (xr * xr + xi * xi) * inv_n;
  }
}

// log_f32 of n floored energies: its own operations for the normal values (vectorised), itself for +inf.
MOTE_BATCH_INLINE void log_all(const float* MOTE_BATCH_RESTRICT e, float* MOTE_BATCH_RESTRICT out, size_t n) {
  for (size_t i = 0; i < n; ++i)
    out[i] = fastmath_detail::log_from_parts(fastmath_detail::log_parts(fastmath_detail::bits_of(e[i]), 0));
  for (size_t i = 0; i < n; ++i)
    if (fastmath_detail::bits_of(e[i]) >= 0x7f800000u) out[i] = log_f32(e[i]);
}

// One batch: frames first .. first + lanes - 1 (lanes <= L; idle lanes run on zeros and are not stored).
MOTE_BATCH_CLONES
void mfcc_batch(const MfccConfig& cfg, const float* signal, size_t first, size_t lanes, float* out, float* s) {
  const RfftTables& t = cfg.frames.fft;
  const uint32_t n = t.n, m = n / 2u;
  const size_t filters = cfg.mel.num_filters, ceps = cfg.num_cepstral;
  const Layout at(n, filters);
  float* re = s + at.re;
  float* im = s + at.im;
  float* power = s + at.power;
  float* mel = s + at.mel;
  float* y = s + at.frame;

  // Framing lane by lane (contiguous, vectorised along the frame), then the even/odd packing in
  // bit-reversed order fused with the first two stages (fft.cpp: half_length_fft).
  for (size_t b = 0; b < L; ++b) {
    if (b < lanes) {
      prepare_frame(cfg.frames, signal, first + b, y + b * n);
    } else {
      for (uint32_t i = 0; i < n; ++i) y[b * n + i] = 0.0f;
    }
  }
  for (uint32_t i = 0; i < m; i += 4) gather_radix4(y, n, t.bitrev + i, re + i * L, im + i * L);
  // Radix-2 stages of length 8 .. m, two at a time while two remain; twiddle j of a stage of length len
  // is cos/sin[j * n / len].
  uint32_t len = 8;
  for (; 2 * len <= m; len <<= 2) {
    const uint32_t half = len / 2, step = n / len, step2 = step / 2;
    for (uint32_t i = 0; i < m; i += 2 * len) {
      for (uint32_t j = 0; j < half; ++j) {
        const float wr = t.cos[j * step], wi = -t.sin[j * step];
        const float vr = t.cos[j * step2], vi = -t.sin[j * step2];
        const float qr = t.cos[(j + half) * step2], qi = -t.sin[(j + half) * step2];
        const size_t p0 = (i + j) * L, p1 = p0 + half * L, p2 = p0 + len * L, p3 = p2 + half * L;
        butterfly2x2(re + p0, im + p0, re + p1, im + p1, re + p2, im + p2, re + p3, im + p3, wr, wi, vr, vi, qr, qi);
      }
    }
  }
  if (len <= m) {
    const uint32_t half = len / 2, step = n / len;
    for (uint32_t i = 0; i < m; i += len) {
      for (uint32_t j = 0; j < half; ++j) {
        const float wr = t.cos[j * step], wi = -t.sin[j * step];
        butterfly(re + (i + j) * L, im + (i + j) * L, re + (i + j + half) * L, im + (i + j + half) * L, wr, wi);
      }
    }
  }
  // Power spectrum |X[k]|^2, then / n (fft.cpp: rfft_power_f32; spectrogram.cpp: audio_power_frame).
  const float inv_n = 1.0f / static_cast<float>(n);
  for (size_t b = 0; b < L; ++b) {
    const float x0 = re[b] + im[b], xm = re[b] - im[b];
    power[b] = (x0 * x0) * inv_n;
    power[m * L + b] = (xm * xm) * inv_n;
  }
  for (uint32_t k = 1; k < m; ++k) {
    const float wr = t.cos[k], wi = -t.sin[k];
    split_power(re + k * L, im + k * L, re + (m - k) * L, im + (m - k) * L, power + k * L, wr, wi, inv_n);
  }
  // Mel energies over each filter's bins in increasing order (mfe.cpp: mel_energies_f32), floored.
  const float* w = cfg.mel.weights;
  for (size_t f = 0; f < filters; ++f) {
    float acc[L];
    for (size_t b = 0; b < L; ++b) acc[b] = 0.0f;
    const float* p = power + static_cast<size_t>(cfg.mel.first_bin[f]) * L;
    const uint16_t count = cfg.mel.bin_count[f];
    for (uint16_t k = 0; k < count; ++k) {
      const float wk = w[k];
      for (size_t b = 0; b < L; ++b) acc[b] += wk * p[k * L + b];
    }
    w += count;
    for (size_t b = 0; b < L; ++b) mel[f * L + b] = acc[b] > kLogFloor ? acc[b] : kLogFloor;
  }
  float* log_e = power;  // the power spectrum is spent: reuse it
  log_all(mel, log_e, filters * L);
  // DCT rows, summed over the filters in order, then the lifter (mfcc.cpp).
  for (size_t k = 0; k < ceps; ++k) {
    float acc[L];
    for (size_t b = 0; b < L; ++b) acc[b] = 0.0f;
    const float* d = cfg.dct + k * filters;
    for (size_t f = 0; f < filters; ++f) {
      const float dk = d[f];
      for (size_t b = 0; b < L; ++b) acc[b] += dk * log_e[f * L + b];
    }
    if (cfg.lifter) {
      const float lk = cfg.lifter[k];
      for (size_t b = 0; b < L; ++b) acc[b] = acc[b] * lk;
    }
    for (size_t b = 0; b < lanes; ++b) out[(first + b) * ceps + k] = acc[b];
  }
}

}  // namespace

size_t mfcc_batch_scratch_bytes(const MfccConfig& cfg) {
  if (cfg.frames.fft.n < 16u) return 0;
  return Layout(cfg.frames.fft.n, cfg.mel.num_filters).total * sizeof(float);
}

Status mfcc_batch_f32(const MfccConfig& cfg, const float* signal, size_t signal_len, float* out, size_t out_len,
                      void* scratch, size_t scratch_bytes) {
  // mfcc_f32's checks, in its order, so both return the same status for the same call.
  MOTE_RETURN_IF_ERROR(audio_frames_check(cfg.frames, signal, signal_len));
  MOTE_RETURN_IF_ERROR(mel_filterbank_check(cfg.mel, cfg.frames.fft.n));
  if (cfg.num_cepstral == 0 || cfg.num_cepstral > cfg.mel.num_filters || cfg.dct == 0) return MOTE_ERR_ARG;
  if (out == 0 || scratch == 0) return MOTE_ERR_ARG;
  if (out_len != mfcc_output_len(cfg, signal_len)) return MOTE_ERR_SHAPE;
  if (scratch_bytes < mfcc_batch_scratch_bytes(cfg)) return MOTE_ERR_SCRATCH;
  const size_t frames = audio_frame_count(cfg.frames, signal_len);
  for (size_t f = 0; f < frames; f += L) {
    mfcc_batch(cfg, signal, f, frames - f < L ? frames - f : L, out, static_cast<float*>(scratch));
  }
  if (cfg.mean_normalize) mfcc_subtract_means_f32(out, frames, cfg.num_cepstral);
  return MOTE_OK;
}

}  // namespace dsp
}  // namespace mote
