// Element-wise add of two int8 tensors of the same shape (residual connections), TFLite semantics:
//   a = (x1 + input1_offset) << left_shift, b likewise; a' = MBQM(a, m1, s1), b' = MBQM(b, m2, s2);
//   out = clamp(MBQM(a' + b', m_out, s_out) + output_offset, act).
// TFLite's parameters: left_shift 20; m1/m2 from s_i / (2 max(s1, s2)); m_out from 2 max(s1, s2) / (2^20 s_out).
#ifndef MOTE_NN_ADD_S8_H
#define MOTE_NN_ADD_S8_H

#include "nn/types.h"

namespace mote {
namespace nn {

struct AddS8Params {
  int32_t size;
  int32_t input1_offset, input2_offset;  // minus the zero points
  int32_t left_shift;                    // 20 in TFLite
  int32_t input1_multiplier, input1_shift, input2_multiplier, input2_shift;
  int32_t output_multiplier, output_shift;
  int32_t output_offset;  // the output zero point
  int32_t act_min, act_max;
};

size_t add_s8_scratch_bytes(const AddS8Params& p);  // 0
// Errors: MOTE_ERR_ARG (null, bad offsets/activation, left_shift outside [0, 22]), MOTE_ERR_SHAPE (size <= 0).
// One path: a per-element rescale has no multiply-accumulate to pair.
Status add_s8(const AddS8Params& p, const int8_t* input1, const int8_t* input2, int8_t* output);

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_ADD_S8_H
