// Float to int8 with a per-channel affine map in front: the model input when its channels have different
// units (raw accelerometer g beside gyroscope deg/s), so each gets the int8 range instead of sharing one
// scale. q[i] = clamp(round_half_away(x[i] * gain[i % period] + offset[i % period]) + zero_point), each
// float operation IEEE single and unfused (build with -ffp-contract=off), so host and device agree bit for bit.
#ifndef MOTE_NN_QUANTIZE_AFFINE_S8_H
#define MOTE_NN_QUANTIZE_AFFINE_S8_H

#include "nn/types.h"

namespace mote {
namespace nn {

struct QuantizeAffineS8Params {
  int32_t size;            // outputs
  int32_t period;          // gain and offset repeat every `period` outputs: the channel count (HWC), or size
  const float* gain;       // period values, finite: 1 / (the channel's range x the input scale)
  const float* offset;     // period values, finite
  int32_t zero_point;      // [-128, 127]
  const uint16_t* select;  // optional: output i reads input[select[i]] (a classifier reading some features)
};

size_t quantize_affine_s8_scratch_bytes(const QuantizeAffineS8Params& p);  // 0
// Errors: MOTE_ERR_ARG (null pointers, zero point outside int8), MOTE_ERR_SHAPE (size or period <= 0).
Status quantize_affine_s8(const QuantizeAffineS8Params& p, const float* input, int8_t* output);

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_QUANTIZE_AFFINE_S8_H
