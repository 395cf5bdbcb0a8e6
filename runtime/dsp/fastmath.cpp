#include "dsp/fastmath.h"

#include <stdint.h>
#include <string.h>

namespace mote {
namespace dsp {

namespace {

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

// NaN tested on the bits: x != x is folded away by compilers told to assume finite math.
inline bool is_nan_bits(uint32_t u) { return (u & 0x7fffffffu) > 0x7f800000u; }

// Constants split into a short high part (k * hi is exact for |k| < 2^8) and the float remainder.
const float kLn2Hi = 0.693145751953125f;
const float kLn2Lo = 1.428606765330187e-06f;
const float kLog10Of2Hi = 0.301025390625f;
const float kLog10Of2Lo = 4.605039066518657e-06f;
const float kInvLn10Hi = 0.4342041015625f;
const float kInvLn10Lo = 9.038033749675378e-05f;

// log(x) = k ln2 + log(1 + f) with log(1 + f) = f - hfsq + s (hfsq + r) carried as separate terms, so
// the large term f stays exact and rounding lands only in the small ones.
struct LogParts {
  float k, f, hfsq, tail;  // tail = s (hfsq + r)
};

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
  // x = m 2^e with m in [sqrt(1/2), sqrt(2)): f = m - 1 is then exact and |s| <= 0.1716.
  e += static_cast<int>((u >> 23) & 0xffu) - 127;
  float m = float_of((u & 0x007fffffu) | 0x3f800000u);
  if (m > 1.41421356f) {
    m *= 0.5f;
    e += 1;
  }
  const float f = m - 1.0f;
  const float s = f / (2.0f + f);
  const float z = s * s;
  // log(1+f) - 2s = s r with r = 2z/3 + 2z^2/5 + ...; terms past z^4 are below 1e-9 for |s| <= 0.1716.
  const float r = z * (0.6666666865f + z * (0.4000000060f + z * (0.2857142984f + z * 0.2222222239f)));
  p->k = static_cast<float>(e);
  p->f = f;
  p->hfsq = 0.5f * f * f;
  p->tail = s * (p->hfsq + r);
  return true;
}

}  // namespace

float log_f32(float x) {
  LogParts p;
  float special;
  if (!log_reduce(x, &p, &special)) return special;
  return (((p.tail + p.k * kLn2Lo) - p.hfsq) + p.f) + p.k * kLn2Hi;
}

float log10_f32(float x) {
  LogParts p;
  float special;
  if (!log_reduce(x, &p, &special)) return special;
  // hi keeps 12 significant bits so hi * kInvLn10Hi is exact; lo carries what hi dropped.
  const float hi = float_of(bits_of(p.f - p.hfsq) & 0xfffff000u);
  const float lo = ((p.f - hi) - p.hfsq) + p.tail;
  return ((((p.k * kLog10Of2Lo + (lo + hi) * kInvLn10Lo) + lo * kInvLn10Hi) + hi * kInvLn10Hi) + p.k * kLog10Of2Hi);
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
