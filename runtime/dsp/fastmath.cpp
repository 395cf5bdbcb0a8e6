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

// ln 2 split so k * LN2_HI is exact for |k| < 2^9.
const float kLn2Hi = 0.693145751953125f;
const float kLn2Lo = 1.428606765330187045e-06f;

}  // namespace

float log_f32(float x) {
  uint32_t u = bits_of(x);
  if (x != x || (u >> 31)) return x == 0.0f ? -float_of(0x7f800000u) : float_of(0x7fc00000u);  // NaN, <0; -0 -> -inf
  if (x == 0.0f) return -float_of(0x7f800000u);
  if (u >= 0x7f800000u) return x;  // +inf
  int e = 0;
  if (u < 0x00800000u) {  // subnormal: scale into the normal range first
    x *= 16777216.0f;     // 2^24
    u = bits_of(x);
    e = -24;
  }
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2)).
  e += static_cast<int>((u >> 23) & 0xff) - 127;
  float m = float_of((u & 0x007fffffu) | 0x3f800000u);
  if (m > 1.41421356f) {
    m *= 0.5f;
    e += 1;
  }
  // log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716: an odd series to s^9 is below float precision.
  const float s = (m - 1.0f) / (m + 1.0f);
  const float s2 = s * s;
  const float poly = 2.0f + s2 * (0.6666666865f + s2 * (0.4000000060f + s2 * (0.2857142984f + s2 * 0.2222222222f)));
  const float fe = static_cast<float>(e);
  return fe * kLn2Hi + (s * poly + fe * kLn2Lo);
}

float log10_f32(float x) { return log_f32(x) * 0.4342944819f; }

float exp_f32(float x) {
  if (x != x) return x;
  if (x > 88.7228f) return float_of(0x7f800000u);
  if (x < -103.97f) return 0.0f;
  // x = k ln2 + r with |r| <= ln2 / 2; e^r by its Taylor series to r^7.
  const float kf = x * 1.442695041f;
  const int k = static_cast<int>(kf < 0 ? kf - 0.5f : kf + 0.5f);
  const float fk = static_cast<float>(k);
  const float r = (x - fk * kLn2Hi) - fk * kLn2Lo;
  const float p = 1.0f + r * (1.0f + r * (0.5f + r * (1.6666667e-1f + r * (4.1666668e-2f + r * (8.3333338e-3f +
                                                                                      r * (1.3888889e-3f + r * 1.9841270e-4f))))));
  // Scale by 2^k in two steps so results near the subnormal range do not overflow the exponent.
  if (k < -125) return p * float_of(static_cast<uint32_t>(k + 127 + 60) << 23) * float_of(static_cast<uint32_t>(127 - 60) << 23);
  if (k > 127) return p * float_of(static_cast<uint32_t>(k + 127 - 1) << 23) * 2.0f;
  return p * float_of(static_cast<uint32_t>(k + 127) << 23);
}

}  // namespace dsp
}  // namespace mote
