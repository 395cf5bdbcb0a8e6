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

// TFLite MultiplyByQuantizedMultiplier: x * multiplier * 2^(shift - 31), rounded.
inline int32_t multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int32_t shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  return rounding_divide_by_pot(sat_rounding_doubling_high_mul(shift_left_wrapping(x, left), multiplier), right);
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
