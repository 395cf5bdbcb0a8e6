#include "nn/mean_s8.h"

#include "nn/fixed_point.h"
#include "nn/simd.h"

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

// Checks p and computes the per-call multiplier; the status to return when it is not MOTE_OK.
static Status prepare(const MeanS8Params& p, const int8_t* input, const int8_t* output, int32_t* m, int32_t* s) {
  if (!input || !output) return MOTE_ERR_ARG;
  MOTE_RETURN_IF_ERROR(check(p));
  return mean_s8_count_multiplier(p, m, s) ? MOTE_OK : MOTE_ERR_ARG;
}

// Channels [first, c) one at a time. sum - zero_point * n: |.| <= 2^8 * 66000, inside int32 (no wrap to reproduce).
static void channels_ref(const MeanS8Params& p, const int8_t* input, int8_t* output, int32_t m, int32_t s, int32_t first) {
  const int32_t c = p.input.c, n = p.input.h * p.input.w, offset = p.input_offset * n;
  for (int32_t ch = first; ch < c; ++ch) {
    const int8_t* x = input + ch;
    int32_t sum = 0;
    for (int32_t i = 0; i < n; ++i, x += c) sum += *x;
    output[ch] = requantize(sum + offset, m, s, p.output_offset, p.act_min, p.act_max);
  }
}

Status mean_s8_ref(const MeanS8Params& p, const int8_t* input, int8_t* output) {
  int32_t m = 0, s = 0;
  MOTE_RETURN_IF_ERROR(prepare(p, input, output, &m, &s));
  channels_ref(p, input, output, m, s, 0);
  return MOTE_OK;
}

Status mean_s8_dsp(const MeanS8Params& p, const int8_t* input, int8_t* output) {
  int32_t m = 0, s = 0;
  MOTE_RETURN_IF_ERROR(prepare(p, input, output, &m, &s));
  const int32_t c = p.input.c, c4 = c & ~3, n = p.input.h * p.input.w, offset = p.input_offset * n;
  for (int32_t ch = 0; ch < c4; ch += 4) {
    int32_t sum[4] = {0, 0, 0, 0};
    const int8_t* x = input + ch;
    for (int32_t i = 0; i < n;) {
      const int32_t end = n - i < 255 ? n : i + 255;  // 255 * 128 < 2^15: no int16 lane wraps
      int32_t even = 0, odd = 0;                      // lanes (ch, ch + 2) and (ch + 1, ch + 3)
      for (; i < end; ++i, x += c) {
        const int32_t w = simd::load32(x);
        even = simd::sxtab16(even, w);
        odd = simd::sxtab16_ror8(odd, w);
      }
      sum[0] += static_cast<int16_t>(static_cast<uint32_t>(even) & 0xFFFFu);
      sum[2] += static_cast<int16_t>(static_cast<uint32_t>(even) >> 16);
      sum[1] += static_cast<int16_t>(static_cast<uint32_t>(odd) & 0xFFFFu);
      sum[3] += static_cast<int16_t>(static_cast<uint32_t>(odd) >> 16);
    }
    for (int k = 0; k < 4; ++k)
      output[ch + k] = requantize(sum[k] + offset, m, s, p.output_offset, p.act_min, p.act_max);
  }
  channels_ref(p, input, output, m, s, c4);
  return MOTE_OK;
}

Status mean_s8(const MeanS8Params& p, const int8_t* input, int8_t* output) {
#if MOTE_NN_HW_DSP
  return mean_s8_dsp(p, input, output);
#else
  return mean_s8_ref(p, input, output);
#endif
}

}  // namespace nn
}  // namespace mote
