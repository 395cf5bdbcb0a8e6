#include "nn/add_s8.h"

#include "nn/fixed_point.h"

namespace mote {
namespace nn {

size_t add_s8_scratch_bytes(const AddS8Params&) { return 0; }

Status add_s8(const AddS8Params& p, const int8_t* input1, const int8_t* input2, int8_t* output) {
  if (!input1 || !input2 || !output) return MOTE_ERR_ARG;
  if (p.size <= 0) return MOTE_ERR_SHAPE;
  if (!valid_input_offset(p.input1_offset) || !valid_input_offset(p.input2_offset) ||
      !valid_output_offset(p.output_offset) || !valid_activation(p.act_min, p.act_max) || p.left_shift < 0 ||
      p.left_shift > 22)
    return MOTE_ERR_ARG;
  for (int32_t i = 0; i < p.size; ++i) {
    const int32_t a = shift_left_wrapping(input1[i] + p.input1_offset, p.left_shift);
    const int32_t b = shift_left_wrapping(input2[i] + p.input2_offset, p.left_shift);
    const int32_t sum = multiply_by_quantized_multiplier(a, p.input1_multiplier, p.input1_shift) +
                        multiply_by_quantized_multiplier(b, p.input2_multiplier, p.input2_shift);
    const int32_t v = multiply_by_quantized_multiplier(sum, p.output_multiplier, p.output_shift) + p.output_offset;
    output[i] = static_cast<int8_t>(clamp_i32(v, p.act_min, p.act_max));
  }
  return MOTE_OK;
}

}  // namespace nn
}  // namespace mote
