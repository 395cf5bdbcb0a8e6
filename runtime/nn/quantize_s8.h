// Float to int8 at a tensor's scale and zero point (the model input: DSP features -> int8), the same on
// host and device: q = clamp(round_half_away(x / scale) + zero_point, -128, 127). The float division is
// IEEE single precision everywhere and the rounding is exact integer work (no libm), so host and device
// agree bit for bit. NaN becomes the zero point.
#ifndef MOTE_NN_QUANTIZE_S8_H
#define MOTE_NN_QUANTIZE_S8_H

#include "nn/simd.h"
#include "nn/types.h"

namespace mote {
namespace nn {

struct QuantizeS8Params {
  int32_t size;
  float scale;  // > 0
  int32_t zero_point;  // [-128, 127]
};

// float -> int32 as the FPU's VCVT.S32.F32 does it: toward zero, saturating, NaN -> 0. One instruction on
// a Cortex-M4F; the portable form gives the same for every input.
inline int32_t convert_saturating_s32(float w) {
#if defined(__ARM_FP) && (__ARM_FP & 4) && defined(__GNUC__)
  __asm__("vcvt.s32.f32 %0, %0" : "+t"(w));
  int32_t t;
  __builtin_memcpy(&t, &w, 4);
  return t;
#else
  if (!(w == w)) return 0;
  if (w >= 2147483648.0f) return 2147483647;
  if (w <= -2147483648.0f) return -2147483647 - 1;
  return static_cast<int32_t>(w);
#endif
}

// round_half_away(v) + zero_point, clamped to int8; NaN gives the zero point. With t = trunc(2v) (2v is exact),
// round_half_away(v) = floor((t + (t >= 0)) / 2), and adding 2 zero_point before halving adds zero_point after.
// t is clamped to int16 first: that changes no result past the int8 clamp and keeps the sum in range. Branch-
// free: SSAT, ADD with ASR #31, ADD, SSAT with ASR #1 on the M4 (7 instructions before).
inline int8_t quantize_rounded_s8(float v, int32_t zero_point) {
  const int32_t t = simd::ssat16(convert_saturating_s32(v + v));
  return static_cast<int8_t>(simd::ssat8((t + (t >> 31) + 1 + 2 * zero_point) >> 1));
}

// Scale finite and > 0, zero point in int8 (quantize_s8 refuses anything else with MOTE_ERR_ARG).
inline bool quantize_s8_params_valid(const QuantizeS8Params& p) {
  return p.scale > 0.0f && p.scale <= 3.0e38f && p.zero_point >= -128 && p.zero_point <= 127;
}

size_t quantize_s8_scratch_bytes(const QuantizeS8Params& p);  // 0
// Errors: MOTE_ERR_ARG (null, scale <= 0 or not finite, zero point outside int8), MOTE_ERR_SHAPE (size <= 0).
Status quantize_s8(const QuantizeS8Params& p, const float* input, int8_t* output);

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_QUANTIZE_S8_H
