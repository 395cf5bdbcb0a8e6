#include "nn/depthwise_conv2d_s8.h"

#include "nn/fixed_point.h"
#include "nn/simd.h"
#include "nn/window_overlap.h"

namespace mote {
namespace nn {

size_t depthwise_conv2d_s8_scratch_bytes(const DepthwiseConv2DS8Params&) { return 0; }

size_t depthwise_conv2d_s8_overlap_bytes(const DepthwiseConv2DS8Params& p) {
  return window_overlap_bytes(p.input, p.output, p.stride_h, p.stride_w, p.pad_h, p.pad_w);
}

static Status check(const DepthwiseConv2DS8Params& p, const PerChannelQuant& q, const int8_t* input,
                    const int8_t* weights, const int8_t* output) {
  if (!input || !weights || !output || !q.multiplier || !q.shift) return MOTE_ERR_ARG;
  if (!valid_dims(p.input) || !valid_dims(p.output) || p.kernel_h <= 0 || p.kernel_w <= 0 ||
      p.depth_multiplier <= 0 || p.output.c != p.input.c * p.depth_multiplier)
    return MOTE_ERR_SHAPE;
  if (p.stride_h <= 0 || p.stride_w <= 0 || p.pad_h < 0 || p.pad_w < 0) return MOTE_ERR_ARG;
  if (!valid_input_offset(p.input_offset) || !valid_output_offset(p.output_offset) ||
      !valid_activation(p.act_min, p.act_max))
    return MOTE_ERR_ARG;
  if (static_cast<int64_t>(p.kernel_h) * p.kernel_w > kMaxDotLength) return MOTE_ERR_UNSUPPORTED;
  return MOTE_OK;
}

// Output channels [o_begin, o_end) of one output pixel, one channel at a time.
static void pixel_ref(const DepthwiseConv2DS8Params& p, const PerChannelQuant& q, const int8_t* input,
                      const int8_t* weights, const int32_t* bias, int8_t* out, int32_t oy, int32_t ox,
                      int32_t o_begin, int32_t o_end) {
  const int32_t y0 = oy * p.stride_h - p.pad_h, x0 = ox * p.stride_w - p.pad_w;
  for (int32_t o = o_begin; o < o_end; ++o) {
    const int32_t i = o / p.depth_multiplier;
    int32_t acc = bias ? bias[o] : 0;
    for (int32_t ky = 0; ky < p.kernel_h; ++ky) {
      const int32_t iy = y0 + ky;
      if (iy < 0 || iy >= p.input.h) continue;
      for (int32_t kx = 0; kx < p.kernel_w; ++kx) {
        const int32_t ix = x0 + kx;
        if (ix < 0 || ix >= p.input.w) continue;
        const int32_t x = input[(static_cast<size_t>(iy) * p.input.w + ix) * p.input.c + i];
        acc += weights[(static_cast<size_t>(ky) * p.kernel_w + kx) * p.output.c + o] * (x + p.input_offset);
      }
    }
    out[o] = requantize(acc, q.multiplier[o], q.shift[o], p.output_offset, p.act_min, p.act_max);
  }
}

Status depthwise_conv2d_s8_ref(const DepthwiseConv2DS8Params& p, const PerChannelQuant& q, const int8_t* input,
                               const int8_t* weights, const int32_t* bias, int8_t* output) {
  MOTE_RETURN_IF_ERROR(check(p, q, input, weights, output));
  for (int32_t oy = 0; oy < p.output.h; ++oy)
    for (int32_t ox = 0; ox < p.output.w; ++ox)
      pixel_ref(p, q, input, weights, bias, output + (static_cast<size_t>(oy) * p.output.w + ox) * p.output.c, oy,
                ox, 0, p.output.c);
  return MOTE_OK;
}

// depth_multiplier > 1: four neighbouring output channels per weight word; their inputs (o / m) are
// gathered into the (0,2) and (1,3) halfword pairs that SXTB16 makes of the weights.
static Status dsp_multiplier(const DepthwiseConv2DS8Params& p, const PerChannelQuant& q, const int8_t* input,
                             const int8_t* weights, const int32_t* bias, int8_t* output) {
  const int32_t c_in = p.input.c, c_out = p.output.c, c4 = c_out & ~3, m = p.depth_multiplier;
  for (int32_t oy = 0; oy < p.output.h; ++oy) {
    const int32_t y0 = oy * p.stride_h - p.pad_h;
    const int32_t ky_begin = y0 < 0 ? -y0 : 0;
    const int32_t ky_end = p.input.h - y0 < p.kernel_h ? p.input.h - y0 : p.kernel_h;
    for (int32_t ox = 0; ox < p.output.w; ++ox) {
      const int32_t x0 = ox * p.stride_w - p.pad_w;
      const int32_t kx_begin = x0 < 0 ? -x0 : 0;
      const int32_t kx_end = p.input.w - x0 < p.kernel_w ? p.input.w - x0 : p.kernel_w;
      int8_t* out = output + (static_cast<size_t>(oy) * p.output.w + ox) * c_out;
      for (int32_t o = 0; o < c4; o += 4) {
        const int32_t i0 = o / m, i1 = (o + 1) / m, i2 = (o + 2) / m, i3 = (o + 3) / m;
        int32_t acc0 = bias ? bias[o] : 0, acc1 = bias ? bias[o + 1] : 0;
        int32_t acc2 = bias ? bias[o + 2] : 0, acc3 = bias ? bias[o + 3] : 0;
        for (int32_t ky = ky_begin; ky < ky_end; ++ky) {
          for (int32_t kx = kx_begin; kx < kx_end; ++kx) {
            const int8_t* x = input + (static_cast<size_t>(y0 + ky) * p.input.w + (x0 + kx)) * c_in;
            const int32_t w = simd::load32(weights + (static_cast<size_t>(ky) * p.kernel_w + kx) * c_out + o);
            const int32_t xa = simd::pack16(x[i0] + p.input_offset, x[i2] + p.input_offset);
            const int32_t xb = simd::pack16(x[i1] + p.input_offset, x[i3] + p.input_offset);
            const int32_t wa = simd::sxtb16(w), wb = simd::sxtb16(simd::ror8(w));
            acc0 = simd::smlabb(xa, wa, acc0);
            acc2 = simd::smlatt(xa, wa, acc2);
            acc1 = simd::smlabb(xb, wb, acc1);
            acc3 = simd::smlatt(xb, wb, acc3);
          }
        }
        out[o] = requantize(acc0, q.multiplier[o], q.shift[o], p.output_offset, p.act_min, p.act_max);
        out[o + 1] = requantize(acc1, q.multiplier[o + 1], q.shift[o + 1], p.output_offset, p.act_min, p.act_max);
        out[o + 2] = requantize(acc2, q.multiplier[o + 2], q.shift[o + 2], p.output_offset, p.act_min, p.act_max);
        out[o + 3] = requantize(acc3, q.multiplier[o + 3], q.shift[o + 3], p.output_offset, p.act_min, p.act_max);
      }
      if (c4 < c_out) pixel_ref(p, q, input, weights, bias, out, oy, ox, c4, c_out);
    }
  }
  return MOTE_OK;
}

// depth_multiplier 1: four neighbouring channels per word; SMLABB/SMLATT keep each channel's sum apart.
Status depthwise_conv2d_s8_dsp(const DepthwiseConv2DS8Params& p, const PerChannelQuant& q, const int8_t* input,
                               const int8_t* weights, const int32_t* bias, int8_t* output) {
  MOTE_RETURN_IF_ERROR(check(p, q, input, weights, output));
  if (p.depth_multiplier != 1) return dsp_multiplier(p, q, input, weights, bias, output);
  const int32_t c = p.input.c, c4 = c & ~3;
  const int32_t off2 = simd::dup16(p.input_offset);
  for (int32_t oy = 0; oy < p.output.h; ++oy) {
    const int32_t y0 = oy * p.stride_h - p.pad_h;
    const int32_t ky_begin = y0 < 0 ? -y0 : 0;
    const int32_t ky_end = p.input.h - y0 < p.kernel_h ? p.input.h - y0 : p.kernel_h;
    for (int32_t ox = 0; ox < p.output.w; ++ox) {
      const int32_t x0 = ox * p.stride_w - p.pad_w;
      const int32_t kx_begin = x0 < 0 ? -x0 : 0;
      const int32_t kx_end = p.input.w - x0 < p.kernel_w ? p.input.w - x0 : p.kernel_w;
      int8_t* out = output + (static_cast<size_t>(oy) * p.output.w + ox) * c;
      for (int32_t ch = 0; ch < c4; ch += 4) {
        int32_t acc0 = bias ? bias[ch] : 0, acc1 = bias ? bias[ch + 1] : 0;
        int32_t acc2 = bias ? bias[ch + 2] : 0, acc3 = bias ? bias[ch + 3] : 0;
        for (int32_t ky = ky_begin; ky < ky_end; ++ky) {
          const int32_t xrow = ((y0 + ky) * p.input.w + x0) * c + ch;  // may be < 0; kx >= kx_begin is not
          const int32_t wrow = ky * p.kernel_w * c + ch;
          for (int32_t kx = kx_begin; kx < kx_end; ++kx) {
            const int32_t x = simd::load32(input + (xrow + kx * c));
            const int32_t w = simd::load32(weights + (wrow + kx * c));
            const int32_t xa = simd::sxtab16(off2, x), xb = simd::sxtab16(off2, simd::ror8(x));
            const int32_t wa = simd::sxtb16(w), wb = simd::sxtb16(simd::ror8(w));
            acc0 = simd::smlabb(xa, wa, acc0);
            acc2 = simd::smlatt(xa, wa, acc2);
            acc1 = simd::smlabb(xb, wb, acc1);
            acc3 = simd::smlatt(xb, wb, acc3);
          }
        }
        out[ch] = requantize(acc0, q.multiplier[ch], q.shift[ch], p.output_offset, p.act_min, p.act_max);
        out[ch + 1] = requantize(acc1, q.multiplier[ch + 1], q.shift[ch + 1], p.output_offset, p.act_min, p.act_max);
        out[ch + 2] = requantize(acc2, q.multiplier[ch + 2], q.shift[ch + 2], p.output_offset, p.act_min, p.act_max);
        out[ch + 3] = requantize(acc3, q.multiplier[ch + 3], q.shift[ch + 3], p.output_offset, p.act_min, p.act_max);
      }
      if (c4 < c) pixel_ref(p, q, input, weights, bias, out, oy, ox, c4, c);
    }
  }
  return MOTE_OK;
}

Status depthwise_conv2d_s8(const DepthwiseConv2DS8Params& p, const PerChannelQuant& q, const int8_t* input,
                           const int8_t* weights, const int32_t* bias, int8_t* output) {
#if MOTE_NN_PAIRED_CONV
  return depthwise_conv2d_s8_dsp(p, q, input, weights, bias, output);
#else
  return depthwise_conv2d_s8_ref(p, q, input, weights, bias, output);
#endif
}

}  // namespace nn
}  // namespace mote
