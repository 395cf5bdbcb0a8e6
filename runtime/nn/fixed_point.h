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

// multiply_by_quantized_multiplier with its per-channel work done once (kernels that requantize several outputs
// of one channel): the addend c 2^31 + 2^30 above is base - [x < 0] 2^31, base = 2^k 2^31 + 2^30 as two words
// (hi = 2^k / 2, lo = 2^30 plus 2^31 when k = 0). The sign of x ^ multiplier is the sign of x for multipliers
// >= 0 (all of TFLite's); negative ones, and r = 0, take the general form (fast = false).
struct RequantChannel {
  int32_t multiplier, shift, k, hi;
  uint32_t lo;
  bool fast;
};

inline RequantChannel requant_channel(int32_t multiplier, int32_t shift) {
  RequantChannel c;
  c.multiplier = multiplier;
  c.shift = shift;
  c.fast = shift < 0 && multiplier >= 0;
  c.k = c.fast ? -shift - 1 : 0;
  c.hi = static_cast<int32_t>((1u << c.k) >> 1);
  c.lo = (c.k == 0 ? 0x80000000u : 0u) + 0x40000000u;
  return c;
}

// The fast form: (x * multiplier + base - [x < 0] 2^31) >> 32 >> k; on the M4 AND, ADDS, ADC, SMLAL, ASR.
inline int32_t requant_fast(const RequantChannel& c, int32_t x) {
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP && defined(__thumb2__)
  uint32_t lo;
  int32_t hi;
  __asm__("and     %[lo], %[x], #0x80000000\n\t"
          "adds    %[lo], %[lo], %[lob]\n\t"
          "adc     %[hi], %[hib], %[x], asr #31\n\t"
          "smlal   %[lo], %[hi], %[x], %[m]\n\t"
          : [lo] "=&r"(lo), [hi] "=&r"(hi)
          : [x] "r"(x), [m] "r"(c.multiplier), [lob] "r"(c.lo), [hib] "r"(c.hi)
          : "cc");
  return hi >> c.k;
#else
  const int64_t base = static_cast<int64_t>(static_cast<uint64_t>(static_cast<uint32_t>(c.hi)) << 32 | c.lo);
  const int64_t addend = base + static_cast<int64_t>(x >> 31) * (static_cast<int64_t>(1) << 31);
  return static_cast<int32_t>((static_cast<int64_t>(x) * c.multiplier + addend) >> 32) >> c.k;
#endif
}

inline int32_t requant_apply(const RequantChannel& c, int32_t x) {
  return c.fast ? requant_fast(c, x) : multiply_by_quantized_multiplier(x, c.multiplier, c.shift);
}

inline int32_t clamp_i32(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

// A channel folded for the M4 assembly passes (fully_connected_s8_fast's table, conv2d's row pairs):
// {multiplier, k = -shift - 1, rounding word (2 offset + 1) 2^(k-1)}, the output offset inside the rounding
// word because (H + offset 2^k) >> k = (H >> k) + offset exactly while the sum fits int32, which multiplier >= 0
// and shift in [-22, -2] guarantee (|H| < 2^30, |offset 2^k| <= 2^28). False for a channel outside that range.
inline bool requant_fold(int32_t multiplier, int32_t shift, int32_t output_offset, int32_t folded[3]) {
  if (multiplier < 0 || shift > -2 || shift < -22) return false;
  folded[0] = multiplier;
  folded[1] = -shift - 1;
  folded[2] = static_cast<int32_t>(static_cast<uint32_t>(2 * output_offset + 1) << (-shift - 2));
  return true;
}

// requant_folded in the M4 assembly passes: the channel in r8 (multiplier), r9 (k), r10 (rounding word), the
// accumulator `acc`, scratch registers `lo` and `hi`; `store` writes the int8 in `hi`. 6 instructions + store.
#define MOTE_NN_M4_REQUANT_FOLDED(acc, lo, hi, store) \
  "and     " lo ", " acc ", #0x80000000\n\t"           \
  "adds    " lo ", " lo ", #0x40000000\n\t"            \
  "adc     " hi ", r10, " acc ", asr #31\n\t"          \
  "smlal   " lo ", " hi ", " acc ", r8\n\t"            \
  "asr     " hi ", " hi ", r9\n\t"                     \
  "ssat    " hi ", #8, " hi "\n\t"                     \
  store "\n\t"

// requant_fast plus the output offset from a folded channel, saturated to int8: (x m + word 2^32 + 2^30
// - [x < 0] 2^31) >> 32 >> k; the assembly's AND, ADDS, ADC, SMLAL, ASR, SSAT.
inline int8_t requant_folded(int32_t x, const int32_t* folded) {
#if defined(__thumb2__) && defined(__ARM_FEATURE_SAT) && __ARM_FEATURE_SAT
  // ARMv7-M and later: the assembly passes' six instructions after loading the channel (LDRD, LDR: an LDM would
  // load in register-number order, whatever registers GCC picks); GCC's int64 form took about twice as many.
  int32_t m, k, word, hi;
  uint32_t lo;
  __asm__("ldrd    %[m], %[k], [%[f]]\n\t"
          "ldr     %[w], [%[f], #8]\n\t"
          "and     %[lo], %[x], #0x80000000\n\t"
          "adds    %[lo], %[lo], #0x40000000\n\t"
          "adc     %[hi], %[w], %[x], asr #31\n\t"
          "smlal   %[lo], %[hi], %[x], %[m]\n\t"
          "asr     %[hi], %[hi], %[k]\n\t"
          "ssat    %[hi], #8, %[hi]\n\t"
          : [lo] "=&r"(lo), [hi] "=&r"(hi), [m] "=&r"(m), [k] "=&r"(k), [w] "=&r"(word)
          : [x] "r"(x), [f] "r"(folded)
          : "cc", "memory");
  return static_cast<int8_t>(hi);
#else
  const int64_t base = static_cast<int64_t>(folded[2]) * (static_cast<int64_t>(1) << 32) + (static_cast<int64_t>(1) << 30) -
                       (x < 0 ? (static_cast<int64_t>(1) << 31) : 0);
  const int32_t high = static_cast<int32_t>((static_cast<int64_t>(x) * folded[0] + base) >> 32);
  const int32_t v = high >> (folded[1] & 31);
  return static_cast<int8_t>(v < -128 ? -128 : (v > 127 ? 127 : v));
#endif
}

// requant_folded without a 64-bit multiply, for cores that have none (ARMv6-M): the same sum x m + word 2^32 +
// 2^30 - [x < 0] 2^31, its high word from four 16 x 16 -> 32 products. For x < 0, x m = (x + 2^32) m - m 2^32
// (the folded multiplier is >= 0), and 2^30 - 2^31 = -2^32 + 0xC0000000. Same result as requant_folded for every
// x and folded channel (tests/nn/kernels_test.cpp).
inline int8_t requant_folded_16x16(int32_t x, const int32_t* folded) {
  const uint32_t a = static_cast<uint32_t>(x), b = static_cast<uint32_t>(folded[0]);
  const uint32_t a0 = a & 0xFFFFu, a1 = a >> 16, b0 = b & 0xFFFFu, b1 = b >> 16;
  const uint32_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0;
  const uint32_t mid = (p00 >> 16) + (p01 & 0xFFFFu) + (p10 & 0xFFFFu);
  const uint32_t lo = (mid << 16) | (p00 & 0xFFFFu);
  const uint32_t add = x < 0 ? 0xC0000000u : 0x40000000u;
  uint32_t hi = a1 * b1 + (p01 >> 16) + (p10 >> 16) + (mid >> 16) + static_cast<uint32_t>(folded[2]);
  if (x < 0) hi -= b + 1u;
  hi += lo + add < lo ? 1u : 0u;
  const int32_t v = static_cast<int32_t>(hi) >> (folded[1] & 31);
  return static_cast<int8_t>(v < -128 ? -128 : (v > 127 ? 127 : v));
}

// The common tail of every MAC kernel: accumulator (bias included) -> int8 output.
inline int8_t requantize(int32_t acc, int32_t multiplier, int32_t shift, int32_t output_offset, int32_t act_min,
                         int32_t act_max) {
  const int32_t v = multiply_by_quantized_multiplier(acc, multiplier, shift) + output_offset;
  return static_cast<int8_t>(clamp_i32(v, act_min, act_max));
}

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_FIXED_POINT_H
