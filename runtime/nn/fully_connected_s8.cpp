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

// acc[r] += row o + r . (input + offset) for the g rows of one group, w at the group's packed weights, decoded
// weight by weight in plain int32.
static void accumulate_group(const FullyConnectedS8Params& p, const int8_t* input, const int8_t* w, int32_t g,
                             int32_t* acc) {
  const int32_t n4 = p.input_size & ~3;
  if (g == 1) {
    for (int32_t i = 0; i < p.input_size; ++i) acc[0] += w[i] * (input[i] + p.input_offset);
    return;
  }
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

// Decodes the packed order weight by weight and multiplies in plain int32: an independent reading of the
// layout and the math, and the path of cores without the DSP extension.
Status fully_connected_s8_ref(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int8_t* input,
                              const int8_t* weights, const int32_t* bias, int8_t* output) {
  MOTE_RETURN_IF_ERROR(check(p, q, input, weights, output));
  for (int32_t o = 0; o < p.output_size;) {
    const int32_t g = group_rows(p.output_size, o);
    int32_t acc[4];
    for (int32_t r = 0; r < g; ++r) acc[r] = bias ? bias[o + r] : 0;
    accumulate_group(p, input, weights + static_cast<size_t>(o) * static_cast<size_t>(p.input_size), g, acc);
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

size_t fully_connected_s8_fast_table_words(const FullyConnectedS8Params& p) {
  return p.output_size > 0 ? 4u * static_cast<size_t>(p.output_size) : 0;
}

// Where row r of a g-row group keeps its bias in the table: 4-row groups store (b0, b2, b1, b3), so one LDRD
// gives the two pairs' low rows (the accumulators' start) and one the high rows (the folds).
static inline int32_t bias_slot(int32_t g, int32_t r) { return g == 4 ? ((r & 1) << 1) | (r >> 1) : r; }

bool fully_connected_s8_fast_table(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int32_t* bias,
                                   int32_t* table) {
  if (!bias || !q.multiplier || !q.shift || p.output_size <= 0 || p.input_size <= 0 || p.act_min != -128 ||
      p.act_max != 127 || (p.input_size >> 2) > simd::kPairChunkBlocks || !valid_output_offset(p.output_offset))
    return false;
  for (int32_t o = 0; o < p.output_size;) {
    const int32_t g = group_rows(p.output_size, o);
    int32_t* t = table + 4 * o;
    for (int32_t r = 0; r < g; ++r) {
      t[bias_slot(g, r)] = bias[o + r];
      if (!requant_fold(q.multiplier[o + r], q.shift[o + r], p.output_offset, t + g + 3 * r)) return false;
    }
    o += g;
  }
  return true;
}

size_t fully_connected_s8_fast_shared_table_words(const FullyConnectedS8Params& p) {
  return p.output_size > 0 ? 3u + static_cast<size_t>(p.output_size) : 0;
}

bool fully_connected_s8_fast_shared_table(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int32_t* bias,
                                          int32_t* table) {
  if (!bias || !q.multiplier || !q.shift || p.output_size <= 0 || p.input_size <= 0 || p.act_min != -128 ||
      p.act_max != 127 || (p.input_size >> 2) > simd::kPairChunkBlocks || !valid_output_offset(p.output_offset))
    return false;
  for (int32_t o = 1; o < p.output_size; ++o)
    if (q.multiplier[o] != q.multiplier[0] || q.shift[o] != q.shift[0]) return false;
  if (!requant_fold(q.multiplier[0], q.shift[0], p.output_offset, table)) return false;
  for (int32_t o = 0; o < p.output_size;) {
    const int32_t g = group_rows(p.output_size, o);
    for (int32_t r = 0; r < g; ++r) table[3 + o + bias_slot(g, r)] = bias[o + r];
    o += g;
  }
  return true;
}

#if MOTE_NN_HW_DSP && defined(__thumb2__)
// A whole layer in one hand-scheduled pass (Cortex-M4): every 4-row group, then a pair if output_size % 4 >= 2
// (a last single row is the caller's): bias, the row-pair MAC loop, the fold, the input_size % 4 tail and
// requantization at 8 instructions per output from the layer's table, no C between groups (GCC's group code
// spilled around the 13-register loop: about 100 instructions per group, and 20 per output for
// requantization). The pass keeps its state in a 40-byte frame at sp, so every register is free for the loop.
// Preconditions, checked by the caller: 0 <= input_size >> 2 <= kPairChunkBlocks. Layer fields at 0 input,
// 4 weights, 8 table, 12 output, 16 input_size, 20 output_size, 24 input_offset.

// One output: acc (a register) -> int8 at [r2] from the folded channel at r12 (advanced); r3, r11 scratch.
#define MOTE_FC_OUT(acc)                         \
  "ldmia   r12!, {r8, r9, r10}\n\t"              \
  MOTE_NN_M4_REQUANT_FOLDED(acc, "r3", "r11", "strb    r11, [r2], #1")
// The same with the layer's one channel already in r8-r10.
#define MOTE_FC_OUT_SHARED(acc) MOTE_NN_M4_REQUANT_FOLDED(acc, "r3", "r11", "strb    r11, [r2], #1")

// An input word into r8, then widened: r8 = inputs (0, 2) and r9 = (1, 3) as int16, plus the offset in r3.
#define MOTE_FC_INPUT                            \
  "ldr     r8, [r0], #4\n\t"
#define MOTE_FC_WIDEN                            \
  "sxtab16 r9, r3, r8, ror #8\n\t"               \
  "sxtab16 r8, r3, r8\n\t"

// One pair's two words (wa: taps 0, 2; wb: 1, 3) against the widened input: S += both rows, y += the low row
// (SMLAD, SXTB16 in place, SMLAD per word).
#define MOTE_FC_PAIR_WORDS(wa, wb, s, y)         \
  "smlad   " s ", " wa ", r8, " s "\n\t"         \
  "sxtb16  " wa ", " wa "\n\t"                   \
  "smlad   " y ", " wa ", r8, " y "\n\t"         \
  "smlad   " s ", " wb ", r9, " s "\n\t"         \
  "sxtb16  " wb ", " wb "\n\t"                   \
  "smlad   " y ", " wb ", r9, " y "\n\t"

// One block of 4 inputs x 4 rows, 16 instructions: LDR input, LDM of the two pairs' 4 words, the widening,
// both pairs' words.
#define MOTE_FC_GROUP_BLOCK                      \
  MOTE_FC_INPUT                                  \
  "ldmia   r1!, {r10, r11, r12, lr}\n\t"         \
  MOTE_FC_WIDEN                                  \
  MOTE_FC_PAIR_WORDS("r10", "r11", "r4", "r5")   \
  MOTE_FC_PAIR_WORDS("r12", "lr", "r6", "r7")

// One block of 4 inputs x 2 rows, 10 instructions.
#define MOTE_FC_PAIR_BLOCK                       \
  MOTE_FC_INPUT                                  \
  "ldrd    r10, r11, [r1], #8\n\t"               \
  MOTE_FC_WIDEN                                  \
  MOTE_FC_PAIR_WORDS("r10", "r11", "r4", "r5")

// Frame: 0 input, 4 weights (advanced), 8 blocks, 12 input offset in both halfwords, 16 table (advanced),
// 20 output (advanced), 24 tail, 28 the 4-row groups' table end, 32 input offset, 36 output_size; the shared
// variant also 40 its one folded channel (the table's first 3 words; biases follow, 4 bytes per row).
// Groups: r4 = S (rows 0, 1), r5 = y0, r6 = S (rows 2, 3), r7 = y2; pair: r4 = S, r5 = y0.
// One text for both passes: FRAME (stack bytes), SETUP (after the descriptor's load: the shared table's channel
// and first bias), SHIFT (table bytes per row: lsl #4 = 16, lsl #2 = 4), GROUP_OUT / PAIR_OUT (the outputs).
#define MOTE_FC_LAYER_PASS(FRAME, SETUP, SHIFT, GROUP_OUT, PAIR_OUT)                                          \
  __asm__ volatile(                                                                                           \
      "push    {r4-r11, lr}\n\t"                                                                               \
      "sub     sp, sp, #" FRAME "\n\t"                                                                        \
      "ldr     r8, [r0, #24]\n\t" /* the frame in r0-r9, stored at once */                                   \
      "ldrd    r2, r9, [r0, #16]\n\t"                                                                        \
      "ldmia   r0, {r0, r1, r4, r5}\n\t" /* input, weights, table, output */                                  \
      SETUP                                                                                                   \
      "and     r6, r2, #3\n\t"                                                                               \
      "bic     r7, r9, #3\n\t"                                                                               \
      "add     r7, r4, r7, " SHIFT "\n\t"                                                                     \
      "lsr     r2, r2, #2\n\t"                                                                               \
      "pkhbt   r3, r8, r8, lsl #16\n\t"                                                                      \
      "stmia   sp, {r0-r9}\n\t"                                                                              \
      "cmp     r4, r7\n\t"                                                                                   \
      "beq     20f\n\t"                                                                                      \
      "10:\n\t"                                                                                              \
      "ldmia   sp, {r0, r1, r2, r3}\n\t" /* input, weights, blocks, offsets */                                \
      "ldr     r12, [sp, #16]\n\t"                                                                           \
      "ldrd    r5, r7, [r12]\n\t" /* S and y of a pair both start at the low row's bias */                    \
      "mov     r4, r5\n\t"                                                                                   \
      "mov     r6, r7\n\t"                                                                                   \
      MOTE_NN_FOUR_BLOCKS_PER_PASS("r2", "r8", MOTE_FC_GROUP_BLOCK)                                           \
      "ldr     r12, [sp, #16]\n\t"                                                                           \
      "ldrd    r8, r9, [r12, #8]\n\t"                                                                        \
      "sub     r4, r4, r5\n\t"                                                                               \
      "add     r4, r8, r4, asr #8\n\t" /* row 1 = b1 + (S - y0) / 256 */                                      \
      "sub     r6, r6, r7\n\t"                                                                               \
      "add     r6, r9, r6, asr #8\n\t" /* row 3 */                                                           \
      "ldr     r10, [sp, #24]\n\t" /* the tail: rows' last input_size % 4 weights, row by row */             \
      "cmp     r10, #0\n\t"                                                                                  \
      "beq     16f\n\t"                                                                                      \
      "ldr     r3, [sp, #32]\n\t"                                                                            \
      "add     lr, r10, r10, lsl #1\n\t"                                                                     \
      "mov     r11, r10\n\t"                                                                                 \
      "15:\n\t"                                                                                              \
      "ldrsb   r8, [r0], #1\n\t"                                                                             \
      "add     r8, r8, r3\n\t"                                                                               \
      "ldrsb   r9, [r1]\n\t"                                                                                 \
      "mla     r5, r9, r8, r5\n\t"                                                                           \
      "ldrsb   r9, [r1, r10]\n\t"                                                                            \
      "mla     r4, r9, r8, r4\n\t"                                                                           \
      "ldrsb   r9, [r1, r10, lsl #1]\n\t"                                                                    \
      "mla     r7, r9, r8, r7\n\t"                                                                           \
      "ldrsb   r9, [r1, lr]\n\t"                                                                             \
      "mla     r6, r9, r8, r6\n\t"                                                                           \
      "add     r1, r1, #1\n\t"                                                                               \
      "subs    r11, r11, #1\n\t"                                                                             \
      "bne     15b\n\t"                                                                                      \
      "add     r1, r1, lr\n\t"                                                                               \
      "16:\n\t"                                                                                              \
      "str     r1, [sp, #4]\n\t"                                                                             \
      "ldr     r2, [sp, #20]\n\t"                                                                            \
      GROUP_OUT                                                                                               \
      "str     r2, [sp, #20]\n\t"                                                                            \
      "ldr     r8, [sp, #28]\n\t"                                                                            \
      "cmp     r12, r8\n\t"                                                                                  \
      "bne     10b\n\t"                                                                                      \
      "20:\n\t"                                                                                              \
      "ldr     r8, [sp, #36]\n\t"                                                                            \
      "tst     r8, #2\n\t"                                                                                   \
      "beq     30f\n\t"                                                                                      \
      "ldmia   sp, {r0, r1, r2, r3}\n\t"                                                                     \
      "ldr     r12, [sp, #16]\n\t"                                                                           \
      "ldr     r5, [r12]\n\t"                                                                                \
      "mov     r4, r5\n\t"                                                                                   \
      MOTE_NN_FOUR_BLOCKS_PER_PASS("r2", "r8", MOTE_FC_PAIR_BLOCK)                                            \
      "ldr     r8, [r12, #4]\n\t"                                                                            \
      "sub     r4, r4, r5\n\t"                                                                               \
      "add     r4, r8, r4, asr #8\n\t"                                                                       \
      "ldr     r10, [sp, #24]\n\t"                                                                           \
      "cmp     r10, #0\n\t"                                                                                  \
      "beq     26f\n\t"                                                                                      \
      "ldr     r3, [sp, #32]\n\t"                                                                            \
      "mov     r11, r10\n\t"                                                                                 \
      "25:\n\t"                                                                                              \
      "ldrsb   r8, [r0], #1\n\t"                                                                             \
      "add     r8, r8, r3\n\t"                                                                               \
      "ldrsb   r9, [r1]\n\t"                                                                                 \
      "mla     r5, r9, r8, r5\n\t"                                                                           \
      "ldrsb   r9, [r1, r10]\n\t"                                                                            \
      "mla     r4, r9, r8, r4\n\t"                                                                           \
      "add     r1, r1, #1\n\t"                                                                               \
      "subs    r11, r11, #1\n\t"                                                                             \
      "bne     25b\n\t"                                                                                      \
      "26:\n\t"                                                                                              \
      "ldr     r2, [sp, #20]\n\t"                                                                            \
      PAIR_OUT                                                                                                \
      "30:\n\t"                                                                                              \
      "add     sp, sp, #" FRAME "\n\t"                                                                        \
      "pop     {r4-r11, pc}\n\t")

// Per-channel table: after the 4 biases each output reads its own folded channel (LDM with writeback).
__attribute__((naked, noinline)) static void fc_layer_m4(const FullyConnectedS8FastLayer*) {
  MOTE_FC_LAYER_PASS("40", "", "lsl #4",
                     "add     r12, r12, #16\n\t" MOTE_FC_OUT("r5") MOTE_FC_OUT("r4") MOTE_FC_OUT("r7") MOTE_FC_OUT("r6")
                     "str     r12, [sp, #16]\n\t",
                     "add     r12, r12, #8\n\t" MOTE_FC_OUT("r5") MOTE_FC_OUT("r4"));
}

// Shared table (one requantization for the layer, e.g. a per-tensor quantized model): the folded channel is
// loaded once per group and the table walks 4 bytes per row.
__attribute__((naked, noinline)) static void fc_layer_shared_m4(const FullyConnectedS8FastLayer*) {
  MOTE_FC_LAYER_PASS("48", "str     r4, [sp, #40]\n\tadd     r4, r4, #12\n\t", "lsl #2",
                     "add     r12, r12, #16\n\t"
                     "str     r12, [sp, #16]\n\t"
                     "ldr     r12, [sp, #40]\n\t"
                     "ldmia   r12, {r8, r9, r10}\n\t" MOTE_FC_OUT_SHARED("r5") MOTE_FC_OUT_SHARED("r4")
                     MOTE_FC_OUT_SHARED("r7") MOTE_FC_OUT_SHARED("r6")
                     "ldr     r12, [sp, #16]\n\t",
                     "ldr     r12, [sp, #40]\n\t"
                     "ldmia   r12, {r8, r9, r10}\n\t" MOTE_FC_OUT_SHARED("r5") MOTE_FC_OUT_SHARED("r4"));
}
#undef MOTE_FC_LAYER_PASS
#undef MOTE_FC_OUT_SHARED
#undef MOTE_FC_OUT
#undef MOTE_FC_INPUT
#undef MOTE_FC_WIDEN
#undef MOTE_FC_PAIR_WORDS
#undef MOTE_FC_GROUP_BLOCK
#undef MOTE_FC_PAIR_BLOCK
#endif

// Thumb-1 (ARMv6-M: the Cortex-M0) keeps the reference's sums: its eight low registers and register-offset-only
// LDRSH made this form longer there (fc_demo_105x20: 46 631 instructions against 39 480).
#if (MOTE_NN_HW_DSP && defined(__thumb2__)) || (defined(__thumb__) && !defined(__thumb2__))
#define MOTE_FC_FAST_MUL 0
#else
#define MOTE_FC_FAST_MUL 1
#endif
#if MOTE_FC_FAST_MUL
// The fast path's sums without the DSP extension, in plain 32-bit C with no branch per MAC: a pair's stored
// int16 h = 256 w[hi] + w[lo] (simd.h's row pairs) times the input is both rows' products in one multiply
// (S += h x), its low byte times the input the low row's (y[lo] += w[lo] x), and y[hi] = (S - y[lo]) / 256 at
// the end: two multiplies per two MACs. Exact while |y[hi]| < 2^23, which the fast path's input_size (at most
// 4 kPairChunkBlocks + 3) guarantees. acc[] holds the group's rows in order, w points at its packed weights.
static inline int32_t pair_word(const int8_t* w) {
  int16_t h;
  memcpy(&h, w, 2);
  return h;
}

template <int kPairs>
static void accumulate_pairs_mul(const int8_t* input, int32_t offset, int32_t n, const int8_t* w, int32_t* acc) {
  const int32_t n4 = n & ~3, tail = n - n4;
  uint32_t s0 = 0, s1 = 0;  // modulo 2^32, as SMLAD: 256 y[hi] + y[lo] may pass 2^31, (S - y[lo]) does not
  int32_t y0 = 0, y1 = 0;
  for (int32_t i = 0; i < n4; i += 4, w += 8 * kPairs) {
    const int32_t x0 = input[i] + offset, x1 = input[i + 1] + offset, x2 = input[i + 2] + offset, x3 = input[i + 3] + offset;
    // A block's halfwords in simd::kPairTapOrder: inputs 0, 2, 1, 3.
    s0 += static_cast<uint32_t>(pair_word(w) * x0 + pair_word(w + 2) * x2 + pair_word(w + 4) * x1 + pair_word(w + 6) * x3);
    y0 += w[0] * x0 + w[2] * x2 + w[4] * x1 + w[6] * x3;
    if (kPairs == 2) {
      s1 += static_cast<uint32_t>(pair_word(w + 8) * x0 + pair_word(w + 10) * x2 + pair_word(w + 12) * x1 +
                                  pair_word(w + 14) * x3);
      y1 += w[8] * x0 + w[10] * x2 + w[12] * x1 + w[14] * x3;
    }
  }
  acc[0] += y0;
  acc[1] += simd::pair_high_row(static_cast<int32_t>(s0), y0);
  if (kPairs == 2) {
    acc[2] += y1;
    acc[3] += simd::pair_high_row(static_cast<int32_t>(s1), y1);
  }
  for (int32_t r = 0; r < 2 * kPairs; ++r, w += tail)
    for (int32_t k = 0; k < tail; ++k) acc[r] += w[k] * (input[n4 + k] + offset);
}

static void accumulate_group_mul(const int8_t* input, int32_t offset, int32_t n, const int8_t* w, int32_t g, int32_t* acc) {
  if (g == 4) return accumulate_pairs_mul<2>(input, offset, n, w, acc);
  if (g == 2) return accumulate_pairs_mul<1>(input, offset, n, w, acc);
  int32_t a = acc[0];
  for (int32_t i = 0; i < n; ++i) a += w[i] * (input[i] + offset);
  acc[0] = a;
}
#endif

// Both table forms; each public entry instantiates one, so a firmware links only the pass it calls.
template <bool kShared>
static Status fast_layer(const FullyConnectedS8FastLayer& layer) {
  if (!layer.table || !layer.input || !layer.weights || !layer.output) return MOTE_ERR_ARG;
  if (layer.input_size <= 0 || layer.output_size <= 0) return MOTE_ERR_SHAPE;
  if (!valid_input_offset(layer.input_offset) || (reinterpret_cast<uintptr_t>(layer.weights) & 3u) != 0)
    return MOTE_ERR_ARG;  // LDM/LDRD on the M4
  if ((layer.input_size >> 2) > simd::kPairChunkBlocks) return MOTE_ERR_UNSUPPORTED;
  const int32_t n = layer.input_size;
#if MOTE_NN_HW_DSP && defined(__thumb2__)
  if (kShared) fc_layer_shared_m4(&layer);
  else fc_layer_m4(&layer);
  if (layer.output_size & 1) {  // a last single row, plain int8 (small for flash: no general group code linked)
    const int32_t o = layer.output_size - 1;
    const int8_t* w = layer.weights + static_cast<size_t>(o) * static_cast<size_t>(n);
    int32_t acc = kShared ? layer.table[3 + o] : layer.table[4 * o];
    for (int32_t i = 0; i < n; ++i) acc += w[i] * (layer.input[i] + layer.input_offset);
    layer.output[o] = requant_folded(acc, kShared ? layer.table : layer.table + 4 * o + 1);
  }
#else
  const FullyConnectedS8Params p = {n, layer.output_size, layer.input_offset, 0, -128, 127};
  for (int32_t o = 0; o < p.output_size;) {  // two multiplies per two MACs, the table's requantization
    const int32_t g = group_rows(p.output_size, o);
    const int32_t* t = kShared ? layer.table + 3 + o : layer.table + 4 * o;
    int32_t acc[4];
    for (int32_t r = 0; r < g; ++r) acc[r] = t[bias_slot(g, r)];
#if MOTE_FC_FAST_MUL
    accumulate_group_mul(layer.input, p.input_offset, n, layer.weights + static_cast<size_t>(o) * static_cast<size_t>(n), g, acc);
#else
    accumulate_group(p, layer.input, layer.weights + static_cast<size_t>(o) * static_cast<size_t>(n), g, acc);
#endif
    for (int32_t r = 0; r < g; ++r)
      layer.output[o + r] = requant_folded(acc[r], kShared ? layer.table : t + g + 3 * r);
    o += g;
  }
#endif
  return MOTE_OK;
}

Status fully_connected_s8_fast(const FullyConnectedS8FastLayer& layer) { return fast_layer<false>(layer); }
Status fully_connected_s8_fast_shared(const FullyConnectedS8FastLayer& layer) { return fast_layer<true>(layer); }

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
          // SXTB16, SMLAD); two blocks per pass (MOTE_NN_TWO_BLOCKS_PER_PASS).
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
          __asm__ volatile(MOTE_NN_TWO_BLOCKS_PER_PASS("%[n]", MOTE_FC_BLOCK)
              : [s01] "+r"(s01), [y0] "+r"(y0), [s23] "+r"(s23), [y2] "+r"(y2), [x] "+r"(x), [w] "+r"(w),
                [n] "+r"(n), [xa] "=&r"(xa), [xb] "=&r"(xb), [wa] "=&r"(wa), [wb] "=&r"(wb), [t] "=&r"(t)
              : [off] "r"(off2)
              : "cc", "memory");
#undef MOTE_FC_BLOCK
#else
          for (; n > 0; --n, x += 4, w += 16) {
            const int32_t xw = simd::load32(x);
            const int32_t xa = simd::sxtab16(off2, xw), xb = simd::sxtab16_ror8(off2, xw);
            simd::pair_block(w, xa, xb, s01, y0);
            simd::pair_block(w + 8, xa, xb, s23, y2);
          }
#endif
        } else {
          for (; n > 0; --n, x += 4, w += 8) {
            const int32_t xw = simd::load32(x);
            simd::pair_block(w, simd::sxtab16(off2, xw), simd::sxtab16_ror8(off2, xw), s01, y0);
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
#if MOTE_NN_PAIRED_DENSE
  return fully_connected_s8_dsp(p, q, input, weights, bias, output);
#else
  return fully_connected_s8_ref(p, q, input, weights, bias, output);
#endif
}

}  // namespace nn
}  // namespace mote
