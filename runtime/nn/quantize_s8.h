// Float to int8 at a tensor's scale and zero point (the model input: DSP features -> int8), the same on
// host and device: q = clamp(round_half_away(x / scale) + zero_point, -128, 127). The float division is
// IEEE single precision everywhere and the rounding is exact integer work (no libm), so host and device
// agree bit for bit. NaN becomes the zero point.
#ifndef MOTE_NN_QUANTIZE_S8_H
#define MOTE_NN_QUANTIZE_S8_H

#include "nn/types.h"

namespace mote {
namespace nn {

struct QuantizeS8Params {
  int32_t size;
  float scale;  // > 0
  int32_t zero_point;  // [-128, 127]
};

size_t quantize_s8_scratch_bytes(const QuantizeS8Params& p);  // 0
// Errors: MOTE_ERR_ARG (null, scale <= 0 or not finite, zero point outside int8), MOTE_ERR_SHAPE (size <= 0).
Status quantize_s8(const QuantizeS8Params& p, const float* input, int8_t* output);

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_QUANTIZE_S8_H
