// Portable logf/expf for the data path. glibc's and newlib's libm round differently, so DSP blocks use
// these instead: only float +, -, *, / and bit moves, so every IEEE-754 single-precision platform that
// evaluates float expressions in float (FLT_EVAL_METHOD 0: x86-64 SSE, Cortex-M4F, ...) and does not
// contract a*b+c into FMA (build with -ffp-contract=off, never -ffast-math) gets identical bits.
//
// Accuracy (checked over a sweep of every normal float input in tests/dsp/fastmath_test.cpp):
//   log_f32, log10_f32: < 0.83 ulp (relative error < 1e-7) for every positive finite input, subnormals too;
//   exp_f32:            < 0.96 ulp (relative error < 1.2e-7) wherever the result is a normal float;
//                       subnormal results are rounded twice and may be off by one more ulp.
// Not correctly rounded, but faithful: the result is always one of the two floats around the true value.
#ifndef MOTE_DSP_FASTMATH_H
#define MOTE_DSP_FASTMATH_H

#include <stdint.h>
#include <string.h>

namespace mote {
namespace dsp {

// Natural log: -inf for +-0, NaN for negative or NaN input, +inf for +inf.
float log_f32(float x);
// Base-10 log, computed directly (not log_f32 x constant) to stay within 1 ulp; same special values.
float log10_f32(float x);
// e^x: +inf above 88.7228 (overflow), 0 below -103.9721, NaN for NaN.
float exp_f32(float x);

namespace fastmath_detail {

inline uint32_t bits_of(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}
inline float float_of(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

const float kLn2Hi = 0.693145751953125f;  // k * kLn2Hi is exact for |k| < 2^8
const float kLn2Lo = 1.428606765330187e-06f;

// log(x) = k ln2 + log(1 + f) with log(1 + f) = f - hfsq + s (hfsq + r) carried as separate terms, so
// the large term f stays exact and rounding lands only in the small ones.
struct LogParts {
  float k, f, hfsq, tail;  // tail = s (hfsq + r)
};

// The reduction for u, the bits of a positive normal float (e_bias -24 when it is a subnormal scaled by
// 2^24). Inline and branch-free so vectorised loops (mfcc_batch.cpp) run exactly log_f32's operations.
inline LogParts log_parts(uint32_t u, int e_bias) {
  // x = m 2^e with m in [sqrt(1/2), sqrt(2)): f = m - 1 is then exact and |s| <= 0.1716.
  const int e0 = e_bias + static_cast<int>((u >> 23) & 0xffu) - 127;
  const float m0 = float_of((u & 0x007fffffu) | 0x3f800000u);
  const bool high = m0 > 1.41421356f;
  const float m = high ? m0 * 0.5f : m0;
  const int e = high ? e0 + 1 : e0;
  const float f = m - 1.0f;
  const float s = f / (2.0f + f);
  const float z = s * s;
  // log(1+f) - 2s = s r with r = 2z/3 + 2z^2/5 + ...; terms past z^4 are below 1e-9 for |s| <= 0.1716.
  const float r = z * (0.6666666865f + z * (0.4000000060f + z * (0.2857142984f + z * 0.2222222239f)));
  LogParts p;
  p.k = static_cast<float>(e);
  p.f = f;
  p.hfsq = 0.5f * f * f;
  p.tail = s * (p.hfsq + r);
  return p;
}

inline float log_from_parts(const LogParts& p) { return (((p.tail + p.k * kLn2Lo) - p.hfsq) + p.f) + p.k * kLn2Hi; }

}  // namespace fastmath_detail

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_FASTMATH_H
