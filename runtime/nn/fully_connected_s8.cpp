#include "nn/fully_connected_s8.h"

#include "nn/fixed_point.h"
#include "nn/simd.h"

namespace mote {
namespace nn {

size_t fully_connected_s8_scratch_bytes(const FullyConnectedS8Params&) { return 0; }

static Status check(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int8_t* input,
                    const int8_t* weights, const int8_t* output) {
  if (!input || !weights || !output || !q.multiplier || !q.shift) return MOTE_ERR_ARG;
  if (p.input_size <= 0 || p.output_size <= 0) return MOTE_ERR_SHAPE;
  if (p.input_size > kMaxDotLength) return MOTE_ERR_UNSUPPORTED;
  if (!valid_input_offset(p.input_offset) || !valid_output_offset(p.output_offset) ||
      !valid_activation(p.act_min, p.act_max))
    return MOTE_ERR_ARG;
  return MOTE_OK;
}

// Rows per group starting at row o: 4 while 4 remain, then 2, then 1.
static inline int32_t group_rows(int32_t output_size, int32_t o) {
  const int32_t left = output_size - o;
  return left >= 4 ? 4 : (left >= 2 ? 2 : 1);
}

bool fully_connected_s8_pack_weights(int32_t input_size, int32_t output_size, const int8_t* rows, int8_t* packed) {
  const size_t in = static_cast<size_t>(input_size);
  for (size_t k = 0; k < in * static_cast<size_t>(output_size); ++k)
    if (rows[k] == -128) return false;
  const int32_t n4 = input_size & ~3;
  for (int32_t o = 0; o < output_size;) {
    const int32_t g = group_rows(output_size, o);
    const int8_t* src = rows + static_cast<size_t>(o) * in;
    int8_t* dst = packed + static_cast<size_t>(o) * in;
    if (g == 1) {
      for (size_t i = 0; i < in; ++i) dst[i] = src[i];
    } else {
      for (int32_t i = 0; i < n4; i += 4)
        for (int32_t r = 0; r < g; r += 2)
          for (int32_t k : simd::kPairTapOrder) {
            const int32_t lo = src[static_cast<size_t>(r) * in + static_cast<size_t>(i + k)];
            const int32_t hi = src[static_cast<size_t>(r + 1) * in + static_cast<size_t>(i + k)];
            *dst++ = static_cast<int8_t>(lo);
            *dst++ = simd::pair_high_byte(lo, hi);
          }
      for (int32_t r = 0; r < g; ++r)
        for (int32_t i = n4; i < input_size; ++i) *dst++ = src[static_cast<size_t>(r) * in + static_cast<size_t>(i)];
    }
    o += g;
  }
  return true;
}

// Decodes the packed order weight by weight and multiplies in plain int32: an independent reading of the
// layout and the math, and the path of cores without the DSP extension.
Status fully_connected_s8_ref(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int8_t* input,
                              const int8_t* weights, const int32_t* bias, int8_t* output) {
  MOTE_RETURN_IF_ERROR(check(p, q, input, weights, output));
  const int32_t n4 = p.input_size & ~3;
  for (int32_t o = 0; o < p.output_size;) {
    const int32_t g = group_rows(p.output_size, o);
    const int8_t* w = weights + static_cast<size_t>(o) * static_cast<size_t>(p.input_size);
    int32_t acc[4];
    for (int32_t r = 0; r < g; ++r) acc[r] = bias ? bias[o + r] : 0;
    if (g == 1) {
      for (int32_t i = 0; i < p.input_size; ++i) acc[0] += w[i] * (input[i] + p.input_offset);
    } else {
      for (int32_t i = 0; i < n4; i += 4)
        for (int32_t r = 0; r < g; r += 2)
          for (int32_t k : simd::kPairTapOrder) {
            const int32_t xv = input[i + k] + p.input_offset;
            const int32_t lo = w[0], hi = simd::pair_high_weight(lo, w[1]);
            w += 2;
            acc[r] += lo * xv;
            acc[r + 1] += hi * xv;
          }
      for (int32_t r = 0; r < g; ++r)
        for (int32_t i = n4; i < p.input_size; ++i) acc[r] += *w++ * (input[i] + p.input_offset);
    }
    for (int32_t r = 0; r < g; ++r)
      output[o + r] = requantize(acc[r], q.multiplier[o + r], q.shift[o + r], p.output_offset, p.act_min, p.act_max);
    o += g;
  }
  return MOTE_OK;
}

// Out of line and on its own: inlined into the group loop, its parameters were reloaded from spills for
// every output (about 45 instructions per output on the M4). Without a fused activation (act_min -128,
// act_max 127, also ReLU at output zero point -128) the clamp is one SSAT instead of two compares.
template <bool kFullRange>
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void requantize_rows(const int32_t* acc, int32_t rows, const int32_t* multiplier, const int32_t* shift,
                            const FullyConnectedS8Params& p, int8_t* output) {
  const int32_t out_off = p.output_offset, lo = p.act_min, hi = p.act_max;
  for (int32_t r = 0; r < rows; ++r) {
    const int32_t v = multiply_by_quantized_multiplier(acc[r], multiplier[r], shift[r]) + out_off;
    output[r] = static_cast<int8_t>(kFullRange ? simd::ssat8(v) : clamp_i32(v, lo, hi));
  }
}

// Three instructions per four MACs (SMLAD of the pair's word, SXTB16 of it, SMLAD), SXTAB16 adds the input
// offset while splitting an input word into (0, 2) and (1, 3). Four rows (two pairs) share each input word.
Status fully_connected_s8_dsp(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int8_t* input,
                              const int8_t* weights, const int32_t* bias, int8_t* output) {
  MOTE_RETURN_IF_ERROR(check(p, q, input, weights, output));
  if ((reinterpret_cast<uintptr_t>(weights) & 3u) != 0) return MOTE_ERR_ARG;  // LDRD on the M4
  const int32_t off2 = simd::dup16(p.input_offset);
  const int32_t n4 = p.input_size & ~3;
  const int32_t tail = p.input_size - n4;
  const bool full_range = p.act_min == -128 && p.act_max == 127;
  for (int32_t o = 0; o < p.output_size;) {
    const int32_t g = group_rows(p.output_size, o);
    const int8_t* w = weights + static_cast<size_t>(o) * static_cast<size_t>(p.input_size);
    // Scalars, not an array: an array kept the accumulators on the stack between chunks.
    int32_t a0 = bias ? bias[o] : 0, a1 = 0, a2 = 0, a3 = 0;
    if (bias && g > 1) a1 = bias[o + 1];
    if (bias && g > 2) a2 = bias[o + 2], a3 = bias[o + 3];
    const int8_t* x = input;
    if (g == 1) {  // a plain row: SXTB16 both operands
      int32_t a = a0;
      for (int32_t i = 0; i < n4; i += 4) {
        const int32_t xw = simd::load32(x + i), ww = simd::load32(w + i);
        a = simd::smlad(simd::sxtab16(off2, xw), simd::sxtb16(ww), a);
        a = simd::smlad(simd::sxtab16_ror8(off2, xw), simd::sxtb16_ror8(ww), a);
      }
      for (int32_t i = n4; i < p.input_size; ++i) a += w[i] * (x[i] + p.input_offset);
      a0 = a;
    } else {
      for (int32_t left = n4 >> 2; left > 0;) {
        int32_t n = left < simd::kPairChunkBlocks ? left : simd::kPairChunkBlocks;
        left -= n;
        int32_t s01 = 0, y0 = 0, s23 = 0, y2 = 0;
        if (g == 4) {
#if MOTE_NN_HW_DSP && defined(__thumb2__)
          // 17 instructions per 16 MACs: LDR input, 2 SXTAB16, two LDRD of the pairs' words, 4 x (SMLAD,
          // SXTB16, SMLAD); two blocks per SUBS + BNE, an odd count enters at the second block. No flags change
          // inside a block, so LSRS's carry (odd) and zero (no pairs) serve both branches.
          int32_t xa, xb, wa, wb, t;
#define MOTE_FC_BLOCK                             \
  "ldr     %[xa], [%[x]], #4\n\t"                 \
  "ldrd    %[wa], %[wb], [%[w]], #8\n\t"          \
  "sxtab16 %[xb], %[off], %[xa], ror #8\n\t"      \
  "sxtab16 %[xa], %[off], %[xa]\n\t"              \
  "smlad   %[s01], %[wa], %[xa], %[s01]\n\t"      \
  "sxtb16  %[t], %[wa]\n\t"                       \
  "smlad   %[y0], %[t], %[xa], %[y0]\n\t"         \
  "smlad   %[s01], %[wb], %[xb], %[s01]\n\t"      \
  "sxtb16  %[t], %[wb]\n\t"                       \
  "smlad   %[y0], %[t], %[xb], %[y0]\n\t"         \
  "ldrd    %[wa], %[wb], [%[w]], #8\n\t"          \
  "smlad   %[s23], %[wa], %[xa], %[s23]\n\t"      \
  "sxtb16  %[t], %[wa]\n\t"                       \
  "smlad   %[y2], %[t], %[xa], %[y2]\n\t"         \
  "smlad   %[s23], %[wb], %[xb], %[s23]\n\t"      \
  "sxtb16  %[t], %[wb]\n\t"                       \
  "smlad   %[y2], %[t], %[xb], %[y2]\n\t"
          __asm__ volatile(
              "lsrs    %[n], %[n], #1\n\t"
              "bcc     1f\n\t"
              "adds    %[n], %[n], #1\n\t"
              "b       4f\n\t"
              "1:\n\t"
              "beq     3f\n\t"
              "2:\n\t"
              MOTE_FC_BLOCK
              "4:\n\t"
              MOTE_FC_BLOCK
              "subs    %[n], %[n], #1\n\t"
              "bne     2b\n\t"
              "3:\n\t"
              : [s01] "+r"(s01), [y0] "+r"(y0), [s23] "+r"(s23), [y2] "+r"(y2), [x] "+r"(x), [w] "+r"(w),
                [n] "+r"(n), [xa] "=&r"(xa), [xb] "=&r"(xb), [wa] "=&r"(wa), [wb] "=&r"(wb), [t] "=&r"(t)
              : [off] "r"(off2)
              : "cc", "memory");
#undef MOTE_FC_BLOCK
#else
          for (; n > 0; --n, x += 4, w += 16) {
            const int32_t xw = simd::load32(x);
            const int32_t xa = simd::sxtab16(off2, xw), xb = simd::sxtab16_ror8(off2, xw);
            const int32_t a = simd::load32(w), b = simd::load32(w + 4);
            s01 = simd::smlad(a, xa, s01);
            y0 = simd::smlad(simd::sxtb16(a), xa, y0);
            s01 = simd::smlad(b, xb, s01);
            y0 = simd::smlad(simd::sxtb16(b), xb, y0);
            const int32_t c = simd::load32(w + 8), d = simd::load32(w + 12);
            s23 = simd::smlad(c, xa, s23);
            y2 = simd::smlad(simd::sxtb16(c), xa, y2);
            s23 = simd::smlad(d, xb, s23);
            y2 = simd::smlad(simd::sxtb16(d), xb, y2);
          }
#endif
        } else {
          for (; n > 0; --n, x += 4, w += 8) {
            const int32_t xw = simd::load32(x);
            const int32_t xa = simd::sxtab16(off2, xw), xb = simd::sxtab16_ror8(off2, xw);
            const int32_t a = simd::load32(w), b = simd::load32(w + 4);
            s01 = simd::smlad(a, xa, s01);
            y0 = simd::smlad(simd::sxtb16(a), xa, y0);
            s01 = simd::smlad(b, xb, s01);
            y0 = simd::smlad(simd::sxtb16(b), xb, y0);
          }
        }
        a0 += y0;
        a1 += simd::pair_high_row(s01, y0);
        a2 += y2;
        a3 += simd::pair_high_row(s23, y2);
      }
      for (int32_t k = 0; k < tail; ++k) {
        const int32_t xv = x[k] + p.input_offset;
        a0 += w[k] * xv;
        a1 += w[tail + k] * xv;
        if (g == 4) {
          a2 += w[2 * tail + k] * xv;
          a3 += w[3 * tail + k] * xv;
        }
      }
    }
    const int32_t acc[4] = {a0, a1, a2, a3};
    if (full_range)
      requantize_rows<true>(acc, g, q.multiplier + o, q.shift + o, p, output + o);
    else
      requantize_rows<false>(acc, g, q.multiplier + o, q.shift + o, p, output + o);
    o += g;
  }
  return MOTE_OK;
}

Status fully_connected_s8(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int8_t* input,
                          const int8_t* weights, const int32_t* bias, int8_t* output) {
#if MOTE_NN_HW_DSP
  return fully_connected_s8_dsp(p, q, input, weights, bias, output);
#else
  return fully_connected_s8_ref(p, q, input, weights, bias, output);
#endif
}

}  // namespace nn
}  // namespace mote
