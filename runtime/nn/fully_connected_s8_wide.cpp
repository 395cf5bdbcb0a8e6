#include "nn/fully_connected_s8_wide.h"

#include "nn/fixed_point.h"

namespace mote {
namespace nn {

size_t fully_connected_s8_wide_scratch_bytes(const FullyConnectedS8Params&) { return 0; }

// Rows per group starting at row o: 4 while 4 remain, then 2, then 1 (a pair with an all-zero partner).
static inline int32_t group_rows(int32_t output_size, int32_t o) {
  const int32_t left = output_size - o;
  return left >= 4 ? 4 : (left >= 2 ? 2 : 1);
}

static const uint32_t kFieldBias = 32768u;  // per chunk: the low field into [0, 65536)

size_t fully_connected_s8_wide_weight_words(int32_t input_size, int32_t output_size) {
  if (input_size <= 0 || output_size <= 0) return 0;
  return static_cast<size_t>((output_size + 1) / 2) * static_cast<size_t>(input_size);
}

bool fully_connected_s8_wide_pack_weights(int32_t input_size, int32_t output_size, const int8_t* rows,
                                          int32_t* packed) {
  const size_t n = static_cast<size_t>(input_size);
  for (size_t k = 0; k < n * static_cast<size_t>(output_size); ++k)
    if (rows[k] == -128) return false;
  for (int32_t o = 0; o < output_size;) {
    const int32_t g = group_rows(output_size, o), pairs = g == 4 ? 2 : 1;
    int32_t* dst = packed + static_cast<size_t>(o / 2) * n;
    // Pair p's word for input i: both rows' weights in 16-bit fields (a missing high row is zero).
    auto word = [&](int32_t p, size_t i) {
      const int32_t lo_row = o + 2 * p, hi_row = lo_row + 1;
      const int32_t lo = rows[static_cast<size_t>(lo_row) * n + i];
      const int32_t hi = hi_row < output_size ? rows[static_cast<size_t>(hi_row) * n + i] : 0;
      return static_cast<int32_t>(static_cast<uint32_t>(lo) + (static_cast<uint32_t>(hi) << 16));
    };
    for (size_t i = 0; i < n; i += 2)
      for (int32_t p = 0; p < pairs; ++p) {
        *dst++ = word(p, i);
        if (i + 1 < n) *dst++ = word(p, i + 1);
      }
    o += g;
  }
  return true;
}

size_t fully_connected_s8_wide_table_words(const FullyConnectedS8Params& p) {
  return p.output_size > 0 ? 8u * static_cast<size_t>((p.output_size + 1) / 2) : 0;
}

bool fully_connected_s8_wide_table(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int32_t* bias,
                                   const int32_t* packed, int32_t* table) {
  if (!q.multiplier || !q.shift || !packed || p.output_size <= 0 || p.input_size <= 0 ||
      p.input_size > kMaxDotLength || p.act_min != -128 || p.act_max != 127 ||
      !valid_input_offset(p.input_offset) || !valid_output_offset(p.output_offset))
    return false;
  const int32_t n = p.input_size;
  const uint32_t chunks = static_cast<uint32_t>((n + 1) / 2);
  for (int32_t o = 0; o < p.output_size;) {
    const int32_t g = group_rows(p.output_size, o), pairs = g == 4 ? 2 : 1;
    const int32_t* w = packed + static_cast<size_t>(o / 2) * static_cast<size_t>(n);
    for (int32_t pr = 0; pr < pairs; ++pr) {
      // Row sums of the pair's weights, read back from its words (the chunk order: pairs interleaved).
      int32_t sum_lo = 0, sum_hi = 0;
      for (int32_t i = 0; i < n; ++i) {
        const int32_t chunk_start = i & ~1, width = chunk_start + 1 < n ? 2 : 1;
        const uint32_t v = static_cast<uint32_t>(w[chunk_start * pairs + pr * width + (i - chunk_start)]);
        const int32_t lo = static_cast<int16_t>(v & 0xFFFFu);
        sum_lo += lo;
        sum_hi += static_cast<int32_t>(v - static_cast<uint32_t>(lo)) >> 16;
      }
      const int32_t row = o + 2 * pr;
      int32_t* t = table + 4 * static_cast<size_t>(row);
      const uint32_t b_lo = bias ? static_cast<uint32_t>(bias[row]) : 0u;
      const uint32_t b_hi = bias && row + 1 < p.output_size ? static_cast<uint32_t>(bias[row + 1]) : 0u;
      t[0] = static_cast<int32_t>(b_lo + static_cast<uint32_t>(p.input_offset * sum_lo) - kFieldBias * chunks);
      t[1] = static_cast<int32_t>(b_hi + static_cast<uint32_t>(p.input_offset * sum_hi));
      if (!requant_fold(q.multiplier[row], q.shift[row], p.output_offset, t + 2)) return false;
      if (row + 1 < p.output_size) {
        if (!requant_fold(q.multiplier[row + 1], q.shift[row + 1], p.output_offset, t + 5)) return false;
      } else {
        t[5] = t[6] = t[7] = 0;
      }
    }
    o += g;
  }
  return true;
}

#if defined(__thumb__) && !defined(__thumb2__)
// requant_folded_16x16 by hand for ARMv6-M (GCC's Thumb-1 form shuffled the partial products through the high
// registers: about 75 instructions per output, here 40). x = xh 2^16 + xl, m = mh 2^16 + ml: the sum's high word is
// xh mh + (xh ml >> 16) + (xl mh >> 16) + word - [x < 0] plus the carries of xl ml + (xh ml << 16) + (xl mh << 16)
// + (2^30 or 0xC0000000 for x < 0), each carry added by one ADCS; then >> k and the int8 saturation.
__attribute__((naked, noinline)) static int32_t requant_folded_m0(int32_t x, const int32_t* folded) {
  __asm__ volatile(
      ".syntax unified\n\t"
      "push    {r4-r7, lr}\n\t"
      "ldr     r2, [r1, #0]\n\t"  // m
      "uxth    r3, r0\n\t"        // xl
      "asrs    r4, r0, #16\n\t"   // xh
      "uxth    r5, r2\n\t"        // ml
      "lsrs    r6, r2, #16\n\t"   // mh
      "movs    r7, r3\n\t"
      "muls    r7, r5\n\t"        // xl ml
      "muls    r3, r6\n\t"        // xl mh (>= 0)
      "muls    r5, r4\n\t"        // xh ml
      "muls    r6, r4\n\t"        // xh mh
      "asrs    r4, r0, #31\n\t"   // -[x < 0]
      "adds    r6, r6, r4\n\t"
      "lsls    r4, r4, #31\n\t"
      "movs    r2, #1\n\t"
      "lsls    r2, r2, #30\n\t"
      "adds    r4, r4, r2\n\t"    // 2^30, or 0xC0000000 for x < 0
      "movs    r2, #0\n\t"
      "adds    r7, r7, r4\n\t"
      "adcs    r6, r2\n\t"
      "lsls    r4, r5, #16\n\t"
      "adds    r7, r7, r4\n\t"
      "adcs    r6, r2\n\t"
      "asrs    r5, r5, #16\n\t"
      "adds    r6, r6, r5\n\t"
      "lsls    r4, r3, #16\n\t"
      "adds    r7, r7, r4\n\t"
      "adcs    r6, r2\n\t"
      "lsrs    r3, r3, #16\n\t"
      "adds    r6, r6, r3\n\t"
      "ldr     r4, [r1, #8]\n\t"  // word: the output offset and the rounding
      "adds    r6, r6, r4\n\t"
      "ldr     r4, [r1, #4]\n\t"  // k
      "asrs    r6, r4\n\t"
      "movs    r0, r6\n\t"
      "adds    r6, #128\n\t"
      "cmp     r6, #255\n\t"
      "bls     1f\n\t"
      "asrs    r0, r0, #31\n\t"   // out of range: -128 below, 127 above
      "movs    r4, #127\n\t"
      "eors    r0, r4\n\t"
      "1:\n\t"
      "pop     {r4-r7, pc}\n\t"
      ".syntax divided\n\t");
}
#endif

// ARMv6-M has no 64-bit multiply (GCC's __aeabi_lmul made requant_folded about 100 instructions per output).
static inline int8_t requant_out(int32_t x, const int32_t* folded) {
#if defined(__thumb__) && !defined(__thumb2__)
  return static_cast<int8_t>(requant_folded_m0(x, folded));
#else
  return requant_folded(x, folded);
#endif
}

// One pair's sums to its outputs: y[hi] = bias + accH, y[lo] = bias' + accR - 65536 accH (mod 2^32). Out of line
// where requantization is long (M0: 16 x 16 products): one copy in flash for about 10 instructions per pair; inline
// on Thumb-2, where SMLAL keeps it short, and on RISC-V into the one loop over a pass's pairs (store_pairs_rv).
#if defined(__GNUC__) && !defined(__thumb2__) && !defined(__riscv)
__attribute__((noinline))
#endif
static void store_pair(uint32_t acc_r, int32_t acc_h, const int32_t* t, int8_t* out, bool both) {
  const int32_t lo = static_cast<int32_t>(static_cast<uint32_t>(t[0]) + acc_r - (static_cast<uint32_t>(acc_h) << 16));
  out[0] = requant_out(lo, t + 2);
  if (both) out[1] = requant_out(static_cast<int32_t>(static_cast<uint32_t>(t[1]) + static_cast<uint32_t>(acc_h)), t + 5);
}

// One chunk's sum for one pair: both rows' products of two inputs, the low field biased non-negative.
static inline uint32_t chunk2(const int32_t* w, int32_t x0, int32_t x1) {
  return static_cast<uint32_t>(w[0]) * static_cast<uint32_t>(x0) + static_cast<uint32_t>(w[1]) * static_cast<uint32_t>(x1) +
         kFieldBias;
}

#if defined(__thumb__) && !defined(__thumb2__)
// Thumb-1 (ARMv6-M, the Cortex-M0): GCC spilled the C loop's sums (5.6 instructions per MAC). By hand, 20
// instructions per 8 MACs: the two inputs by LDRSB off two bases (end and end + 1) at one index counting up to 0
// (its ADDS ends the loop), each pair's two words by one LDM, and per pair MULS, MULS, ADDS, ADD 32768, ADD to
// accR, ASRS, ADD to accH; the four sums and 32768 in r8-r12. sums: accR0, accH0, accR1, accH1 on return.
// Preconditions: chunks >= 1 (the caller's); w advances by 4 words per chunk.
__attribute__((naked, noinline)) static void group4_chunks_m0(const int8_t* x_end, int32_t chunks, const int32_t* w,
                                                               uint32_t* sums) {
  __asm__ volatile(
      ".syntax unified\n\t"  // GCC's Thumb-1 output is in divided syntax: back to it at the end
      "push    {r4-r7, lr}\n\t"
      "mov     r4, r8\n\t"
      "mov     r5, r9\n\t"
      "mov     r6, r10\n\t"
      "mov     r7, r11\n\t"
      "push    {r3-r7}\n\t"  // sums, then r8-r11
      "movs    r4, #1\n\t"
      "lsls    r4, r4, #15\n\t"
      "mov     r8, r4\n\t"
      "movs    r4, #0\n\t"
      "mov     r9, r4\n\t"
      "mov     r10, r4\n\t"
      "mov     r11, r4\n\t"
      "mov     r12, r4\n\t"
      "movs    r6, r0\n\t"       // base of input 0: x_end
      "adds    r7, r0, #1\n\t"  // base of input 1
      "lsls    r0, r1, #1\n\t"
      "negs    r0, r0\n\t"      // index: -2 chunks
      "1:\n\t"
      "ldrsb   r1, [r6, r0]\n\t"
      "ldrsb   r3, [r7, r0]\n\t"
      "ldm     r2!, {r4, r5}\n\t"
      "muls    r4, r1\n\t"
      "muls    r5, r3\n\t"
      "adds    r4, r4, r5\n\t"
      "add     r4, r8\n\t"
      "add     r9, r4\n\t"
      "asrs    r4, r4, #16\n\t"
      "add     r10, r4\n\t"
      "ldm     r2!, {r4, r5}\n\t"
      "muls    r4, r1\n\t"
      "muls    r5, r3\n\t"
      "adds    r4, r4, r5\n\t"
      "add     r4, r8\n\t"
      "add     r11, r4\n\t"
      "asrs    r4, r4, #16\n\t"
      "add     r12, r4\n\t"
      "adds    r0, r0, #2\n\t"
      "bne     1b\n\t"
      "pop     {r3}\n\t"
      "mov     r4, r9\n\t"
      "mov     r5, r10\n\t"
      "mov     r6, r11\n\t"
      "mov     r7, r12\n\t"
      "stm     r3!, {r4-r7}\n\t"
      "pop     {r4-r7}\n\t"
      "mov     r8, r4\n\t"
      "mov     r9, r5\n\t"
      "mov     r10, r6\n\t"
      "mov     r11, r7\n\t"
      "pop     {r4-r7, pc}\n\t"
      ".syntax divided\n\t");
}
#endif

#if !defined(__riscv)
// A group of two pairs (4 rows): the inputs' pairs of words, then an odd last input.
static void group4(const int8_t* x, int32_t n, const int32_t* w, const int32_t* t, int8_t* out) {
  uint32_t r0 = 0, r1 = 0;
  int32_t h0 = 0, h1 = 0;
  const int8_t* end = x + (n & ~1);
#if defined(__thumb__) && !defined(__thumb2__)
  if (n >= 2) {
    uint32_t sums[4];
    group4_chunks_m0(end, n >> 1, w, sums);
    r0 = sums[0];
    h0 = static_cast<int32_t>(sums[1]);
    r1 = sums[2];
    h1 = static_cast<int32_t>(sums[3]);
    w += 4 * static_cast<size_t>(n >> 1);
    x = end;
  }
#endif
  for (; x != end; x += 2, w += 4) {
    const int32_t x0 = x[0], x1 = x[1];
    const uint32_t s0 = chunk2(w, x0, x1), s1 = chunk2(w + 2, x0, x1);
    r0 += s0;
    h0 += static_cast<int32_t>(s0) >> 16;
    r1 += s1;
    h1 += static_cast<int32_t>(s1) >> 16;
  }
  if (n & 1) {
    const uint32_t xv = static_cast<uint32_t>(static_cast<int32_t>(x[0]));
    const uint32_t s0 = static_cast<uint32_t>(w[0]) * xv + kFieldBias, s1 = static_cast<uint32_t>(w[1]) * xv + kFieldBias;
    r0 += s0;
    h0 += static_cast<int32_t>(s0) >> 16;
    r1 += s1;
    h1 += static_cast<int32_t>(s1) >> 16;
  }
  store_pair(r0, h0, t, out, true);
  store_pair(r1, h1, t + 8, out + 2, true);
}
#endif

#if defined(__riscv)
// The RISC-V passes over the input, by hand (GCC spilled the 16 sums of the C form): 4, 8 or 16 rows, each input
// pair loaded once for all of them. Per pair of rows and input pair: 2 LW, 2 MUL, ADD, ADD 32768, ADD to accR, SRAI,
// ADD to accH (MOTE_RV_PAIR); per two input pairs the pointers step once (an odd count of input pairs enters the
// loop at its second half, every pointer one input pair back): 16 rows 77 instructions per 32 MACs, 8 rows 41 per
// 16, 4 rows 22.5 per 8. a0 input, a1 its end (even count), a2 a4 a5 a6 the groups' words (2 n words apart), a7
// 32768, t0 t1 the inputs, t2 a3 temporaries, the sums in t3-t6 and s0-s11; the odd input flag in ra (16 rows) or
// a5, the sums pointer on the stack (16 rows) or in a6. sums: accR, accH of each pair of rows on return.
#define MOTE_RV_PAIR(o0, o1, w, acc_r, acc_h)                                                                   \
  "lw      t2, " o0 "(" w ")\n\t"                                                                               \
  "lw      a3, " o1 "(" w ")\n\t"                                                                               \
  "mul     t2, t2, t0\n\t"                                                                                      \
  "mul     a3, a3, t1\n\t"                                                                                      \
  "add     t2, t2, a3\n\t"                                                                                      \
  "add     t2, t2, a7\n\t"                                                                                      \
  "add     " acc_r ", " acc_r ", t2\n\t"                                                                        \
  "srai    t2, t2, 16\n\t"                                                                                      \
  "add     " acc_h ", " acc_h ", t2\n\t"
// An odd last input (t0) times the pair's word at w + o0.
#define MOTE_RV_ODD(o0, w, acc_r, acc_h)                                                                        \
  "lw      t2, " o0 "(" w ")\n\t"                                                                               \
  "mul     t2, t2, t0\n\t"                                                                                      \
  "add     t2, t2, a7\n\t"                                                                                      \
  "add     " acc_r ", " acc_r ", t2\n\t"                                                                        \
  "srai    t2, t2, 16\n\t"                                                                                      \
  "add     " acc_h ", " acc_h ", t2\n\t"

__attribute__((naked, noinline)) static void group16_sums_rv(const int8_t* x, int32_t n, const int32_t* w, uint32_t* sums) {
  __asm__ volatile(
      "addi    sp, sp, -64\n\t"
      "sw      a3, 0(sp)\n\t"
      "sw      ra, 4(sp)\n\t"
      "sw      s0, 8(sp)\n\t"
      "sw      s1, 12(sp)\n\t"
      "sw      s2, 16(sp)\n\t"
      "sw      s3, 20(sp)\n\t"
      "sw      s4, 24(sp)\n\t"
      "sw      s5, 28(sp)\n\t"
      "sw      s6, 32(sp)\n\t"
      "sw      s7, 36(sp)\n\t"
      "sw      s8, 40(sp)\n\t"
      "sw      s9, 44(sp)\n\t"
      "sw      s10, 48(sp)\n\t"
      "sw      s11, 52(sp)\n\t"
      "andi    ra, a1, 1\n\t"
      "slli    t2, a1, 3\n\t"
      "add     a4, a2, t2\n\t"
      "add     a5, a4, t2\n\t"
      "add     a6, a5, t2\n\t"
      "andi    a1, a1, -2\n\t"
      "add     a1, a0, a1\n\t"
      "lui     a7, 8\n\t"
      "li      t3, 0\n\t"
      "li      t4, 0\n\t"
      "li      t5, 0\n\t"
      "li      t6, 0\n\t"
      "li      s0, 0\n\t"
      "li      s1, 0\n\t"
      "li      s2, 0\n\t"
      "li      s3, 0\n\t"
      "li      s4, 0\n\t"
      "li      s5, 0\n\t"
      "li      s6, 0\n\t"
      "li      s7, 0\n\t"
      "li      s8, 0\n\t"
      "li      s9, 0\n\t"
      "li      s10, 0\n\t"
      "li      s11, 0\n\t"
      "beq     a0, a1, 3f\n\t"
      "sub     t2, a1, a0\n\t"
      "andi    t2, t2, 2\n\t"
      "beqz    t2, 1f\n\t"
      "addi    a0, a0, -2\n\t"
      "addi    a2, a2, -16\n\t"
      "addi    a4, a4, -16\n\t"
      "addi    a5, a5, -16\n\t"
      "addi    a6, a6, -16\n\t"
      "j       2f\n\t"
      "1:\n\t"
      "lb      t0, 0(a0)\n\t"
      "lb      t1, 1(a0)\n\t"
      MOTE_RV_PAIR("0", "4", "a2", "t3", "t4")
      MOTE_RV_PAIR("8", "12", "a2", "t5", "t6")
      MOTE_RV_PAIR("0", "4", "a4", "s0", "s1")
      MOTE_RV_PAIR("8", "12", "a4", "s2", "s3")
      MOTE_RV_PAIR("0", "4", "a5", "s4", "s5")
      MOTE_RV_PAIR("8", "12", "a5", "s6", "s7")
      MOTE_RV_PAIR("0", "4", "a6", "s8", "s9")
      MOTE_RV_PAIR("8", "12", "a6", "s10", "s11")
      "2:\n\t"
      "lb      t0, 2(a0)\n\t"
      "lb      t1, 3(a0)\n\t"
      MOTE_RV_PAIR("16", "20", "a2", "t3", "t4")
      MOTE_RV_PAIR("24", "28", "a2", "t5", "t6")
      MOTE_RV_PAIR("16", "20", "a4", "s0", "s1")
      MOTE_RV_PAIR("24", "28", "a4", "s2", "s3")
      MOTE_RV_PAIR("16", "20", "a5", "s4", "s5")
      MOTE_RV_PAIR("24", "28", "a5", "s6", "s7")
      MOTE_RV_PAIR("16", "20", "a6", "s8", "s9")
      MOTE_RV_PAIR("24", "28", "a6", "s10", "s11")
      "addi    a0, a0, 4\n\t"
      "addi    a2, a2, 32\n\t"
      "addi    a4, a4, 32\n\t"
      "addi    a5, a5, 32\n\t"
      "addi    a6, a6, 32\n\t"
      "bne     a0, a1, 1b\n\t"
      "3:\n\t"
      "beqz    ra, 4f\n\t"
      "lb      t0, 0(a0)\n\t"
      MOTE_RV_ODD("0", "a2", "t3", "t4")
      MOTE_RV_ODD("4", "a2", "t5", "t6")
      MOTE_RV_ODD("0", "a4", "s0", "s1")
      MOTE_RV_ODD("4", "a4", "s2", "s3")
      MOTE_RV_ODD("0", "a5", "s4", "s5")
      MOTE_RV_ODD("4", "a5", "s6", "s7")
      MOTE_RV_ODD("0", "a6", "s8", "s9")
      MOTE_RV_ODD("4", "a6", "s10", "s11")
      "4:\n\t"
      "lw      a6, 0(sp)\n\t"
      "sw      t3, 0(a6)\n\t"
      "sw      t4, 4(a6)\n\t"
      "sw      t5, 8(a6)\n\t"
      "sw      t6, 12(a6)\n\t"
      "sw      s0, 16(a6)\n\t"
      "sw      s1, 20(a6)\n\t"
      "sw      s2, 24(a6)\n\t"
      "sw      s3, 28(a6)\n\t"
      "sw      s4, 32(a6)\n\t"
      "sw      s5, 36(a6)\n\t"
      "sw      s6, 40(a6)\n\t"
      "sw      s7, 44(a6)\n\t"
      "sw      s8, 48(a6)\n\t"
      "sw      s9, 52(a6)\n\t"
      "sw      s10, 56(a6)\n\t"
      "sw      s11, 60(a6)\n\t"
      "lw      ra, 4(sp)\n\t"
      "lw      s0, 8(sp)\n\t"
      "lw      s1, 12(sp)\n\t"
      "lw      s2, 16(sp)\n\t"
      "lw      s3, 20(sp)\n\t"
      "lw      s4, 24(sp)\n\t"
      "lw      s5, 28(sp)\n\t"
      "lw      s6, 32(sp)\n\t"
      "lw      s7, 36(sp)\n\t"
      "lw      s8, 40(sp)\n\t"
      "lw      s9, 44(sp)\n\t"
      "lw      s10, 48(sp)\n\t"
      "lw      s11, 52(sp)\n\t"
      "addi    sp, sp, 64\n\t"
      "ret\n\t");
}

__attribute__((naked, noinline)) static void group8_sums_rv(const int8_t* x, int32_t n, const int32_t* w, uint32_t* sums) {
  __asm__ volatile(
      "addi    sp, sp, -16\n\t"
      "sw      s0, 0(sp)\n\t"
      "sw      s1, 4(sp)\n\t"
      "sw      s2, 8(sp)\n\t"
      "sw      s3, 12(sp)\n\t"
      "mv      a6, a3\n\t"
      "andi    a5, a1, 1\n\t"
      "slli    t2, a1, 3\n\t"
      "add     a4, a2, t2\n\t"
      "andi    a1, a1, -2\n\t"
      "add     a1, a0, a1\n\t"
      "lui     a7, 8\n\t"
      "li      t3, 0\n\t"
      "li      t4, 0\n\t"
      "li      t5, 0\n\t"
      "li      t6, 0\n\t"
      "li      s0, 0\n\t"
      "li      s1, 0\n\t"
      "li      s2, 0\n\t"
      "li      s3, 0\n\t"
      "beq     a0, a1, 3f\n\t"
      "sub     t2, a1, a0\n\t"
      "andi    t2, t2, 2\n\t"
      "beqz    t2, 1f\n\t"
      "addi    a0, a0, -2\n\t"
      "addi    a2, a2, -16\n\t"
      "addi    a4, a4, -16\n\t"
      "j       2f\n\t"
      "1:\n\t"
      "lb      t0, 0(a0)\n\t"
      "lb      t1, 1(a0)\n\t"
      MOTE_RV_PAIR("0", "4", "a2", "t3", "t4")
      MOTE_RV_PAIR("8", "12", "a2", "t5", "t6")
      MOTE_RV_PAIR("0", "4", "a4", "s0", "s1")
      MOTE_RV_PAIR("8", "12", "a4", "s2", "s3")
      "2:\n\t"
      "lb      t0, 2(a0)\n\t"
      "lb      t1, 3(a0)\n\t"
      MOTE_RV_PAIR("16", "20", "a2", "t3", "t4")
      MOTE_RV_PAIR("24", "28", "a2", "t5", "t6")
      MOTE_RV_PAIR("16", "20", "a4", "s0", "s1")
      MOTE_RV_PAIR("24", "28", "a4", "s2", "s3")
      "addi    a0, a0, 4\n\t"
      "addi    a2, a2, 32\n\t"
      "addi    a4, a4, 32\n\t"
      "bne     a0, a1, 1b\n\t"
      "3:\n\t"
      "beqz    a5, 4f\n\t"
      "lb      t0, 0(a0)\n\t"
      MOTE_RV_ODD("0", "a2", "t3", "t4")
      MOTE_RV_ODD("4", "a2", "t5", "t6")
      MOTE_RV_ODD("0", "a4", "s0", "s1")
      MOTE_RV_ODD("4", "a4", "s2", "s3")
      "4:\n\t"
      "sw      t3, 0(a6)\n\t"
      "sw      t4, 4(a6)\n\t"
      "sw      t5, 8(a6)\n\t"
      "sw      t6, 12(a6)\n\t"
      "sw      s0, 16(a6)\n\t"
      "sw      s1, 20(a6)\n\t"
      "sw      s2, 24(a6)\n\t"
      "sw      s3, 28(a6)\n\t"
      "lw      s0, 0(sp)\n\t"
      "lw      s1, 4(sp)\n\t"
      "lw      s2, 8(sp)\n\t"
      "lw      s3, 12(sp)\n\t"
      "addi    sp, sp, 16\n\t"
      "ret\n\t");
}

__attribute__((naked, noinline)) static void group4_sums_rv(const int8_t* x, int32_t n, const int32_t* w, uint32_t* sums) {
  __asm__ volatile(
      "mv      a6, a3\n\t"
      "andi    a5, a1, 1\n\t"
      "andi    a1, a1, -2\n\t"
      "add     a1, a0, a1\n\t"
      "lui     a7, 8\n\t"
      "li      t3, 0\n\t"
      "li      t4, 0\n\t"
      "li      t5, 0\n\t"
      "li      t6, 0\n\t"
      "beq     a0, a1, 3f\n\t"
      "sub     t2, a1, a0\n\t"
      "andi    t2, t2, 2\n\t"
      "beqz    t2, 1f\n\t"
      "addi    a0, a0, -2\n\t"
      "addi    a2, a2, -16\n\t"
      "j       2f\n\t"
      "1:\n\t"
      "lb      t0, 0(a0)\n\t"
      "lb      t1, 1(a0)\n\t"
      MOTE_RV_PAIR("0", "4", "a2", "t3", "t4")
      MOTE_RV_PAIR("8", "12", "a2", "t5", "t6")
      "2:\n\t"
      "lb      t0, 2(a0)\n\t"
      "lb      t1, 3(a0)\n\t"
      MOTE_RV_PAIR("16", "20", "a2", "t3", "t4")
      MOTE_RV_PAIR("24", "28", "a2", "t5", "t6")
      "addi    a0, a0, 4\n\t"
      "addi    a2, a2, 32\n\t"
      "bne     a0, a1, 1b\n\t"
      "3:\n\t"
      "beqz    a5, 4f\n\t"
      "lb      t0, 0(a0)\n\t"
      MOTE_RV_ODD("0", "a2", "t3", "t4")
      MOTE_RV_ODD("4", "a2", "t5", "t6")
      "4:\n\t"
      "sw      t3, 0(a6)\n\t"
      "sw      t4, 4(a6)\n\t"
      "sw      t5, 8(a6)\n\t"
      "sw      t6, 12(a6)\n\t"
      "ret\n\t");
}

#undef MOTE_RV_PAIR
#undef MOTE_RV_ODD

// A pass's pairs to their outputs: one copy of the requantization in flash, no call per pair.
__attribute__((noinline)) static void store_pairs_rv(const uint32_t* sums, int32_t pairs, const int32_t* t, int8_t* out) {
  for (const uint32_t* end = sums + 2 * pairs; sums != end; sums += 2, t += 8, out += 2)
    store_pair(sums[0], static_cast<int32_t>(sums[1]), t, out, true);
}

// A pass of 4 g rows: its sums, then each pair's outputs.
template <int32_t G>
static void group_rv(const int8_t* x, int32_t n, const int32_t* w, const int32_t* t, int8_t* out) {
  uint32_t sums[4 * G];
  if (G == 4)
    group16_sums_rv(x, n, w, sums);
  else if (G == 2)
    group8_sums_rv(x, n, w, sums);
  else
    group4_sums_rv(x, n, w, sums);
  store_pairs_rv(sums, 2 * G, t, out);
}
#endif

// One pair (2 rows, or a last single row with its zero partner).
static void group2(const int8_t* x, int32_t n, const int32_t* w, const int32_t* t, int8_t* out, bool both) {
  uint32_t r0 = 0;
  int32_t h0 = 0;
  const int8_t* end = x + (n & ~1);
  for (; x != end; x += 2, w += 2) {
    const uint32_t s0 = chunk2(w, x[0], x[1]);
    r0 += s0;
    h0 += static_cast<int32_t>(s0) >> 16;
  }
  if (n & 1) {
    const uint32_t s0 = static_cast<uint32_t>(w[0]) * static_cast<uint32_t>(static_cast<int32_t>(x[0])) + kFieldBias;
    r0 += s0;
    h0 += static_cast<int32_t>(s0) >> 16;
  }
  store_pair(r0, h0, t, out, both);
}

Status fully_connected_s8_wide(const FullyConnectedS8WideLayer& layer) {
  if (!layer.input || !layer.weights || !layer.table || !layer.output) return MOTE_ERR_ARG;
  if (layer.input_size <= 0 || layer.output_size <= 0) return MOTE_ERR_SHAPE;
  if (layer.input_size > kMaxDotLength) return MOTE_ERR_UNSUPPORTED;
  const int32_t n = layer.input_size;
  for (int32_t o = 0; o < layer.output_size;) {
    const int32_t g = group_rows(layer.output_size, o);
    const int32_t* w = layer.weights + static_cast<size_t>(o / 2) * static_cast<size_t>(n);
    const int32_t* t = layer.table + 4 * static_cast<size_t>(o);
#if defined(__riscv)
    if (g == 4) {
      const int32_t groups = layer.output_size - o >= 16 ? 4 : (layer.output_size - o >= 8 ? 2 : 1);
      if (groups == 4)
        group_rv<4>(layer.input, n, w, t, layer.output + o);
      else if (groups == 2)
        group_rv<2>(layer.input, n, w, t, layer.output + o);
      else
        group_rv<1>(layer.input, n, w, t, layer.output + o);
      o += 4 * groups;
      continue;
    }
#else
    if (g == 4) {
      group4(layer.input, n, w, t, layer.output + o);
      o += 4;
      continue;
    }
#endif
    group2(layer.input, n, w, t, layer.output + o, g == 2);
    o += g;
  }
  return MOTE_OK;
}

}  // namespace nn
}  // namespace mote
