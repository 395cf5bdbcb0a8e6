#include "nn/conv2d_s8.h"

#include <string.h>

#include "nn/fixed_point.h"
#include "nn/simd.h"  // MOTE_NN_HW_DSP
#include "nn/window_overlap.h"

namespace mote {
namespace nn {

static int32_t dot_length(const Conv2DS8Params& p) { return p.kernel_h * p.kernel_w * p.input.c; }
static int32_t padded_length(const Conv2DS8Params& p) { return (dot_length(p) + 3) & ~3; }

// [two int16 columns, interleaved per block of 4 taps: 8 bytes per pixel per block][int8 gather column]
// [the M4 pass's row-pair table: 8 words per row pair]
size_t conv2d_s8_scratch_bytes(const Conv2DS8Params& p) {
  const int32_t k = dot_length(p);
  return k > 0 ? 5u * static_cast<size_t>(padded_length(p)) + 16u * static_cast<size_t>(p.output.c > 0 ? p.output.c & ~1 : 0)
               : 0;
}

size_t conv2d_s8_overlap_bytes(const Conv2DS8Params& p) {
  return window_overlap_bytes(p.input, p.output, p.stride_h, p.stride_w, p.pad_h, p.pad_w);
}

size_t conv2d_s8_packed_bytes(const Conv2DS8Params& p) {
  const int32_t k = dot_length(p);
  return k > 0 && p.output.c > 0 ? static_cast<size_t>(padded_length(p)) * static_cast<size_t>(p.output.c) : 0;
}

// Row pairs (o, o + 1) as int16 (simd.h): per block of 4 taps t, the words (h[t], h[t+2]) and (h[t+1], h[t+3]),
// h = 256 w[o+1] + w[o], the pairing widen_column gives the taps; an odd last row alone, plain. Taps past
// the dot length are zero.
static int32_t packed_weight(const int8_t* packed, int32_t k4, int32_t out_c, int32_t o, int32_t i) {
  if (o >= (out_c & ~1)) return packed[static_cast<size_t>(o) * static_cast<size_t>(k4) + static_cast<size_t>(i)];
  const int8_t* h = packed + static_cast<size_t>(o & ~1) * static_cast<size_t>(k4) + static_cast<size_t>(i >> 2) * 8u +
                    static_cast<size_t>(i & 1) * 4u + static_cast<size_t>((i >> 1) & 1) * 2u;
  return (o & 1) ? simd::pair_high_weight(h[0], h[1]) : h[0];
}

bool conv2d_s8_pack_weights(const Conv2DS8Params& p, const int8_t* ohwi, int8_t* packed) {
  const int32_t k = dot_length(p), k4 = padded_length(p), out_c = p.output.c;
  for (int64_t n = 0; n < static_cast<int64_t>(k) * out_c; ++n)
    if (ohwi[n] == -128) return false;
  memset(packed, 0, conv2d_s8_packed_bytes(p));
  auto w = [&](int32_t o, int32_t i) -> int32_t { return i < k ? ohwi[static_cast<size_t>(o) * static_cast<size_t>(k) + i] : 0; };
  for (int32_t o = 0; o < (out_c & ~1); o += 2) {
    int8_t* d = packed + static_cast<size_t>(o) * static_cast<size_t>(k4);
    for (int32_t i = 0; i < k4; i += 4)
      for (int32_t t : simd::kPairTapOrder) {
        *d++ = static_cast<int8_t>(w(o, i + t));
        *d++ = simd::pair_high_byte(w(o, i + t), w(o + 1, i + t));
      }
  }
  if (out_c & 1)
    for (int32_t i = 0; i < k; ++i)
      packed[static_cast<size_t>(out_c - 1) * static_cast<size_t>(k4) + static_cast<size_t>(i)] = static_cast<int8_t>(w(out_c - 1, i));
  return true;
}

static Status check(const Conv2DS8Params& p, const PerChannelQuant& q, const int8_t* input, const int8_t* weights,
                    const int8_t* output, const void* scratch, size_t scratch_bytes) {
  if (!input || !weights || !output || !q.multiplier || !q.shift) return MOTE_ERR_ARG;
  if (!valid_dims(p.input) || !valid_dims(p.output) || p.kernel_h <= 0 || p.kernel_w <= 0) return MOTE_ERR_SHAPE;
  if (p.stride_h <= 0 || p.stride_w <= 0 || p.pad_h < 0 || p.pad_w < 0) return MOTE_ERR_ARG;
  if (!valid_input_offset(p.input_offset) || !valid_output_offset(p.output_offset) ||
      !valid_activation(p.act_min, p.act_max))
    return MOTE_ERR_ARG;
  if (static_cast<int64_t>(p.kernel_h) * p.kernel_w * p.input.c > kMaxDotLength) return MOTE_ERR_UNSUPPORTED;
  if (!scratch || scratch_bytes < conv2d_s8_scratch_bytes(p)) return MOTE_ERR_SCRATCH;
  return MOTE_OK;
}

// The reference: every tap read where it is, padding skipped; the scratch is not used.
Status conv2d_s8_ref(const Conv2DS8Params& p, const PerChannelQuant& q, const int8_t* input, const int8_t* weights,
                     const int32_t* bias, int8_t* output, void* scratch, size_t scratch_bytes) {
  MOTE_RETURN_IF_ERROR(check(p, q, input, weights, output, scratch, scratch_bytes));
  const int32_t in_c = p.input.c, k4 = padded_length(p);
  int8_t* out = output;
  for (int32_t oy = 0; oy < p.output.h; ++oy)
    for (int32_t ox = 0; ox < p.output.w; ++ox)
      for (int32_t o = 0; o < p.output.c; ++o) {
        int32_t acc = bias ? bias[o] : 0;
        for (int32_t ky = 0; ky < p.kernel_h; ++ky) {
          const int32_t iy = oy * p.stride_h - p.pad_h + ky;
          if (iy < 0 || iy >= p.input.h) continue;
          for (int32_t kx = 0; kx < p.kernel_w; ++kx) {
            const int32_t ix = ox * p.stride_w - p.pad_w + kx;
            if (ix < 0 || ix >= p.input.w) continue;
            const int8_t* x = input + (static_cast<size_t>(iy) * p.input.w + ix) * in_c;
            for (int32_t i = 0; i < in_c; ++i)
              acc += packed_weight(weights, k4, p.output.c, o, (ky * p.kernel_w + kx) * in_c + i) * (x[i] + p.input_offset);
          }
        }
        *out++ = requantize(acc, q.multiplier[o], q.shift[o], p.output_offset, p.act_min, p.act_max);
      }
  return MOTE_OK;
}

// The int8 column of output pixel (y0, x0) = its top-left tap: the input itself when the taps are one
// contiguous run (all inside, and one kernel row or rows as wide as the input), else gathered into col with
// padded taps at the input zero point, whose value plus input_offset is 0.
static const int8_t* column(const Conv2DS8Params& p, const int8_t* input, int32_t y0, int32_t x0, int8_t* col) {
  const int32_t in_c = p.input.c, run = p.kernel_w * in_c;
  const bool inside = y0 >= 0 && x0 >= 0 && y0 + p.kernel_h <= p.input.h && x0 + p.kernel_w <= p.input.w;
  const int8_t* at = input + (static_cast<size_t>(y0) * p.input.w + x0) * in_c;
  if (inside && (p.kernel_h == 1 || p.kernel_w == p.input.w)) return at;
  const int8_t pad = static_cast<int8_t>(-p.input_offset);
  int8_t* c = col;
  for (int32_t ky = 0; ky < p.kernel_h; ++ky, c += run) {
    const int32_t iy = y0 + ky;
    if (iy < 0 || iy >= p.input.h) {
      memset(c, pad, static_cast<size_t>(run));
      continue;
    }
    // Taps [kx_lo, kx_hi) of this kernel row fall inside the input; the others are padding.
    const int32_t kx_lo = x0 < 0 ? -x0 : 0;
    const int32_t kx_hi = x0 + p.kernel_w > p.input.w ? p.input.w - x0 : p.kernel_w;
    if (kx_lo >= kx_hi) {
      memset(c, pad, static_cast<size_t>(run));
      continue;
    }
    memset(c, pad, static_cast<size_t>(kx_lo * in_c));
    memcpy(c + kx_lo * in_c, input + (static_cast<size_t>(iy) * p.input.w + x0 + kx_lo) * in_c,
           static_cast<size_t>((kx_hi - kx_lo) * in_c));
    memset(c + kx_hi * in_c, pad, static_cast<size_t>((p.kernel_w - kx_hi) * in_c));
  }
  return col;
}

// One pixel's int8 column plus input_offset as int16, into its slot (0 or 1) of the pair: per block of taps
// (x0, x2) then (x1, x3), the pairing SXTB16 gives the weights; taps past k are 0.
static void widen_column(const int8_t* x, int32_t k, int32_t offset, int32_t* pair, int32_t slot) {
  const int32_t off2 = simd::dup16(offset), full = k >> 2;
  int32_t* d = pair + 2 * slot;
#if MOTE_NN_HW_DSP && defined(__thumb2__)
  // 6 instructions per 4 taps (GCC's loop: 9): LDR, 2 SXTAB16, one STRD into the slot, SUBS + BNE. The
  // scratch is word-aligned (checked on entry), so STRD may write it.
  if (full > 0) {
    int32_t n = full, lo, hi;
    __asm__ volatile(
        "1:\n\t"
        "ldr     %[hi], [%[x]], #4\n\t"
        "sxtab16 %[lo], %[off], %[hi]\n\t"
        "sxtab16 %[hi], %[off], %[hi], ror #8\n\t"
        "strd    %[lo], %[hi], [%[d]], #16\n\t"
        "subs    %[n], %[n], #1\n\t"
        "bne     1b\n\t"
        : [x] "+r"(x), [d] "+r"(d), [n] "+r"(n), [lo] "=&r"(lo), [hi] "=&r"(hi)
        : [off] "r"(off2)
        : "cc", "memory");
  }
#else
  for (int32_t b = 0; b < full; ++b, x += 4, d += 4) {
    const int32_t w = simd::load32(x);
    d[0] = simd::sxtab16(off2, w);
    d[1] = simd::sxtab16_ror8(off2, w);
  }
#endif
  const int32_t tail = k & 3;
  if (tail) {  // 1 to 3 taps, straight-line (an indexed loop through the stack cost ~50 instructions per pixel)
    const int32_t x0 = x[0] + offset, x1 = tail > 1 ? x[1] + offset : 0, x2 = tail > 2 ? x[2] + offset : 0;
    d[0] = simd::pack16(x0, x2);
    d[1] = simd::pack16(x1, 0);
  }
}

// Two rows by two pixels over `blocks` blocks of 4 taps: acc[row][pixel] += w[row] . col[pixel].
// Inlined into pixel_pair (its caller's registers are free for the loop's 13); out of line it cost a call,
// spills and the chunk loop's bookkeeping per row pair.
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void dot_2x2(const int8_t* w, const int32_t* col, int32_t blocks, int32_t acc[4]) {
  int32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3];
  while (blocks > 0) {
    int32_t n = blocks < simd::kPairChunkBlocks ? blocks : simd::kPairChunkBlocks;
    blocks -= n;
    // Per pixel: S = 256 row1 + row0 and y = row0, both from row 0's accumulator (simd.h's row pairs).
    int32_t s0 = a00, y0 = a00, s1 = a01, y1 = a01;
#if MOTE_NN_HW_DSP && defined(__thumb2__)
    // 13 instructions per 16 MACs: LDRD of the pair's two words, 2 SXTB16 (row 0's weights), two LDRD of the
    // pixels' int16 taps, 8 SMLAD; two blocks per pass (MOTE_NN_TWO_BLOCKS_PER_PASS). 13 registers.
    int32_t wa, wb, wal, wbl, ce, co;
#define MOTE_CONV_BLOCK                         \
  "ldrd    %[wa], %[wb], [%[w]], #8\n\t"        \
  "sxtb16  %[wal], %[wa]\n\t"                   \
  "sxtb16  %[wbl], %[wb]\n\t"                   \
  "ldrd    %[ce], %[co], [%[c]], #8\n\t"        \
  "smlad   %[s0], %[ce], %[wa], %[s0]\n\t"      \
  "smlad   %[s0], %[co], %[wb], %[s0]\n\t"      \
  "smlad   %[y0], %[ce], %[wal], %[y0]\n\t"     \
  "smlad   %[y0], %[co], %[wbl], %[y0]\n\t"     \
  "ldrd    %[ce], %[co], [%[c]], #8\n\t"        \
  "smlad   %[s1], %[ce], %[wa], %[s1]\n\t"      \
  "smlad   %[s1], %[co], %[wb], %[s1]\n\t"      \
  "smlad   %[y1], %[ce], %[wal], %[y1]\n\t"     \
  "smlad   %[y1], %[co], %[wbl], %[y1]\n\t"
    __asm__ volatile(MOTE_NN_TWO_BLOCKS_PER_PASS("%[n]", MOTE_CONV_BLOCK)
        : [s0] "+r"(s0), [y0] "+r"(y0), [s1] "+r"(s1), [y1] "+r"(y1), [w] "+r"(w), [c] "+r"(col), [n] "+r"(n),
          [wa] "=&r"(wa), [wb] "=&r"(wb), [wal] "=&r"(wal), [wbl] "=&r"(wbl), [ce] "=&r"(ce), [co] "=&r"(co)
        :
        : "cc", "memory");
#undef MOTE_CONV_BLOCK
#else
    for (; n > 0; --n, w += 8, col += 4) {
      const int32_t wa = simd::load32(w), wb = simd::load32(w + 4);
      const int32_t wal = simd::sxtb16(wa), wbl = simd::sxtb16(wb);
      s0 = simd::smlad(col[1], wb, simd::smlad(col[0], wa, s0));
      y0 = simd::smlad(col[1], wbl, simd::smlad(col[0], wal, y0));
      s1 = simd::smlad(col[3], wb, simd::smlad(col[2], wa, s1));
      y1 = simd::smlad(col[3], wbl, simd::smlad(col[2], wal, y1));
    }
#endif
    a10 += simd::pair_high_row(s0, y0);
    a11 += simd::pair_high_row(s1, y1);
    a00 = y0;
    a01 = y1;
  }
  acc[0] = a00;
  acc[1] = a01;
  acc[2] = a10;
  acc[3] = a11;
}

template <bool kFullRange>
static inline int8_t finish(int32_t v, const Conv2DS8Params& p) {
  return static_cast<int8_t>(kFullRange ? simd::ssat8(v) : clamp_i32(v, p.act_min, p.act_max));
}

// Channels off the fast form (a multiplier above 1): rare, so out of line rather than inlined four times.
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int8_t requantize_general(int32_t acc, const RequantChannel& c, const Conv2DS8Params& p) {
  return requantize(acc, c.multiplier, c.shift, p.output_offset, p.act_min, p.act_max);
}

#if MOTE_NN_HW_DSP && defined(__thumb2__)
// Every row pair of one pixel pair in one hand-scheduled pass (Cortex-M4): bias, the 2x2 loop, the fold and
// the four requantizations at 7 instructions per output, no C between row pairs (GCC's epilogue was about 130
// instructions per row pair: spills around the 13-register loop, per-channel rounding words, chunk bookkeeping).
// Each row pair's constants come from a table conv_row_table_m4 fills once per call, 8 words: bias0, bias1,
// then each row's channel folded with the output offset (fixed_point.h's requant_fold).
// The table's end stops the pass; pixel 1's outputs are stored before pixel 0's, so a lone pixel (out1 delta 0)
// keeps pixel 0's.
struct ConvRowPairsM4 {
  const int8_t* weights;     // 0: advanced row pair by row pair
  const int32_t* columns;    // 4: the pair's int16 columns
  int32_t blocks;            // 8
  int8_t* out0;              // 12: advanced
  int32_t out1_delta;        // 16: out1 - out0 (0 for a lone pixel)
  const int32_t* table_end;  // 20
};

static const int32_t kConvTableWords = 8;  // per row pair

#define MOTE_CONV_M4_BLOCK                      \
  "ldrd    r8, r9, [r1], #8\n\t"                \
  "sxtb16  r10, r8\n\t"                         \
  "sxtb16  r11, r9\n\t"                         \
  "ldrd    r3, r12, [r0], #8\n\t"               \
  "smlad   r4, r3, r8, r4\n\t"                  \
  "smlad   r4, r12, r9, r4\n\t"                 \
  "smlad   r5, r3, r10, r5\n\t"                 \
  "smlad   r5, r12, r11, r5\n\t"                \
  "ldrd    r3, r12, [r0], #8\n\t"               \
  "smlad   r6, r3, r8, r6\n\t"                  \
  "smlad   r6, r12, r9, r6\n\t"                 \
  "smlad   r7, r3, r10, r7\n\t"                 \
  "smlad   r7, r12, r11, r7\n\t"
// One output of the channel in r8-r10 (fixed_point.h), r0 and r1 scratch.
#define MOTE_CONV_M4_OUT(acc, store) MOTE_NN_M4_REQUANT_FOLDED(acc, "r0", "r1", store)

// r4 = S pixel 0, r5 = row 0 pixel 0, r6 = S pixel 1, r7 = row 0 pixel 1 (simd.h's row pairs); lr walks the
// table, [sp] holds the argument block.
__attribute__((naked, noinline)) static void conv_row_pairs_m4(ConvRowPairsM4*, const int32_t* table) {
  __asm__ volatile(
      "push    {r4-r11, lr}\n\t"
      "str     r0, [sp, #-8]!\n\t"
      "mov     lr, r1\n\t"
      "30:\n\t"
      "ldr     r12, [sp]\n\t"
      "ldr     r4, [lr], #4\n\t"  // S and y of both pixels start at row 0's bias
      "ldr     r0, [r12, #4]\n\t"
      "ldr     r1, [r12, #0]\n\t"
      "ldr     r2, [r12, #8]\n\t"
      "mov     r5, r4\n\t"
      "mov     r6, r4\n\t"
      "mov     r7, r4\n\t"
      MOTE_NN_FOUR_BLOCKS_PER_PASS("r2", "r8", MOTE_CONV_M4_BLOCK)
      "ldr     r12, [sp]\n\t"
      "str     r1, [r12, #0]\n\t"
      "ldr     r8, [lr], #4\n\t"  // row 1's bias
      "sub     r4, r4, r5\n\t"
      "add     r4, r8, r4, asr #8\n\t"  // row 1 pixel 0
      "sub     r6, r6, r7\n\t"
      "add     r6, r8, r6, asr #8\n\t"  // row 1 pixel 1
      "ldr     r2, [r12, #12]\n\t"
      "ldr     r3, [r12, #16]\n\t"
      "ldmia   lr!, {r8, r9, r10}\n\t"
      MOTE_CONV_M4_OUT("r7", "strb    r1, [r2, r3]")
      MOTE_CONV_M4_OUT("r5", "strb    r1, [r2], #1")
      "ldmia   lr!, {r8, r9, r10}\n\t"
      MOTE_CONV_M4_OUT("r6", "strb    r1, [r2, r3]")
      MOTE_CONV_M4_OUT("r4", "strb    r1, [r2], #1")
      "str     r2, [r12, #12]\n\t"
      "ldr     r0, [r12, #20]\n\t"
      "cmp     lr, r0\n\t"
      "bne     30b\n\t"
      "add     sp, sp, #8\n\t"
      "pop     {r4-r11, pc}\n\t");
}
#undef MOTE_CONV_M4_BLOCK
#undef MOTE_CONV_M4_OUT

// The row-pair table of conv_row_pairs_m4, or false when the layer does not fit the pass: it needs a bias,
// full int8 range, blocks <= kPairChunkBlocks, a row pair, and every channel in requant_fold's range.
static bool conv_row_table_m4(const Conv2DS8Params& p, const PerChannelQuant& q, const int32_t* bias, int32_t blocks,
                              int32_t* table) {
  if (!bias || p.act_min != -128 || p.act_max != 127 || blocks > simd::kPairChunkBlocks || p.output.c < 2) return false;
  for (int32_t o = 0; o < (p.output.c & ~1); o += 2, table += kConvTableWords) {
    table[0] = bias[o];
    table[1] = bias[o + 1];
    if (!requant_fold(q.multiplier[o], q.shift[o], p.output_offset, table + 2) ||
        !requant_fold(q.multiplier[o + 1], q.shift[o + 1], p.output_offset, table + 5))
      return false;
  }
  return true;
}
#endif

// Every row of two output pixels whose int16 columns are in `pair`. out1 == out0 for a lone last pixel: each
// channel's pixel-1 output is stored first, so pixel 0's overwrites it. Its own function: inlined into the
// pixel loop, the MAC loop's operands were spilled.
template <bool kFullRange>
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void pixel_pair(const Conv2DS8Params& p, const PerChannelQuant& q, const int8_t* w, const int32_t* bias,
                       const int32_t* pair, int32_t blocks, int8_t* out0, int8_t* out1, const int32_t* row_table) {
  const int32_t out_c = p.output.c, pairs = out_c & ~1, off = p.output_offset;
  int32_t o = 0;
#if MOTE_NN_HW_DSP && defined(__thumb2__)
  if (row_table) {
    ConvRowPairsM4 a = {w, pair, blocks, out0, static_cast<int32_t>(out1 - out0),
                        row_table + (pairs >> 1) * kConvTableWords};
    conv_row_pairs_m4(&a, row_table);
    o = pairs;
    w = a.weights;
  }
#else
  (void)row_table;
#endif
  for (; o < pairs; o += 2, w += 8 * blocks) {
    int32_t acc[4];
    acc[0] = acc[1] = bias ? bias[o] : 0;
    acc[2] = acc[3] = bias ? bias[o + 1] : 0;
    dot_2x2(w, pair, blocks, acc);
    const RequantChannel c0 = requant_channel(q.multiplier[o], q.shift[o]);
    const RequantChannel c1 = requant_channel(q.multiplier[o + 1], q.shift[o + 1]);
    if (c0.fast && c1.fast) {
      out1[o] = finish<kFullRange>(requant_fast(c0, acc[1]) + off, p);
      out0[o] = finish<kFullRange>(requant_fast(c0, acc[0]) + off, p);
      out1[o + 1] = finish<kFullRange>(requant_fast(c1, acc[3]) + off, p);
      out0[o + 1] = finish<kFullRange>(requant_fast(c1, acc[2]) + off, p);
    } else {
      out1[o] = requantize_general(acc[1], c0, p);
      out0[o] = requantize_general(acc[0], c0, p);
      out1[o + 1] = requantize_general(acc[3], c1, p);
      out0[o + 1] = requantize_general(acc[2], c1, p);
    }
  }
  if (o < out_c) {  // the odd last row, stored alone
    int32_t a0 = bias ? bias[o] : 0, a1 = a0;
    for (int32_t b = 0; b < blocks; ++b) {
      const int32_t wv = simd::load32(w + 4 * b);
      const int32_t we = simd::sxtb16(wv), wo = simd::sxtb16_ror8(wv);
      a0 = simd::smlad(pair[4 * b + 1], wo, simd::smlad(pair[4 * b], we, a0));
      a1 = simd::smlad(pair[4 * b + 3], wo, simd::smlad(pair[4 * b + 2], we, a1));
    }
    const RequantChannel c = requant_channel(q.multiplier[o], q.shift[o]);
    out1[o] = requantize_general(a1, c, p);
    out0[o] = requantize_general(a0, c, p);
  }
}

// Output pixels two at a time: both columns widened to int16 once, then every pair of rows runs dot_2x2, so
// each weight word serves two pixels and each column word two rows (CMSIS-NN's s8 x s16 kernel, by pairs).
// A lone last pixel runs with a zero second column whose outputs are overwritten.
Status conv2d_s8_dsp(const Conv2DS8Params& p, const PerChannelQuant& q, const int8_t* input, const int8_t* weights,
                     const int32_t* bias, int8_t* output, void* scratch, size_t scratch_bytes) {
  MOTE_RETURN_IF_ERROR(check(p, q, input, weights, output, scratch, scratch_bytes));
  if (((reinterpret_cast<uintptr_t>(weights) | reinterpret_cast<uintptr_t>(scratch)) & 3u) != 0) return MOTE_ERR_ARG;
  const int32_t k = dot_length(p), k4 = padded_length(p), blocks = k4 >> 2;
  const int32_t out_c = p.output.c, pixels = p.output.h * p.output.w;
  int32_t* pair = static_cast<int32_t*>(scratch);  // 4 words per block
  int8_t* col8 = static_cast<int8_t*>(scratch) + 4 * static_cast<size_t>(k4);
  const bool full_range = p.act_min == -128 && p.act_max == 127;
#if MOTE_NN_HW_DSP && defined(__thumb2__)
  int32_t* table = reinterpret_cast<int32_t*>(col8 + k4);
  const int32_t* row_table = conv_row_table_m4(p, q, bias, blocks, table) ? table : nullptr;
#else
  const int32_t* row_table = nullptr;
#endif
  int32_t oy = 0, ox = 0;  // the next pixel to widen
  for (int32_t px = 0; px < pixels; px += 2) {
    const bool two = px + 1 < pixels;
    for (int32_t s = 0; s < (two ? 2 : 1); ++s) {
      widen_column(column(p, input, oy * p.stride_h - p.pad_h, ox * p.stride_w - p.pad_w, col8), k, p.input_offset,
                   pair, s);
      if (++ox == p.output.w) ox = 0, ++oy;
    }
    if (!two)
      for (int32_t b = 0; b < blocks; ++b) pair[4 * b + 2] = pair[4 * b + 3] = 0;
    int8_t* out0 = output + static_cast<size_t>(px) * out_c;
    int8_t* out1 = two ? out0 + out_c : out0;
    if (full_range)
      pixel_pair<true>(p, q, weights, bias, pair, blocks, out0, out1, row_table);
    else
      pixel_pair<false>(p, q, weights, bias, pair, blocks, out0, out1, nullptr);
  }
  return MOTE_OK;
}

Status conv2d_s8(const Conv2DS8Params& p, const PerChannelQuant& q, const int8_t* input, const int8_t* weights,
                 const int32_t* bias, int8_t* output, void* scratch, size_t scratch_bytes) {
#if MOTE_NN_PAIRED_CONV
  return conv2d_s8_dsp(p, q, input, weights, bias, output, scratch, scratch_bytes);
#else
  return conv2d_s8_ref(p, q, input, weights, bias, output, scratch, scratch_bytes);
#endif
}

}  // namespace nn
}  // namespace mote
