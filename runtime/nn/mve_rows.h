// Helium (MVE) row dot products shared by the kernels that multiply int8 rows by one int8 vector
// (fully_connected_s8_mve: the layer's input; conv2d_s8_mve: one output pixel's column), and the vector form of
// TFLite's requantization of four int32 accumulators. Plain C where the core has no integer Helium (the host, other
// cores), so the kernel harness checks the same arithmetic everywhere.
#ifndef MOTE_NN_MVE_ROWS_H
#define MOTE_NN_MVE_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "nn/fully_connected_s8_mve.h"  // MOTE_NN_MVE_DENSE

#if MOTE_NN_MVE_DENSE
#include <arm_mve.h>
#endif

namespace mote {
namespace nn {

#if MOTE_NN_MVE_DENSE
// acc[r] += x . w_r over n int8 (four rows, any of them may be the same row), 16 per step: whole vectors
// unpredicated (GCC gave each predicated operation its own VPST and recomputed addresses: about 30 instructions per
// 64 MACs), then one tail-predicated last vector (inactive lanes load as zero and touch no memory). One VMLADAVA.S8
// is 16 MACs: per 16 inputs and 4 rows, one input load, 4 weight loads and 4 VMLADAVA.
static inline void mve_dot4(const int8_t* x, const int8_t* w0, const int8_t* w1, const int8_t* w2, const int8_t* w3,
                            int32_t n, int32_t acc[4]) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  for (int32_t k = n >> 4; k > 0; --k) {
    const int8x16_t xv = vld1q_s8(x);
    a0 = vmladavaq_s8(a0, xv, vld1q_s8(w0));
    a1 = vmladavaq_s8(a1, xv, vld1q_s8(w1));
    a2 = vmladavaq_s8(a2, xv, vld1q_s8(w2));
    a3 = vmladavaq_s8(a3, xv, vld1q_s8(w3));
    x += 16;
    w0 += 16;
    w1 += 16;
    w2 += 16;
    w3 += 16;
  }
  if (n & 15) {
    const mve_pred16_t p = vctp8q(static_cast<uint32_t>(n & 15));
    const int8x16_t xv = vldrbq_z_s8(x, p);
    a0 = vmladavaq_s8(a0, xv, vldrbq_z_s8(w0, p));
    a1 = vmladavaq_s8(a1, xv, vldrbq_z_s8(w1, p));
    a2 = vmladavaq_s8(a2, xv, vldrbq_z_s8(w2, p));
    a3 = vmladavaq_s8(a3, xv, vldrbq_z_s8(w3, p));
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

static inline int32_t mve_dot1(const int8_t* x, const int8_t* w, int32_t n, int32_t a) {
  for (int32_t k = n >> 4; k > 0; --k, x += 16, w += 16) a = vmladavaq_s8(a, vld1q_s8(x), vld1q_s8(w));
  if (n & 15) {
    const mve_pred16_t p = vctp8q(static_cast<uint32_t>(n & 15));
    a = vmladavaq_s8(a, vldrbq_z_s8(x, p), vldrbq_z_s8(w, p));
  }
  return a;
}

// TFLite's MultiplyByQuantizedMultiplier for four lanes with shifts <= 0, plus the output offset, clamped to
// [lo, hi]: VQRDMULH is gemmlowp's SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT as VRSHL by the
// negative shift after -1 for a negative value (CMSIS-NN's fixup; VQADD keeps INT32_MIN, which rounds alike).
static inline int32x4_t mve_requant4(int32x4_t acc, int32x4_t multiplier, int32x4_t shift, int32x4_t offset,
                                     int32x4_t lo, int32x4_t hi) {
  int32x4_t r = vqrdmulhq_s32(acc, multiplier);
  r = vqaddq_s32(r, vshrq_n_s32(vandq_s32(r, shift), 31));
  r = vrshlq_s32(r, shift);
  return vminq_s32(vmaxq_s32(vaddq_s32(r, offset), lo), hi);
}
#else
static inline void mve_dot4(const int8_t* x, const int8_t* w0, const int8_t* w1, const int8_t* w2, const int8_t* w3,
                            int32_t n, int32_t acc[4]) {
  for (int32_t i = 0; i < n; ++i) {
    acc[0] += x[i] * w0[i];
    acc[1] += x[i] * w1[i];
    acc[2] += x[i] * w2[i];
    acc[3] += x[i] * w3[i];
  }
}

static inline int32_t mve_dot1(const int8_t* x, const int8_t* w, int32_t n, int32_t a) {
  for (int32_t i = 0; i < n; ++i) a += x[i] * w[i];
  return a;
}
#endif

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_MVE_ROWS_H
