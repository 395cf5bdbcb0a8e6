#include "dsp/fastmath.h"

#include <stdint.h>
#include <string.h>

namespace mote {
namespace dsp {

namespace {

using fastmath_detail::bits_of;
using fastmath_detail::float_of;
using fastmath_detail::kLn2Hi;
using fastmath_detail::kLn2Lo;
using fastmath_detail::LogParts;

// NaN tested on the bits: x != x is folded away by compilers told to assume finite math.
inline bool is_nan_bits(uint32_t u) { return (u & 0x7fffffffu) > 0x7f800000u; }

// Returns false (and the final result in *special) for 0, negative, NaN and infinite inputs.
bool log_reduce(float x, LogParts* p, float* special) {
  uint32_t u = bits_of(x);
  if (is_nan_bits(u)) {
    *special = x;
    return false;
  }
  if ((u << 1) == 0) {  // +0 or -0
    *special = -float_of(0x7f800000u);
    return false;
  }
  if (u >> 31) {
    *special = float_of(0x7fc00000u);
    return false;
  }
  if (u >= 0x7f800000u) {
    *special = x;
    return false;
  }
  int e = 0;
  if (u < 0x00800000u) {  // subnormal: scale into the normal range first (exact)
    u = bits_of(x * 16777216.0f);
    e = -24;
  }
  *p = fastmath_detail::log_parts(u, e);
  return true;
}

}  // namespace

float log_f32(float x) {
  LogParts p;
  float special;
  if (!log_reduce(x, &p, &special)) return special;
  return fastmath_detail::log_from_parts(p);
}

namespace {

// log10 of 0, negative, infinite and NaN inputs.
float log10_special(float x) {
  const uint32_t u = bits_of(x);
  if (is_nan_bits(u) || u == 0x7f800000u) return x;  // NaN, +inf
  if ((u << 1) == 0) return -float_of(0x7f800000u);  // +-0
  return float_of(0x7fc00000u);                      // negative
}

}  // namespace

void log10_f32_inplace(float* v, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    const float x = v[i];
    uint32_t u = bits_of(x);
    int e_bias = 0;
    if (!fastmath_detail::positive_normal(u)) {
      if (u - 1u >= 0x007fffffu) {  // not a positive subnormal: 0, negative, infinite or NaN
        v[i] = log10_special(x);
        continue;
      }
      u = bits_of(x * 16777216.0f);  // subnormal: scale into the normal range first (exact)
      e_bias = -24;
    }
    v[i] = fastmath_detail::log10_from_parts(fastmath_detail::log_parts(u, e_bias));
  }
}

float log10_f32(float x) {
  log10_f32_inplace(&x, 1);
  return x;
}

float exp_f32(float x) {
  if (is_nan_bits(bits_of(x))) return x;
  if (x > 88.72283f) return float_of(0x7f800000u);
  if (x < -103.97208f) return 0.0f;
  // x = k ln2 + r with |r| <= ln2 / 2 (k ln2 subtracted in two exact-ish steps).
  const float kf = x * 1.44269504f;
  const int k = static_cast<int>(kf < 0 ? kf - 0.5f : kf + 0.5f);
  const float fk = static_cast<float>(k);
  const float r = (x - fk * kLn2Hi) - fk * kLn2Lo;
  // e^r = 1 + (r + r^2 q(r)): Taylor to r^8, added to 1 last so its rounding error is the smallest.
  const float q = 0.5f + r * (1.66666672e-1f + r * (4.16666679e-2f + r * (8.33333377e-3f +
                                                                           r * (1.38888892e-3f + r * (1.98412701e-4f + r * 2.48015876e-5f)))));
  const float p = 1.0f + (r + r * r * q);
  // Scale by 2^k in two steps so results near the subnormal or overflow range stay representable.
  if (k < -125) return p * float_of(static_cast<uint32_t>(k + 127 + 60) << 23) * float_of(static_cast<uint32_t>(127 - 60) << 23);
  if (k > 127) return p * float_of(static_cast<uint32_t>(k + 127 - 1) << 23) * 2.0f;
  return p * float_of(static_cast<uint32_t>(k + 127) << 23);
}

}  // namespace dsp
}  // namespace mote
