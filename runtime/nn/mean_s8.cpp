#include "nn/mean_s8.h"

#include "nn/fixed_point.h"

namespace mote {
namespace nn {

size_t mean_s8_scratch_bytes(const MeanS8Params&) { return 0; }

static Status check(const MeanS8Params& p) {
  if (!valid_dims(p.input)) return MOTE_ERR_SHAPE;
  if (!valid_input_offset(p.input_offset) || !valid_output_offset(p.output_offset) ||
      !valid_activation(p.act_min, p.act_max) || p.multiplier < 0 || p.shift < -31 || p.shift > 30)
    return MOTE_ERR_ARG;
  if (static_cast<int64_t>(p.input.h) * p.input.w > kMaxDotLength) return MOTE_ERR_UNSUPPORTED;
  return MOTE_OK;
}

bool mean_s8_count_multiplier(const MeanS8Params& p, int32_t* multiplier, int32_t* shift) {
  if (check(p) != MOTE_OK || !multiplier || !shift) return false;
  const int32_t n = p.input.h * p.input.w;
  int32_t k = 0;  // floor(log2 n), n >= 1; at most 16 here, so TFLM's cap at 32 never binds
  while ((n >> (k + 1)) != 0) ++k;
  if (k > 31 + p.shift) k = 31 + p.shift;  // keeps shift - k >= -31
  *multiplier = static_cast<int32_t>((static_cast<int64_t>(p.multiplier) << k) / n);  // <= multiplier: fits
  *shift = p.shift - k;
  return true;
}

Status mean_s8(const MeanS8Params& p, const int8_t* input, int8_t* output) {
  if (!input || !output) return MOTE_ERR_ARG;
  int32_t m = 0, s = 0;
  if (!mean_s8_count_multiplier(p, &m, &s)) return check(p) != MOTE_OK ? check(p) : MOTE_ERR_ARG;
  const int32_t c = p.input.c, n = p.input.h * p.input.w;
  // -zero_point * n, |.| <= 2^7 * 66000: the sums below stay far inside int32 (no wrap to reproduce).
  const int32_t offset = p.input_offset * n;
  for (int32_t ch = 0; ch < c; ++ch) {
    const int8_t* x = input + ch;
    int32_t sum = 0;
    for (int32_t i = 0; i < n; ++i, x += c) sum += *x;
    output[ch] = requantize(sum + offset, m, s, p.output_offset, p.act_min, p.act_max);
  }
  return MOTE_OK;
}

}  // namespace nn
}  // namespace mote
