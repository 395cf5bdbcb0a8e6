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

#include <stddef.h>
#include <stdint.h>
#include <string.h>

namespace mote {
namespace dsp {

// Natural log: -inf for +-0, NaN for negative or NaN input, +inf for +inf.
float log_f32(float x);
// Base-10 log, computed directly (not log_f32 x constant) to stay within 1 ulp; same special values.
float log10_f32(float x);
// v[i] = log10_f32(v[i]) for i < count, in place: the same bits, without a call per value.
void log10_f32_inplace(float* v, size_t count);
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
  // x = m 2^e with m in (sqrt(1/2), sqrt(2)]: f = m - 1 is then exact and |s| <= 0.1716. Adding 0x4afb0c
  // carries into the exponent exactly when the mantissa is above 1.41421354 (0x3fb504f3), which then takes
  // exponent 126 instead of 127 (m halved, exactly).
  const uint32_t ix = u + 0x004afb0cu;
  const int e = e_bias + static_cast<int>(ix >> 23) - 127;
  const float m = float_of((ix & 0x007fffffu) + 0x3f3504f4u);
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

// log10 from the parts: 1/ln10 and log10(2) split into a short high part (products with it are exact) and
// the float remainder, so the result stays within 1 ulp.
const float kLog10Of2Hi = 0.301025390625f;
const float kLog10Of2Lo = 4.605039066518657e-06f;
const float kInvLn10Hi = 0.4342041015625f;
const float kInvLn10Lo = 9.038033749675378e-05f;

inline float log10_from_parts(const LogParts& p) {
  // hi keeps 12 significant bits so hi * kInvLn10Hi is exact; lo carries what hi dropped.
  const float hi = float_of(bits_of(p.f - p.hfsq) & 0xfffff000u);
  const float lo = ((p.f - hi) - p.hfsq) + p.tail;
  return ((((p.k * kLog10Of2Lo + (lo + hi) * kInvLn10Lo) + lo * kInvLn10Hi) + hi * kInvLn10Hi) + p.k * kLog10Of2Hi);
}

// True for the bits of a positive normal float.
inline bool positive_normal(uint32_t u) { return u - 0x00800000u < 0x7f000000u; }

// log10_f32 of a positive normal float given its bits, inline for hot loops: log10_f32's very operations.
inline float log10_normal(uint32_t u) { return log10_from_parts(log_parts(u, 0)); }

}  // namespace fastmath_detail

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_FASTMATH_H
