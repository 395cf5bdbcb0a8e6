// Shared parameter block of max_pool2d_s8 and avg_pool2d_s8 (pools keep the input's scale and zero point).
#ifndef MOTE_NN_POOL_COMMON_H
#define MOTE_NN_POOL_COMMON_H

#include "nn/types.h"

namespace mote {
namespace nn {

struct PoolS8Params {
  Dims input, output;  // output.c == input.c
  int32_t kernel_h, kernel_w, stride_h, stride_w;
  int32_t pad_h, pad_w;  // padding before (top, left); padded taps are ignored, never counted
  int32_t act_min, act_max;
};

inline Status check_pool(const PoolS8Params& p, const int8_t* input, const int8_t* output) {
  if (!input || !output) return MOTE_ERR_ARG;
  if (!valid_dims(p.input) || !valid_dims(p.output) || p.output.c != p.input.c || p.kernel_h <= 0 ||
      p.kernel_w <= 0)
    return MOTE_ERR_SHAPE;
  if (p.stride_h <= 0 || p.stride_w <= 0 || p.pad_h < 0 || p.pad_w < 0 || !valid_activation(p.act_min, p.act_max))
    return MOTE_ERR_ARG;
  if (static_cast<int64_t>(p.kernel_h) * p.kernel_w > kMaxDotLength) return MOTE_ERR_UNSUPPORTED;
  return MOTE_OK;
}

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_POOL_COMMON_H
