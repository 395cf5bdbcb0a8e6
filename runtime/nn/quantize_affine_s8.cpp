#include "nn/quantize_affine_s8.h"

#include "nn/quantize_s8.h"

namespace mote {
namespace nn {

size_t quantize_affine_s8_scratch_bytes(const QuantizeAffineS8Params&) { return 0; }

Status quantize_affine_s8(const QuantizeAffineS8Params& p, const float* input, int8_t* output) {
  if (!input || !output || !p.gain || !p.offset) return MOTE_ERR_ARG;
  if (p.size <= 0 || p.period <= 0) return MOTE_ERR_SHAPE;
  if (p.zero_point < -128 || p.zero_point > 127) return MOTE_ERR_ARG;
  // Locals: stores through int8_t* may alias p, which would reload every field per value.
  const int32_t size = p.size, period = p.period, zero_point = p.zero_point;
  const float* const gain = p.gain;
  const float* const offset = p.offset;
  const uint16_t* const select = p.select;
  int32_t k = 0;  // i % period without a division per value
  if (select) {
    for (int32_t i = 0; i < size; ++i) {
      const float scaled = input[select[i]] * gain[k];
      output[i] = quantize_rounded_s8(scaled + offset[k], zero_point);
      if (++k == period) k = 0;
    }
  } else {
    for (int32_t i = 0; i < size; ++i) {
      const float scaled = input[i] * gain[k];
      output[i] = quantize_rounded_s8(scaled + offset[k], zero_point);
      if (++k == period) k = 0;
    }
  }
  return MOTE_OK;
}

}  // namespace nn
}  // namespace mote
