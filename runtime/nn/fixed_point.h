// TFLite's fixed-point requantization (tensorflow/lite/kernels/internal/common.h and gemmlowp), exactly:
// inline in a header because every kernel calls it once per output element in its inner loop.
#ifndef MOTE_NN_FIXED_POINT_H
#define MOTE_NN_FIXED_POINT_H

#include <stdint.h>

namespace mote {
namespace nn {

// gemmlowp SaturatingRoundingDoublingHighMul: (ab + nudge) / 2^31 truncated, nudge = 2^30 for ab >= 0 and
// 1 - 2^30 below, saturating the single overflow case INT32_MIN * INT32_MIN. Both branches equal
// floor((ab + 2^30) / 2^31) (for ab < 0, truncation adds 2^31 - 1 before flooring), so one arithmetic shift:
// about 10 instructions fewer per output on the M4 (tests/nn/kernels_test.cpp checks it against the branches).
inline int32_t sat_rounding_doubling_high_mul(int32_t a, int32_t b) {
  if (a == b && a == INT32_MIN) return INT32_MAX;
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  return static_cast<int32_t>((ab + (static_cast<int64_t>(1) << 30)) >> 31);  // >> of int64 is arithmetic
}

// gemmlowp RoundingDivideByPOT: x / 2^exponent rounded half away from zero; exponent in [0, 31].
inline int32_t rounding_divide_by_pot(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((static_cast<uint32_t>(1) << exponent) - 1u);  // 32-bit: cheap on M4
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);  // >> of a negative int is arithmetic on gcc/clang
}

// Wrapping int32 multiply by 2^s, as TFLite's `x * (1 << left_shift)` on two's complement hardware.
inline int32_t shift_left_wrapping(int32_t x, int s) {
  return static_cast<int32_t>(static_cast<uint32_t>(x) << s);
}

// TFLite MultiplyByQuantizedMultiplier, the two roundings as written in TFLite (the tests' yardstick).
inline int32_t multiply_by_quantized_multiplier_two_step(int32_t x, int32_t multiplier, int32_t shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  return rounding_divide_by_pot(sat_rounding_doubling_high_mul(shift_left_wrapping(x, left), multiplier), right);
}

// TFLite MultiplyByQuantizedMultiplier: x * multiplier * 2^(shift - 31), rounded, bit-identical to the
// two-step form in one 64-bit accumulation. With y = floor((ab + 2^30) / 2^31) and r >= 1, gemmlowp's divide
// is floor((y + 2^(r-1) - [y < 0]) / 2^r) = floor((ab + 2^30 + c 2^31) / 2^(31+r)), c = 2^(r-1) - [y < 0]
// (floor of a floor); [y < 0] may be replaced by the sign of a ^ b, which differs only when
// -2^30 <= ab <= 0, where y = 0 and both give 0. The saturating a = b = INT32_MIN needs no test when r >= 1:
// floor((2^62 + 2^30 + 2^(30+r)) / 2^(31+r)) = 2^(31-r), which is INT32_MAX / 2^r rounded. So: one SMLAL and
// the high word shifted by r - 1 (tests/nn/kernels_test.cpp compares the two forms over every shift).
inline int32_t multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int32_t shift) {
#if defined(__GNUC__)
  if (__builtin_expect(shift >= 0, 0))  // multipliers below 1 (r >= 1) are the rule: keep them on the straight path
#else
  if (shift >= 0)
#endif
    return sat_rounding_doubling_high_mul(shift_left_wrapping(x, shift), multiplier);  // r = 0: no divide
  const int k = -shift - 1;  // r - 1, in [0, 30]
  const int32_t c = static_cast<int32_t>(1u << k) - static_cast<int32_t>(static_cast<uint32_t>(x ^ multiplier) >> 31);
  // c 2^31 + 2^30 as its two words: high c >> 1, low (c & 1) 2^31 + 2^30 (no carry between them).
  const uint32_t lo = (static_cast<uint32_t>(c) << 31) + (1u << 30);
  const uint64_t addend = (static_cast<uint64_t>(static_cast<uint32_t>(c >> 1)) << 32) | lo;
  const int64_t sum = static_cast<int64_t>(x) * multiplier + static_cast<int64_t>(addend);  // |sum| < 2^63
  return static_cast<int32_t>(sum >> 32) >> k;  // >> of a negative int is arithmetic on gcc/clang
}

inline int32_t clamp_i32(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

// The common tail of every MAC kernel: accumulator (bias included) -> int8 output.
inline int8_t requantize(int32_t acc, int32_t multiplier, int32_t shift, int32_t output_offset, int32_t act_min,
                         int32_t act_max) {
  const int32_t v = multiply_by_quantized_multiplier(acc, multiplier, shift) + output_offset;
  return static_cast<int8_t>(clamp_i32(v, act_min, act_max));
}

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_FIXED_POINT_H
