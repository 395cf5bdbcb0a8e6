#include "nn/quantize_s8.h"

namespace mote {
namespace nn {

size_t quantize_s8_scratch_bytes(const QuantizeS8Params&) { return 0; }

Status quantize_s8(const QuantizeS8Params& p, const float* input, int8_t* output) {
  if (!input || !output) return MOTE_ERR_ARG;
  if (p.size <= 0) return MOTE_ERR_SHAPE;
  if (!(p.scale > 0.0f) || p.scale > 3.0e38f || p.zero_point < -128 || p.zero_point > 127) return MOTE_ERR_ARG;
  for (int32_t i = 0; i < p.size; ++i) {
    float v = input[i] / p.scale;
    int32_t q;
    if (!(v == v)) {
      q = 0;  // NaN
    } else if (v >= 1000.0f) {
      q = 1000;  // saturates below anyway; keeps the conversion in range
    } else if (v <= -1000.0f) {
      q = -1000;
    } else {
      q = static_cast<int32_t>(v);            // truncation toward zero, exact
      const float frac = v - static_cast<float>(q);  // exact: |v| < 2^23
      if (frac >= 0.5f) ++q;
      if (frac <= -0.5f) --q;
    }
    q += p.zero_point;
    output[i] = static_cast<int8_t>(q < -128 ? -128 : (q > 127 ? 127 : q));
  }
  return MOTE_OK;
}

}  // namespace nn
}  // namespace mote
