#include "nn/depthwise_conv2d_s8_mve.h"

#include "nn/fixed_point.h"

#if MOTE_NN_MVE_DENSE
#include <arm_mve.h>
#endif

namespace mote {
namespace nn {

size_t depthwise_conv2d_s8_mve_scratch_bytes(const DepthwiseConv2DS8Params&) { return 0; }

Status depthwise_conv2d_s8_mve(const DepthwiseConv2DS8Params& p, const PerChannelQuant& q, const int8_t* input,
                               const int8_t* weights, const int32_t* bias, int8_t* output) {
  if (p.depth_multiplier != 1) return depthwise_conv2d_s8(p, q, input, weights, bias, output);
  if (!input || !weights || !output || !q.multiplier || !q.shift) return MOTE_ERR_ARG;
  if (!valid_dims(p.input) || !valid_dims(p.output) || p.kernel_h <= 0 || p.kernel_w <= 0 ||
      p.output.c != p.input.c)
    return MOTE_ERR_SHAPE;
  if (p.stride_h <= 0 || p.stride_w <= 0 || p.pad_h < 0 || p.pad_w < 0) return MOTE_ERR_ARG;
  if (!valid_input_offset(p.input_offset) || !valid_output_offset(p.output_offset) ||
      !valid_activation(p.act_min, p.act_max))
    return MOTE_ERR_ARG;
  const int32_t ch = p.input.c;
  int8_t* out = output;
  for (int32_t oy = 0; oy < p.output.h; ++oy) {
    const int32_t y0 = oy * p.stride_h - p.pad_h;
    const int32_t ky_lo = y0 < 0 ? -y0 : 0, ky_hi = y0 + p.kernel_h > p.input.h ? p.input.h - y0 : p.kernel_h;
    for (int32_t ox = 0; ox < p.output.w; ++ox, out += ch) {
      const int32_t x0 = ox * p.stride_w - p.pad_w;
      const int32_t kx_lo = x0 < 0 ? -x0 : 0, kx_hi = x0 + p.kernel_w > p.input.w ? p.input.w - x0 : p.kernel_w;
      for (int32_t c = 0; c < ch; c += 4) {
#if MOTE_NN_MVE_DENSE
        const mve_pred16_t pr = vctp32q(static_cast<uint32_t>(ch - c));
        int32x4_t acc = bias ? vldrwq_z_s32(bias + c, pr) : vdupq_n_s32(0);
        for (int32_t ky = ky_lo; ky < ky_hi; ++ky) {
          const int8_t* x = input + (static_cast<size_t>(y0 + ky) * p.input.w + x0) * ch + c;
          const int8_t* w = weights + static_cast<size_t>(ky) * p.kernel_w * ch + c;
          for (int32_t kx = kx_lo; kx < kx_hi; ++kx) {
            const int32x4_t xv = vaddq_n_s32(vldrbq_z_s32(x + kx * ch, pr), p.input_offset);
            acc = vaddq_s32(acc, vmulq_s32(xv, vldrbq_z_s32(w + kx * ch, pr)));
          }
        }
        const int32x4_t sh = vldrwq_z_s32(q.shift + c, pr);
        const int32x4_t zero = vdupq_n_s32(0);
        const int32x4_t left = vmaxq_s32(sh, zero), right = vminq_s32(sh, zero);
        int32x4_t r = vqrdmulhq_s32(vshlq_s32(acc, left), vldrwq_z_s32(q.multiplier + c, pr));
        r = vqaddq_s32(r, vshrq_n_s32(vandq_s32(r, right), 31));  // -1 for a negative value when shifting right
        r = vrshlq_s32(r, right);
        r = vaddq_n_s32(r, p.output_offset);
        r = vminq_s32(vmaxq_s32(r, vdupq_n_s32(p.act_min)), vdupq_n_s32(p.act_max));
        vstrbq_p_s32(out + c, r, pr);
#else
        const int32_t n = ch - c < 4 ? ch - c : 4;
        for (int32_t l = 0; l < n; ++l) {
          int32_t acc = bias ? bias[c + l] : 0;
          for (int32_t ky = ky_lo; ky < ky_hi; ++ky) {
            const int8_t* x = input + (static_cast<size_t>(y0 + ky) * p.input.w + x0) * ch + c + l;
            const int8_t* w = weights + static_cast<size_t>(ky) * p.kernel_w * ch + c + l;
            for (int32_t kx = kx_lo; kx < kx_hi; ++kx) acc += (x[kx * ch] + p.input_offset) * w[kx * ch];
          }
          out[c + l] = requantize(acc, q.multiplier[c + l], q.shift[c + l], p.output_offset, p.act_min, p.act_max);
        }
#endif
      }
    }
  }
  return MOTE_OK;
}

}  // namespace nn
}  // namespace mote
