#include "nn/quantize_s8.h"

namespace mote {
namespace nn {

size_t quantize_s8_scratch_bytes(const QuantizeS8Params&) { return 0; }

Status quantize_s8(const QuantizeS8Params& p, const float* input, int8_t* output) {
  if (!input || !output) return MOTE_ERR_ARG;
  if (p.size <= 0) return MOTE_ERR_SHAPE;
  if (!quantize_s8_params_valid(p)) return MOTE_ERR_ARG;
  const int32_t size = p.size, zero_point = p.zero_point;  // locals: int8 stores may alias p
  const float scale = p.scale;
  for (int32_t i = 0; i < size; ++i) output[i] = quantize_rounded_s8(input[i] / scale, zero_point);
  return MOTE_OK;
}

}  // namespace nn
}  // namespace mote
