#include "nn/conv2d_s8.h"

#include <string.h>

#include "nn/fixed_point.h"
#include "nn/simd.h"

namespace mote {
namespace nn {

static int32_t dot_length(const Conv2DS8Params& p) { return p.kernel_h * p.kernel_w * p.input.c; }

size_t conv2d_s8_scratch_bytes(const Conv2DS8Params& p) {
  const int32_t k = dot_length(p);
  return k > 0 ? static_cast<size_t>(k) * sizeof(int16_t) : 0;
}

static Status check(const Conv2DS8Params& p, const PerChannelQuant& q, const int8_t* input, const int8_t* weights,
                    const int8_t* output) {
  if (!input || !weights || !output || !q.multiplier || !q.shift) return MOTE_ERR_ARG;
  if (!valid_dims(p.input) || !valid_dims(p.output) || p.kernel_h <= 0 || p.kernel_w <= 0) return MOTE_ERR_SHAPE;
  if (p.stride_h <= 0 || p.stride_w <= 0 || p.pad_h < 0 || p.pad_w < 0) return MOTE_ERR_ARG;
  if (!valid_input_offset(p.input_offset) || !valid_output_offset(p.output_offset) ||
      !valid_activation(p.act_min, p.act_max))
    return MOTE_ERR_ARG;
  if (static_cast<int64_t>(p.kernel_h) * p.kernel_w * p.input.c > kMaxDotLength) return MOTE_ERR_UNSUPPORTED;
  return MOTE_OK;
}

Status conv2d_s8_ref(const Conv2DS8Params& p, const PerChannelQuant& q, const int8_t* input, const int8_t* weights,
                     const int32_t* bias, int8_t* output, void*, size_t) {
  MOTE_RETURN_IF_ERROR(check(p, q, input, weights, output));
  const int32_t in_c = p.input.c;
  for (int32_t oy = 0; oy < p.output.h; ++oy) {
    for (int32_t ox = 0; ox < p.output.w; ++ox) {
      const int32_t y0 = oy * p.stride_h - p.pad_h, x0 = ox * p.stride_w - p.pad_w;
      for (int32_t o = 0; o < p.output.c; ++o) {
        int32_t acc = bias ? bias[o] : 0;
        for (int32_t ky = 0; ky < p.kernel_h; ++ky) {
          const int32_t iy = y0 + ky;
          if (iy < 0 || iy >= p.input.h) continue;
          for (int32_t kx = 0; kx < p.kernel_w; ++kx) {
            const int32_t ix = x0 + kx;
            if (ix < 0 || ix >= p.input.w) continue;
            const int8_t* x = input + (static_cast<size_t>(iy) * p.input.w + ix) * in_c;
            const int8_t* w = weights + ((static_cast<size_t>(o) * p.kernel_h + ky) * p.kernel_w + kx) * in_c;
            for (int32_t i = 0; i < in_c; ++i) acc += w[i] * (x[i] + p.input_offset);
          }
        }
        output[(static_cast<size_t>(oy) * p.output.w + ox) * p.output.c + o] =
            requantize(acc, q.multiplier[o], q.shift[o], p.output_offset, p.act_min, p.act_max);
      }
    }
  }
  return MOTE_OK;
}

// The column holds each group of four elements (0,1,2,3) in the order (0,2,1,3), so one word read gives
// (k0,k2) and the next (k1,k3): the pairs SXTB16 and SXTB16(ROR 8) make of four weights.
static void fill_column(const Conv2DS8Params& p, const int8_t* input, int32_t y0, int32_t x0, int16_t* col) {
  const int32_t in_c = p.input.c, k_len = dot_length(p), k4 = k_len & ~3;
  const int32_t off2 = simd::dup16(p.input_offset);
  const bool aligned = (in_c & 3) == 0;  // then no group of four straddles two taps
  int32_t k = 0;
  for (int32_t ky = 0; ky < p.kernel_h; ++ky) {
    const int32_t iy = y0 + ky;
    for (int32_t kx = 0; kx < p.kernel_w; ++kx, k += in_c) {
      const int32_t ix = x0 + kx;
      if (iy < 0 || iy >= p.input.h || ix < 0 || ix >= p.input.w) {
        memset(col + k, 0, static_cast<size_t>(in_c) * sizeof(int16_t));
        continue;
      }
      const int8_t* x = input + (static_cast<size_t>(iy) * p.input.w + ix) * in_c;
      if (aligned) {  // SXTAB16 writes the (0,2) and (1,3) pairs directly, offset added
        for (int32_t i = 0; i < in_c; i += 4) {
          const int32_t w = simd::load32(x + i);
          simd::store32(col + k + i, simd::sxtab16(off2, w));
          simd::store32(col + k + i + 2, simd::sxtab16(off2, simd::ror8(w)));
        }
      } else {
        for (int32_t i = 0; i < in_c; ++i) col[k + i] = static_cast<int16_t>(x[i] + p.input_offset);
      }
    }
  }
  if (!aligned) {  // natural order -> (0,2,1,3) within every group of four
    for (int32_t g = 0; g < k4; g += 4) {
      const uint32_t a = static_cast<uint32_t>(simd::load32(col + g)), b = static_cast<uint32_t>(simd::load32(col + g + 2));
      simd::store32(col + g, static_cast<int32_t>((a & 0xFFFFu) | (b << 16)));
      simd::store32(col + g + 2, static_cast<int32_t>((a >> 16) | (b & 0xFFFF0000u)));
    }
  }
}

Status conv2d_s8_dsp(const Conv2DS8Params& p, const PerChannelQuant& q, const int8_t* input, const int8_t* weights,
                     const int32_t* bias, int8_t* output, void* scratch, size_t scratch_bytes) {
  MOTE_RETURN_IF_ERROR(check(p, q, input, weights, output));
  if (!scratch || scratch_bytes < conv2d_s8_scratch_bytes(p)) return MOTE_ERR_SCRATCH;
  int16_t* col = static_cast<int16_t*>(scratch);
  const int32_t k_len = dot_length(p), k4 = k_len & ~3;
  for (int32_t oy = 0; oy < p.output.h; ++oy) {
    for (int32_t ox = 0; ox < p.output.w; ++ox) {
      // im2col of this output pixel with the input offset added; taps outside the image are 0.
      fill_column(p, input, oy * p.stride_h - p.pad_h, ox * p.stride_w - p.pad_w, col);
      int8_t* out = output + (static_cast<size_t>(oy) * p.output.w + ox) * p.output.c;
      int32_t o = 0;
      for (; o + 1 < p.output.c; o += 2) {  // two filters share each column word
        const int8_t* w0 = weights + static_cast<size_t>(o) * k_len;
        const int8_t* w1 = w0 + k_len;
        int32_t acc0 = bias ? bias[o] : 0, acc1 = bias ? bias[o + 1] : 0;
        int32_t i = 0;
        for (; i < k4; i += 4) {
          const int32_t ca = simd::load32(col + i), cb = simd::load32(col + i + 2);
          const int32_t a = simd::load32(w0 + i), b = simd::load32(w1 + i);
          acc0 = simd::smlad(ca, simd::sxtb16(a), acc0);
          acc0 = simd::smlad(cb, simd::sxtb16(simd::ror8(a)), acc0);
          acc1 = simd::smlad(ca, simd::sxtb16(b), acc1);
          acc1 = simd::smlad(cb, simd::sxtb16(simd::ror8(b)), acc1);
        }
        for (; i < k_len; ++i) {
          acc0 += w0[i] * col[i];
          acc1 += w1[i] * col[i];
        }
        out[o] = requantize(acc0, q.multiplier[o], q.shift[o], p.output_offset, p.act_min, p.act_max);
        out[o + 1] = requantize(acc1, q.multiplier[o + 1], q.shift[o + 1], p.output_offset, p.act_min, p.act_max);
      }
      for (; o < p.output.c; ++o) {
        const int8_t* w = weights + static_cast<size_t>(o) * k_len;
        int32_t acc = bias ? bias[o] : 0;
        int32_t i = 0;
        for (; i < k4; i += 4) {
          const int32_t a = simd::load32(w + i);
          acc = simd::smlad(simd::load32(col + i), simd::sxtb16(a), acc);
          acc = simd::smlad(simd::load32(col + i + 2), simd::sxtb16(simd::ror8(a)), acc);
        }
        for (; i < k_len; ++i) acc += w[i] * col[i];
        out[o] = requantize(acc, q.multiplier[o], q.shift[o], p.output_offset, p.act_min, p.act_max);
      }
    }
  }
  return MOTE_OK;
}

Status conv2d_s8(const Conv2DS8Params& p, const PerChannelQuant& q, const int8_t* input, const int8_t* weights,
                 const int32_t* bias, int8_t* output, void* scratch, size_t scratch_bytes) {
#if MOTE_NN_HW_DSP
  return conv2d_s8_dsp(p, q, input, weights, bias, output, scratch, scratch_bytes);
#else
  return conv2d_s8_ref(p, q, input, weights, bias, output, scratch, scratch_bytes);
#endif
}

}  // namespace nn
}  // namespace mote
