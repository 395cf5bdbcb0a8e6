// The Cortex-M DSP-extension intrinsics the `_dsp` kernel paths use (ACLE __sxtb16, __sxtab16, __smlad,
// __smlabb, __smlatt, __ssub8 + __sel). With __ARM_FEATURE_DSP they are the real instructions; elsewhere portable C with the
// same bit-level definition (ARMv7-M ARM), so the DSP paths also run and are tested on the host.
#ifndef MOTE_NN_SIMD_H
#define MOTE_NN_SIMD_H

#include <stdint.h>
#include <string.h>

#if (defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP) || (defined(__ARM_FEATURE_SAT) && __ARM_FEATURE_SAT)
#include <arm_acle.h>
#endif
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#define MOTE_NN_HW_DSP 1
#else
#define MOTE_NN_HW_DSP 0
#endif

// Which path the generic entry points run, picked at compile time per core. With the DSP extension (M4, M7, M33,
// M55): the _dsp paths. Without it the _dsp paths' pair form (the C definitions below) is still the faster
// portable code for convolutions on every device core measured under QEMU (instructions per MAC, conv2d / depthwise,
// _ref -> _dsp: Cortex-M0 41 -> 17 / 49 -> 46, M3 21 -> 5 / 30 -> 13, RV32 25 -> 10 / 27 -> 24), and for dense
// layers on the M3 (11 -> 4.5; on the M0 and RV32 it is slower: 16 -> 22, 11 -> 12). The host keeps _ref, the
// form every other path is checked against. Every path gives the same bits (tests/nn, on every target).
#if MOTE_NN_HW_DSP || defined(__arm__) || defined(__riscv)
#define MOTE_NN_PAIRED_CONV 1
#else
#define MOTE_NN_PAIRED_CONV 0
#endif
#if MOTE_NN_HW_DSP || defined(__ARM_ARCH_7M__)
#define MOTE_NN_PAIRED_DENSE 1
#else
#define MOTE_NN_PAIRED_DENSE 0
#endif

namespace mote {
namespace nn {
namespace simd {

// Four int8 (or two int16) from memory as one word; memcpy keeps it legal at any alignment (one LDR on M4).
inline int32_t load32(const void* p) {
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

inline void store32(void* p, int32_t v) { memcpy(p, &v, 4); }

// Two int16 values in one word (low, high); GCC emits one PKHBT on the M4.
inline int32_t pack16(int32_t lo, int32_t hi) {
  return static_cast<int32_t>((static_cast<uint32_t>(lo) & 0xFFFFu) | (static_cast<uint32_t>(hi) << 16));
}

inline int32_t ror8(int32_t x) {
  const uint32_t u = static_cast<uint32_t>(x);
  return static_cast<int32_t>((u >> 8) | (u << 24));
}

#if MOTE_NN_HW_DSP
inline int32_t sxtb16(int32_t x) { return __sxtb16(x); }
inline int32_t sxtab16(int32_t a, int32_t b) { return __sxtab16(a, b); }
inline int32_t smlad(int32_t a, int32_t b, int32_t acc) { return __smlad(a, b, acc); }
inline int32_t smlabb(int32_t a, int32_t b, int32_t acc) { return __smlabb(a, b, acc); }
inline int32_t smlatt(int32_t a, int32_t b, int32_t acc) { return __smlatt(a, b, acc); }
// Per-lane max / min of four int8: SSUB8 sets the GE flag of each lane, SEL picks by it.
inline int32_t max8x4(int32_t a, int32_t b) {
  __ssub8(a, b);
  return static_cast<int32_t>(__sel(static_cast<uint32_t>(a), static_cast<uint32_t>(b)));
}
inline int32_t min8x4(int32_t a, int32_t b) {
  __ssub8(a, b);
  return static_cast<int32_t>(__sel(static_cast<uint32_t>(b), static_cast<uint32_t>(a)));
}
// The rotation folded into the extend (one instruction; GCC does not fold ror8 into the intrinsic itself).
inline int32_t sxtb16_ror8(int32_t x) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}
inline int32_t sxtab16_ror8(int32_t a, int32_t b) {
  int32_t r;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
#else
inline int32_t lo16(int32_t x) { return static_cast<int16_t>(static_cast<uint32_t>(x) & 0xFFFFu); }
inline int32_t hi16(int32_t x) { return static_cast<int16_t>(static_cast<uint32_t>(x) >> 16); }
inline int32_t byte0(int32_t x) { return static_cast<int8_t>(static_cast<uint32_t>(x) & 0xFFu); }
inline int32_t byte2(int32_t x) { return static_cast<int8_t>((static_cast<uint32_t>(x) >> 16) & 0xFFu); }
inline int32_t sxtb16(int32_t x) { return pack16(byte0(x), byte2(x)); }
inline int32_t sxtab16(int32_t a, int32_t b) { return pack16(lo16(a) + byte0(b), hi16(a) + byte2(b)); }
inline int32_t wrap_add(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
inline int32_t smlad(int32_t a, int32_t b, int32_t acc) {
  return wrap_add(wrap_add(acc, lo16(a) * lo16(b)), hi16(a) * hi16(b));
}
inline int32_t smlabb(int32_t a, int32_t b, int32_t acc) { return wrap_add(acc, lo16(a) * lo16(b)); }
inline int32_t smlatt(int32_t a, int32_t b, int32_t acc) { return wrap_add(acc, hi16(a) * hi16(b)); }
inline int32_t lane8(int32_t x, int i) { return static_cast<int8_t>((static_cast<uint32_t>(x) >> (8 * i)) & 0xFFu); }
inline int32_t pick8x4(int32_t a, int32_t b, bool take_max) {
  uint32_t r = 0;
  for (int i = 0; i < 4; ++i) {
    const int32_t x = lane8(a, i), y = lane8(b, i);
    const int32_t v = (x >= y) == take_max ? x : y;
    r |= (static_cast<uint32_t>(v) & 0xFFu) << (8 * i);
  }
  return static_cast<int32_t>(r);
}
inline int32_t max8x4(int32_t a, int32_t b) { return pick8x4(a, b, true); }
inline int32_t sxtb16_ror8(int32_t x) { return sxtb16(ror8(x)); }
inline int32_t sxtab16_ror8(int32_t a, int32_t b) { return sxtab16(a, ror8(b)); }
inline int32_t min8x4(int32_t a, int32_t b) { return pick8x4(a, b, false); }
#endif

// v clamped to a signed kBits-bit integer: one SSAT on cores with the saturation instructions (GCC emits two
// compares in loops).
template <int kBits>
inline int32_t ssat(int32_t v) {
#if defined(__ARM_FEATURE_SAT) && __ARM_FEATURE_SAT
  return __ssat(v, kBits);
#else
  const int32_t hi = (1 << (kBits - 1)) - 1, lo = -hi - 1;
  return v < lo ? lo : (v > hi ? hi : v);
#endif
}
inline int32_t ssat8(int32_t v) { return ssat<8>(v); }
inline int32_t ssat16(int32_t v) { return ssat<16>(v); }

// All four lanes set to the int8 value v.
inline int32_t dup8(int32_t v) { return static_cast<int32_t>((static_cast<uint32_t>(v) & 0xFFu) * 0x01010101u); }

// Both halfwords set to v (the input offset added by sxtab16).
inline int32_t dup16(int32_t v) {
  return static_cast<int32_t>((static_cast<uint32_t>(v) & 0xFFFFu) | (static_cast<uint32_t>(v) << 16));
}

// Row pairs as int16 (fully_connected_s8, conv2d_s8): two rows' weights of one input are the int16
// h = 256 w[hi] + w[lo], stored as the bytes w[lo], pair_high_byte(w[lo], w[hi]) (w in [-127, 127]). One SMLAD
// of h words accumulates S = 256 y[hi] + y[lo]; SXTB16 of the same words gives w[lo] for y[lo]; y[hi] is
// pair_high_row(S, y[lo]) when S and y[lo] started equal. Exact while |y[hi]| < 2^23: 256 inputs of
// |x + offset| <= 255 and |w| <= 127 at most (8 290 560), so longer dot products go in chunks.
static const int32_t kPairChunkBlocks = 64;  // blocks of 4 inputs
static const int32_t kPairTapOrder[4] = {0, 2, 1, 3};  // a block's words pair inputs (0, 2) and (1, 3), as SXTAB16
inline int8_t pair_high_byte(int32_t lo, int32_t hi) { return static_cast<int8_t>(hi - (lo < 0 ? 1 : 0)); }
inline int32_t pair_high_weight(int32_t lo, int32_t high_byte) { return high_byte + (lo < 0 ? 1 : 0); }
// (S - y[lo]) modulo 2^32 is 256 y[hi] (SMLAD wraps); the arithmetic shift recovers y[hi].
inline int32_t pair_high_row(int32_t s, int32_t y_lo) {
  return static_cast<int32_t>(static_cast<uint32_t>(s) - static_cast<uint32_t>(y_lo)) >> 8;
}
// One pair's block of 4 inputs: words (h[0], h[2]) and (h[1], h[3]) at w against the widened inputs xa = (0, 2)
// and xb = (1, 3): S += both rows, y += the low row. The C form of the M4 loops.
inline void pair_block(const int8_t* w, int32_t xa, int32_t xb, int32_t& s, int32_t& y) {
  const int32_t a = load32(w), b = load32(w + 4);
  s = smlad(b, xb, smlad(a, xa, s));
  y = smlad(sxtb16(b), xb, smlad(sxtb16(a), xa, y));
}

// The M4 MAC loops' skeleton: `block` twice per pass, counter register `n` (blocks, as text) counted down; an
// odd count enters at the second block. No flags change inside a block, so LSRS's carry (odd) and zero (no
// pairs) serve both branches. Uses the local labels 1 to 4.
// The same four blocks per pass (2 instructions of loop per 4 blocks) for the naked passes: TBB on count % 4
// enters the body at the block that leaves whole passes (0: straight to the test), then SUBS + BPL run the
// count / 4 passes. `tmp` is a free register at entry. Uses the local labels 3 and 5 to 9.
#define MOTE_NN_FOUR_BLOCKS_PER_PASS(n, tmp, block)                      \
  "and     " tmp ", " n ", #3\n\t"                                       \
  "lsr     " n ", " n ", #2\n\t"                                         \
  "tbb     [pc, " tmp "]\n\t"                                            \
  "5:\n\t"                                                              \
  ".byte   (9f - 5b) / 2, (6f - 5b) / 2, (7f - 5b) / 2, (8f - 5b) / 2\n\t" \
  "3:\n\t" block "8:\n\t" block "7:\n\t" block "6:\n\t" block             \
  "9:\n\t"                                                              \
  "subs    " n ", " n ", #1\n\t"                                         \
  "bpl     3b\n\t"

#define MOTE_NN_TWO_BLOCKS_PER_PASS(n, block) \
  "lsrs    " n ", " n ", #1\n\t"             \
  "bcc     1f\n\t"                           \
  "adds    " n ", " n ", #1\n\t"             \
  "b       4f\n\t"                           \
  "1:\n\t"                                   \
  "beq     3f\n\t"                           \
  "2:\n\t" block "4:\n\t" block            \
  "subs    " n ", " n ", #1\n\t"             \
  "bne     2b\n\t"                           \
  "3:\n\t"

}  // namespace simd
}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_SIMD_H
