#include "nn/softmax_s8.h"

#include "nn/fixed_point.h"
#include "nn/simd.h"

namespace mote {
namespace nn {

// gemmlowp FixedPoint<int32_t, N> helpers on raw values; N (integer bits) is tracked in the names.
namespace {

inline int32_t add_wrap(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
inline int32_t sub_wrap(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
}
inline int32_t mul(int32_t a, int32_t b) { return sat_rounding_doubling_high_mul(a, b); }

#if defined(__thumb__) && !defined(__thumb2__)
// a * b as int64 on ARMv6-M, which has no long multiply (GCC calls __aeabi_lmul, a 64 x 64 product through
// __muldi3: about 45 instructions; here 19). a = a1 2^16 + a0, b = b1 2^16 + b0 (a1, b1 signed; a0, b0 unsigned):
// a1 b1 2^32 + a0 b0, plus each cross product's low half << 16 into the low word (carry by ADCS) and its
// arithmetic high half into the high word.
__attribute__((naked, noinline)) int64_t mul_wide(int32_t a, int32_t b) {
  __asm__ volatile(
      ".syntax unified\n\t"
      "push    {r4, r5, lr}\n\t"
      "uxth    r2, r0\n\t"       // a0
      "asrs    r3, r0, #16\n\t"  // a1
      "uxth    r4, r1\n\t"       // b0
      "asrs    r5, r1, #16\n\t"  // b1
      "movs    r0, r2\n\t"
      "muls    r0, r4\n\t"       // a0 b0: the low word
      "muls    r2, r5\n\t"       // a0 b1
      "muls    r4, r3\n\t"       // a1 b0
      "muls    r5, r3\n\t"       // a1 b1: the high word
      "lsls    r1, r2, #16\n\t"
      "asrs    r2, r2, #16\n\t"
      "adds    r0, r0, r1\n\t"
      "adcs    r5, r2\n\t"
      "lsls    r1, r4, #16\n\t"
      "asrs    r4, r4, #16\n\t"
      "adds    r0, r0, r1\n\t"
      "adcs    r5, r4\n\t"
      "movs    r1, r5\n\t"
      "pop     {r4, r5, pc}\n\t"
      ".syntax divided\n\t");
}
#else
inline int64_t mul_wide(int32_t a, int32_t b) { return static_cast<int64_t>(a) * b; }
#endif

// The same when a > 0, so a * b cannot be the saturating INT32_MIN * INT32_MIN (no test needed).
inline int32_t mul_positive(int32_t a, int32_t b) {
  return static_cast<int32_t>((mul_wide(a, b) + (static_cast<int64_t>(1) << 30)) >> 31);
}

// SaturatingRoundingMultiplyByPOT with a positive exponent: saturating left shift. On cores with the DSP
// extension, e saturating doublings (QADD; once saturated, doubling again keeps the bound), which are the same.
inline int32_t sat_shift_left(int32_t x, int e) {
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
  if (e == 1) return __qadd(x, x);
  if (e == 2) {
    const int32_t twice = __qadd(x, x);
    return __qadd(twice, twice);
  }
#endif
  const int32_t threshold = static_cast<int32_t>((static_cast<int64_t>(1) << (31 - e)) - 1);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return shift_left_wrapping(x, e);
}

// exp(a) for a in [-1/4, 0), Q0.31 in and out: Taylor series around -1/8.
int32_t exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a) {
  const int32_t constant_term = 1895147668;     // exp(-1/8)
  const int32_t constant_1_over_3 = 715827883;  // 1/3
  const int32_t x = add_wrap(a, 1 << 28);       // a + 1/8
  const int32_t x2 = mul(x, x);
  const int32_t x3 = mul(x2, x);
  const int32_t x4 = mul(x2, x2);
  const int32_t x4_over_4 = rounding_divide_by_pot(x4, 2);
  const int32_t poly = rounding_divide_by_pot(add_wrap(mul(add_wrap(x4_over_4, x3), constant_1_over_3), x2), 1);
  return add_wrap(constant_term, mul(constant_term, add_wrap(x, poly)));
}

// exp(a) for a <= 0 in Q5.26, result Q0.31: exp of a mod 1/4, times exp(-2^k) for each set bit of the rest.
int32_t exp_on_negative_values_q5(int32_t a) {
  const int kFractionalBits = 26;
  const int32_t one_quarter = 1 << (kFractionalBits - 2);
  const int32_t mask = one_quarter - 1;
  const int32_t a_mod_quarter_minus_one_quarter = sub_wrap(a & mask, one_quarter);
  int32_t result = exp_on_interval_between_negative_one_quarter_and_0_excl(sat_shift_left(a_mod_quarter_minus_one_quarter, 5));
  const int32_t remainder = sub_wrap(a_mod_quarter_minus_one_quarter, a);
  static const int32_t kMultipliers[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  for (int e = -2; e <= 4; ++e)  // exp(-2^e) in Q0.31
    if (remainder & (1 << (kFractionalBits + e))) result = mul(result, kMultipliers[e + 2]);
  return a == 0 ? INT32_MAX : result;  // exactly 1 (saturated Q0.31 "one")
}

// 1 / (1 + x) for x in [0, 1), Q0.31 in and out, Newton-Raphson in Q2.29. Every product has a positive
// factor: the half denominator is in [1/2, 1) and x converges to 1 / it from 48/17 - 32/17 of it (in (1, 2]).
int32_t one_over_one_plus_x_for_x_in_0_1(int32_t a) {
  // RoundingHalfSum(a, One) = (a + 2^31 - 1 + 1) / 2 truncated, exactly (a >> 1) + 2^30 for a >= 0.
  const int32_t half_denominator = (a >> 1) + (1 << 30);
  const int32_t constant_48_over_17 = 1515870810, constant_neg_32_over_17 = -1010580540;
  int32_t x = add_wrap(constant_48_over_17, mul_positive(half_denominator, constant_neg_32_over_17));
  for (int i = 0; i < 3; ++i) {
    const int32_t half_denominator_times_x = mul_positive(half_denominator, x);
    const int32_t one_minus = sub_wrap(1 << 29, half_denominator_times_x);
    x = add_wrap(x, sat_shift_left(mul_positive(x, one_minus), 2));  // Q4.27 -> Q2.29
  }
  return sat_shift_left(x, 1);  // x / 2 reinterpreted in Q1.30, rescaled to Q0.31
}

// Bits above the top set one; x > 0 here (the row maximum alone adds 2^19 to the sum).
int count_leading_zeros(uint32_t x) {
#if defined(__GNUC__)
  return __builtin_clz(x);  // one CLZ on the M4 instead of a loop of up to 12 steps
#else
  int n = 0;
  while (n < 32 && !(x & (0x80000000u >> n))) ++n;
  return n;
#endif
}

const int kAccumulationIntegerBits = 12;

int32_t exp_of_difference(const SoftmaxS8Params& p, int32_t diff) {
  return exp_on_negative_values_q5(mul(shift_left_wrapping(diff, p.input_left_shift), p.input_multiplier));
}

// GetReciprocal: 1 / sum with the sum normalised into [1, 2); *exponent: the output's rounding shift.
int32_t reciprocal_of_sum(int32_t sum_of_exps, int* exponent) {
  const int headroom_plus_one = count_leading_zeros(static_cast<uint32_t>(sum_of_exps));
  const int num_bits_over_unit = kAccumulationIntegerBits - headroom_plus_one;
  const int32_t shifted_sum_minus_one = static_cast<int32_t>(
      (static_cast<uint32_t>(sum_of_exps) << headroom_plus_one) - (static_cast<uint32_t>(1) << 31));
  *exponent = num_bits_over_unit + 31 - 8;
  return one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one);
}

// rounding_divide_by_pot(mul(scale, e), exponent) is TFLite's MultiplyByQuantizedMultiplier(e, scale,
// -exponent), whose fused form is cheaper; exponent > 31 needs sums of 2^28 (rows of over 256 equal values).
int8_t output_of(int32_t exp_in_0, int32_t shifted_scale, int exponent) {
  const int32_t unsat = exponent <= 31 ? multiply_by_quantized_multiplier(exp_in_0, shifted_scale, -exponent)
                                       : rounding_divide_by_pot(mul(shifted_scale, exp_in_0), exponent);
  return static_cast<int8_t>(clamp_i32(unsat + kSoftmaxOutputZeroPoint, -128, 127));
}

// rounding_divide_by_pot(e, 12) for e >= 0 (every exp is), as one add and shift: half rounds up.
inline int32_t sum_term(int32_t e) { return static_cast<int32_t>((static_cast<uint32_t>(e) + 2048u) >> 12); }

Status check(const SoftmaxS8Params& p, const int8_t* input, const int8_t* output) {
  if (!input || !output) return MOTE_ERR_ARG;
  if (p.rows <= 0 || p.depth <= 0) return MOTE_ERR_SHAPE;
  if (p.input_left_shift < 0 || p.input_left_shift > 30 || p.diff_min > 0) return MOTE_ERR_ARG;
  return MOTE_OK;
}

int32_t row_max(const int8_t* in, int32_t depth) {
  int32_t m = -128;
  for (int32_t c = 0; c < depth; ++c)
    if (in[c] > m) m = in[c];
  return m;
}

}  // namespace

size_t softmax_s8_scratch_bytes(const SoftmaxS8Params&) { return 0; }

Status softmax_s8(const SoftmaxS8Params& p, const int8_t* input, int8_t* output) {
  MOTE_RETURN_IF_ERROR(check(p, input, output));
  for (int32_t r = 0; r < p.rows; ++r) {
    const int8_t* in = input + static_cast<size_t>(r) * p.depth;
    int8_t* out = output + static_cast<size_t>(r) * p.depth;
    const int32_t max_in_row = row_max(in, p.depth);
    // exp() is most of the cost: rows of up to kCached values keep theirs for the second pass (same values).
    const int32_t kCached = 16;
    int32_t cache[kCached];
    const bool cached = p.depth <= kCached;
    int32_t sum_of_exps = 0;  // Q12.19
    for (int32_t c = 0; c < p.depth; ++c) {
      const int32_t diff = in[c] - max_in_row;
      if (diff >= p.diff_min) {
        const int32_t e = exp_of_difference(p, diff);
        if (cached) cache[c] = e;
        sum_of_exps = add_wrap(sum_of_exps, sum_term(e));
      }
    }
    int exponent;
    const int32_t shifted_scale = reciprocal_of_sum(sum_of_exps, &exponent);
    for (int32_t c = 0; c < p.depth; ++c) {
      const int32_t diff = in[c] - max_in_row;
      if (diff >= p.diff_min)
        out[c] = output_of(cached ? cache[c] : exp_of_difference(p, diff), shifted_scale, exponent);
      else
        out[c] = -128;
    }
  }
  return MOTE_OK;
}

// Past the first entries, exp values <= 2047 change nothing: rounding_divide_by_pot(e, 12) is 0 and the output
// is rounding_divide_by_pot(mul(scale, e), >= 23) - 128 with mul(scale, e) <= e < 2^22, so -128.
Status softmax_s8_exp_table(const SoftmaxS8Params& p, int32_t* exp_table, int32_t* size) {
  if (!exp_table || !size) return MOTE_ERR_ARG;
  if (p.input_left_shift < 0 || p.input_left_shift > 30 || p.diff_min > 0) return MOTE_ERR_ARG;
  const int32_t entries = -p.diff_min + 1 < kSoftmaxExpTableMax ? -p.diff_min + 1 : kSoftmaxExpTableMax;
  int32_t used = 1;
  for (int32_t k = 0; k < entries; ++k) {
    exp_table[k] = exp_of_difference(p, -k);
    if (exp_table[k] > 2047) used = k + 1;
  }
  for (int32_t k = used; k < kSoftmaxExpTableMax; ++k) exp_table[k] = 0;
  *size = used;
  return MOTE_OK;
}

Status softmax_s8_table(const SoftmaxS8Params& p, const int32_t* exp_table, int32_t table_size,
                        const int8_t* input, int8_t* output) {
  // What the table path reads: the exps are the table's (input_left_shift made them), diff_min is its size.
  if (!input || !output || !exp_table) return MOTE_ERR_ARG;
  if (p.rows <= 0 || p.depth <= 0) return MOTE_ERR_SHAPE;
  if (table_size < 1 || table_size > kSoftmaxExpTableMax || table_size > 1 - p.diff_min || exp_table[0] != INT32_MAX)
    return MOTE_ERR_ARG;
  const int32_t depth = p.depth, rows = p.rows;  // locals: the int8 stores may alias anything, p included
  for (int32_t r = 0; r < rows; ++r) {
    const int8_t* in = input + static_cast<size_t>(r) * depth;
    const int8_t* const in_end = in + depth;
    int8_t* out = output + static_cast<size_t>(r) * depth;
    const int32_t max_in_row = row_max(in, depth);
    int32_t sum_of_exps = 0;  // Q12.19
    for (const int8_t* x = in; x != in_end; ++x) {
      const int32_t k = max_in_row - *x;
      if (k < table_size) sum_of_exps = add_wrap(sum_of_exps, sum_term(exp_table[k]));
    }
    int exponent;
    const int32_t shifted_scale = reciprocal_of_sum(sum_of_exps, &exponent);
    if (exponent <= 31) {
      // The usual row: output_of's rounding as requant_fast of one channel for the whole row, and exps are >= 0,
      // so without the negative nudge: (e * scale + base) >> 32 >> k, one SMLAL; and never below -128.
      const RequantChannel ch = requant_channel(shifted_scale, -exponent);
      const int64_t base = static_cast<int64_t>(static_cast<uint64_t>(static_cast<uint32_t>(ch.hi)) << 32 | ch.lo);
      const int32_t scale = ch.multiplier, shift = ch.k;
      for (const int8_t* x = in; x != in_end; ++x, ++out) {
        const int32_t k = max_in_row - *x;
        *out = static_cast<int8_t>(
            k < table_size
                ? simd::ssat8((static_cast<int32_t>((mul_wide(exp_table[k], scale) + base) >> 32) >> shift) +
                              kSoftmaxOutputZeroPoint)
                : -128);
      }
      continue;
    }
    for (const int8_t* x = in; x != in_end; ++x, ++out) {
      const int32_t k = max_in_row - *x;
      *out = k < table_size ? output_of(exp_table[k], shifted_scale, exponent) : static_cast<int8_t>(-128);
    }
  }
  return MOTE_OK;
}

}  // namespace nn
}  // namespace mote
