// Mean over height and width of an HWC int8 tensor (global average pooling), TFLite's int8 MEAN over axes
// {1, 2} exactly as TFLite Micro's reference kernel computes it (TFLM has no CMSIS-NN MEAN):
//   n = h * w; sum[ch] = sum of the channel's int8 values (int32);
//   k = min(floor(log2 n), 32, 31 + shift); m' = floor(multiplier * 2^k / n) (int64), s' = shift - k;
//   out[ch] = clamp(MBQM(sum[ch] - input_zero_point * n, m', s') + output_offset, act).
// multiplier/shift are input_scale / output_scale as QuantizeMultiplier makes them (TFLM's Prepare); the
// 1/n is folded in per call as above, so a different mean (average pool's division) would not match TFLM.
// input: HWC int8 of `input` dims; output: input.c int8 values (shape 1x1xc). The reference sums one channel
// at a time; the DSP path four channels per word (two SXTAB16 into int16 lanes, 255 pixels at a time so no lane
// overflows, then widened): about 1.5 instructions per value on the M4 instead of 6.
#ifndef MOTE_NN_MEAN_S8_H
#define MOTE_NN_MEAN_S8_H

#include "nn/types.h"

namespace mote {
namespace nn {

struct MeanS8Params {
  Dims input;                 // h * w <= kMaxDotLength
  int32_t input_offset;       // minus the input zero point, [-127, 128]
  int32_t output_offset;      // the output zero point, [-128, 127]
  int32_t multiplier, shift;  // input_scale / output_scale: multiplier in [0, 2^31), shift in [-31, 30]
  int32_t act_min, act_max;   // TFLite's MEAN has none (full int8); a following RELU folds in here
};

size_t mean_s8_scratch_bytes(const MeanS8Params& p);  // 0
// The per-call multiplier and shift with 1/n folded in (m', s' above); false when the parameters are invalid.
bool mean_s8_count_multiplier(const MeanS8Params& p, int32_t* multiplier, int32_t* shift);
// Errors: MOTE_ERR_ARG (null, bad offsets/activation/multiplier/shift), MOTE_ERR_SHAPE (dims <= 0),
// MOTE_ERR_UNSUPPORTED (h * w > kMaxDotLength).
Status mean_s8(const MeanS8Params& p, const int8_t* input, int8_t* output);
Status mean_s8_ref(const MeanS8Params& p, const int8_t* input, int8_t* output);
Status mean_s8_dsp(const MeanS8Params& p, const int8_t* input, int8_t* output);

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_MEAN_S8_H
