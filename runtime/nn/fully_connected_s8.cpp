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

size_t fully_connected_s8_weight_index(int32_t input_size, int32_t output_size, int32_t o, int32_t i) {
  const size_t in = static_cast<size_t>(input_size);
  if (o >= (output_size & ~3)) return static_cast<size_t>(o) * in + static_cast<size_t>(i);  // rows past the groups
  const size_t base = static_cast<size_t>(o & ~3) * in, r = static_cast<size_t>(o & 3);
  const size_t n4 = in & ~static_cast<size_t>(3), ui = static_cast<size_t>(i);
  if (ui < n4) return base + (ui & ~static_cast<size_t>(3)) * 4 + r * 4 + (ui & 3);
  return base + n4 * 4 + r * (in - n4) + (ui - n4);
}

void fully_connected_s8_pack_weights(int32_t input_size, int32_t output_size, const int8_t* rows, int8_t* packed) {
  for (int32_t o = 0; o < output_size; ++o)
    for (int32_t i = 0; i < input_size; ++i)
      packed[fully_connected_s8_weight_index(input_size, output_size, o, i)] =
          rows[static_cast<size_t>(o) * static_cast<size_t>(input_size) + static_cast<size_t>(i)];
}

// Walks the packed order in storage order: a row group's 16-byte blocks, its tails, then the plain rows.
Status fully_connected_s8_ref(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int8_t* input,
                              const int8_t* weights, const int32_t* bias, int8_t* output) {
  MOTE_RETURN_IF_ERROR(check(p, q, input, weights, output));
  const int32_t n4 = p.input_size & ~3, o4 = p.output_size & ~3;
  const int8_t* w = weights;
  for (int32_t o = 0; o < p.output_size; o += (o < o4 ? 4 : 1)) {
    const int32_t rows = o < o4 ? 4 : 1;
    int32_t acc[4];
    for (int32_t r = 0; r < rows; ++r) acc[r] = bias ? bias[o + r] : 0;
    if (rows == 4) {
      for (int32_t i = 0; i < n4; i += 4) {  // the block's 4 inputs serve the group's 4 rows
        const int32_t x0 = input[i] + p.input_offset, x1 = input[i + 1] + p.input_offset;
        const int32_t x2 = input[i + 2] + p.input_offset, x3 = input[i + 3] + p.input_offset;
        for (int32_t r = 0; r < 4; ++r, w += 4) acc[r] += w[0] * x0 + w[1] * x1 + w[2] * x2 + w[3] * x3;
      }
      for (int32_t r = 0; r < 4; ++r)
        for (int32_t k = n4; k < p.input_size; ++k) acc[r] += *w++ * (input[k] + p.input_offset);
    } else {
      for (int32_t i = 0; i < p.input_size; ++i) acc[0] += *w++ * (input[i] + p.input_offset);
    }
    for (int32_t r = 0; r < rows; ++r)
      output[o + r] = requantize(acc[r], q.multiplier[o + r], q.shift[o + r], p.output_offset, p.act_min, p.act_max);
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
static void requantize4(const int32_t* acc, const int32_t* multiplier, const int32_t* shift,
                        const FullyConnectedS8Params& p, int8_t* output) {
  const int32_t out_off = p.output_offset, lo = p.act_min, hi = p.act_max;
  for (int32_t r = 0; r < 4; ++r) {
    const int32_t v = multiply_by_quantized_multiplier(acc[r], multiplier[r], shift[r]) + out_off;
    output[r] = static_cast<int8_t>(kFullRange ? simd::ssat8(v) : clamp_i32(v, lo, hi));
  }
}

// Four MACs per SMLAD pair: SXTB16 splits bytes (0,2) and (1,3) of both operands the same way, so the
// pairing is consistent; SXTAB16 adds the input offset while sign-extending. Four rows at a time share each
// unpacked input word; their weights are interleaved (one pointer, consecutive words), which is what keeps
// four accumulators in registers (four row pointers spilled on the M4). No int16 input copy in scratch:
// it would save 2 of 23 instructions per 16 MACs but cost 2 bytes of arena per input.
Status fully_connected_s8_dsp(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int8_t* input,
                              const int8_t* weights, const int32_t* bias, int8_t* output) {
  MOTE_RETURN_IF_ERROR(check(p, q, input, weights, output));
  if ((reinterpret_cast<uintptr_t>(weights) & 3u) != 0) return MOTE_ERR_ARG;  // LDRD on the M4
  const int32_t off2 = simd::dup16(p.input_offset);
  const int32_t n4 = p.input_size & ~3;
  const int32_t tail = p.input_size - n4;
  const int32_t o4 = p.output_size & ~3;
  const int8_t* w = weights;
  const bool full_range = p.act_min == -128 && p.act_max == 127;
  int32_t o = 0;
  for (; o < o4; o += 4) {
    int32_t acc0 = bias ? bias[o] : 0;
    int32_t acc1 = bias ? bias[o + 1] : 0;
    int32_t acc2 = bias ? bias[o + 2] : 0;
    int32_t acc3 = bias ? bias[o + 3] : 0;
    const int8_t* x = input;
    int32_t n = n4 >> 2;
#if MOTE_NN_HW_DSP && defined(__thumb2__)
    // On the M4, GCC keeps an end pointer and spills it (27 instructions per 16 MACs); by hand one block of 4
    // inputs is 21: LDR input, two LDRD weights (4 rows x 4 bytes), 2 SXTAB16, 8 SXTB16, 8 SMLAD; the loop
    // runs two blocks per SUBS + BNE (44 per 32 MACs), an odd count enters it at its second block. No flags
    // change inside a block, so LSRS's carry (odd) and zero (no pairs) serve both branches. LDRD needs
    // word-aligned weights: checked on entry (generated arrays are alignas(4)).
    {
      int32_t xa, xb, wa, wb, t;
#define MOTE_FC_BLOCK                             \
  "ldr     %[xa], [%[x]], #4\n\t"                 \
  "ldrd    %[wa], %[wb], [%[w]], #8\n\t"          \
  "sxtab16 %[xb], %[off], %[xa], ror #8\n\t"      \
  "sxtab16 %[xa], %[off], %[xa]\n\t"              \
  "sxtb16  %[t], %[wa], ror #8\n\t"               \
  "sxtb16  %[wa], %[wa]\n\t"                      \
  "smlad   %[a0], %[xa], %[wa], %[a0]\n\t"        \
  "smlad   %[a0], %[xb], %[t], %[a0]\n\t"         \
  "sxtb16  %[t], %[wb], ror #8\n\t"               \
  "sxtb16  %[wb], %[wb]\n\t"                      \
  "smlad   %[a1], %[xa], %[wb], %[a1]\n\t"        \
  "smlad   %[a1], %[xb], %[t], %[a1]\n\t"         \
  "ldrd    %[wa], %[wb], [%[w]], #8\n\t"          \
  "sxtb16  %[t], %[wa], ror #8\n\t"               \
  "sxtb16  %[wa], %[wa]\n\t"                      \
  "smlad   %[a2], %[xa], %[wa], %[a2]\n\t"        \
  "smlad   %[a2], %[xb], %[t], %[a2]\n\t"         \
  "sxtb16  %[t], %[wb], ror #8\n\t"               \
  "sxtb16  %[wb], %[wb]\n\t"                      \
  "smlad   %[a3], %[xa], %[wb], %[a3]\n\t"        \
  "smlad   %[a3], %[xb], %[t], %[a3]\n\t"
      __asm__ volatile(
          "lsrs    %[n], %[n], #1\n\t"  // n = pairs of blocks; C: an odd block, Z: no pair
          "bcc     1f\n\t"
          "adds    %[n], %[n], #1\n\t"  // an odd block: one more pass, entered at its second block
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
          : [a0] "+r"(acc0), [a1] "+r"(acc1), [a2] "+r"(acc2), [a3] "+r"(acc3), [x] "+r"(x), [w] "+r"(w),
            [n] "+r"(n), [xa] "=&r"(xa), [xb] "=&r"(xb), [wa] "=&r"(wa), [wb] "=&r"(wb), [t] "=&r"(t)
          : [off] "r"(off2)
          : "cc", "memory");
#undef MOTE_FC_BLOCK
    }
#else
    for (; n > 0; --n) {
      const int32_t xw = simd::load32(x);
      x += 4;
      const int32_t xa = simd::sxtab16(off2, xw);
      const int32_t xb = simd::sxtab16_ror8(off2, xw);
      const int32_t a = simd::load32(w);
      acc0 = simd::smlad(xa, simd::sxtb16(a), acc0);
      acc0 = simd::smlad(xb, simd::sxtb16_ror8(a), acc0);
      const int32_t b = simd::load32(w + 4);
      acc1 = simd::smlad(xa, simd::sxtb16(b), acc1);
      acc1 = simd::smlad(xb, simd::sxtb16_ror8(b), acc1);
      const int32_t c = simd::load32(w + 8);
      acc2 = simd::smlad(xa, simd::sxtb16(c), acc2);
      acc2 = simd::smlad(xb, simd::sxtb16_ror8(c), acc2);
      const int32_t d = simd::load32(w + 12);
      acc3 = simd::smlad(xa, simd::sxtb16(d), acc3);
      acc3 = simd::smlad(xb, simd::sxtb16_ror8(d), acc3);
      w += 16;
    }
#endif
    for (int32_t k = 0; k < tail; ++k) {
      const int32_t xv = input[n4 + k] + p.input_offset;
      acc0 += w[k] * xv;
      acc1 += w[tail + k] * xv;
      acc2 += w[2 * tail + k] * xv;
      acc3 += w[3 * tail + k] * xv;
    }
    w += 4 * tail;
    const int32_t acc[4] = {acc0, acc1, acc2, acc3};
    if (full_range)
      requantize4<true>(acc, q.multiplier + o, q.shift + o, p, output + o);
    else
      requantize4<false>(acc, q.multiplier + o, q.shift + o, p, output + o);
  }
  // The last output_size % 4 rows are stored row by row.
  for (; o < p.output_size; ++o) {
    const int8_t* wr = weights + static_cast<size_t>(o) * p.input_size;
    int32_t acc = bias ? bias[o] : 0;
    int32_t i = 0;
    for (; i < n4; i += 4) {
      const int32_t xw = simd::load32(input + i);
      const int32_t a = simd::load32(wr + i);
      acc = simd::smlad(simd::sxtab16(off2, xw), simd::sxtb16(a), acc);
      acc = simd::smlad(simd::sxtab16_ror8(off2, xw), simd::sxtb16_ror8(a), acc);
    }
    for (; i < p.input_size; ++i) acc += wr[i] * (input[i] + p.input_offset);
    output[o] = requantize(acc, q.multiplier[o], q.shift[o], p.output_offset, p.act_min, p.act_max);
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
