#include "nn/conv2d_s8.h"

#include <string.h>

#include "nn/fixed_point.h"
#include "nn/fully_connected_s8.h"
#include "nn/simd.h"  // MOTE_NN_HW_DSP

namespace mote {
namespace nn {

static int32_t dot_length(const Conv2DS8Params& p) { return p.kernel_h * p.kernel_w * p.input.c; }

size_t conv2d_s8_scratch_bytes(const Conv2DS8Params& p) {
  const int32_t k = dot_length(p);
  return k > 0 ? (static_cast<size_t>(k) + 3u) & ~static_cast<size_t>(3) : 0;
}

void conv2d_s8_pack_weights(const Conv2DS8Params& p, const int8_t* ohwi, int8_t* packed) {
  fully_connected_s8_pack_weights(dot_length(p), p.output.c, ohwi, packed);
}

static Status check(const Conv2DS8Params& p, const PerChannelQuant& q, const int8_t* input, const int8_t* weights,
                    const int8_t* output, const void* scratch, size_t scratch_bytes) {
  if (!input || !weights || !output || !q.multiplier || !q.shift) return MOTE_ERR_ARG;
  if (!valid_dims(p.input) || !valid_dims(p.output) || p.kernel_h <= 0 || p.kernel_w <= 0) return MOTE_ERR_SHAPE;
  if (p.stride_h <= 0 || p.stride_w <= 0 || p.pad_h < 0 || p.pad_w < 0) return MOTE_ERR_ARG;
  if (!valid_input_offset(p.input_offset) || !valid_output_offset(p.output_offset) ||
      !valid_activation(p.act_min, p.act_max))
    return MOTE_ERR_ARG;
  if (static_cast<int64_t>(p.kernel_h) * p.kernel_w * p.input.c > kMaxDotLength) return MOTE_ERR_UNSUPPORTED;
  if (!scratch || scratch_bytes < conv2d_s8_scratch_bytes(p)) return MOTE_ERR_SCRATCH;
  return MOTE_OK;
}

// The column of output pixel (y0, x0) = its top-left tap: the input itself when the taps are one contiguous
// run (all inside, and one kernel row or rows as wide as the input), else gathered into col with padded
// taps at the input zero point, whose value plus input_offset is 0.
static const int8_t* column(const Conv2DS8Params& p, const int8_t* input, int32_t y0, int32_t x0, int8_t* col) {
  const int32_t in_c = p.input.c, run = p.kernel_w * in_c;
  const bool inside = y0 >= 0 && x0 >= 0 && y0 + p.kernel_h <= p.input.h && x0 + p.kernel_w <= p.input.w;
  const int8_t* at = input + (static_cast<size_t>(y0) * p.input.w + x0) * in_c;
  if (inside && (p.kernel_h == 1 || p.kernel_w == p.input.w)) return at;
  const int8_t pad = static_cast<int8_t>(-p.input_offset);
  int8_t* c = col;
  for (int32_t ky = 0; ky < p.kernel_h; ++ky, c += run) {
    const int32_t iy = y0 + ky;
    if (iy < 0 || iy >= p.input.h) {
      memset(c, pad, static_cast<size_t>(run));
      continue;
    }
    // Taps [kx_lo, kx_hi) of this kernel row fall inside the input; the others are padding.
    const int32_t kx_lo = x0 < 0 ? -x0 : 0;
    const int32_t kx_hi = x0 + p.kernel_w > p.input.w ? p.input.w - x0 : p.kernel_w;
    if (kx_lo >= kx_hi) {
      memset(c, pad, static_cast<size_t>(run));
      continue;
    }
    memset(c, pad, static_cast<size_t>(kx_lo * in_c));
    memcpy(c + kx_lo * in_c, input + (static_cast<size_t>(iy) * p.input.w + x0 + kx_lo) * in_c,
           static_cast<size_t>((kx_hi - kx_lo) * in_c));
    memset(c + kx_hi * in_c, pad, static_cast<size_t>((p.kernel_w - kx_hi) * in_c));
  }
  return col;
}

typedef Status (*DenseKernel)(const FullyConnectedS8Params&, const PerChannelQuant&, const int8_t*, const int8_t*,
                              const int32_t*, int8_t*);

static Status conv_with(DenseKernel dense, const Conv2DS8Params& p, const PerChannelQuant& q, const int8_t* input,
                        const int8_t* weights, const int32_t* bias, int8_t* output, void* scratch, size_t scratch_bytes) {
  MOTE_RETURN_IF_ERROR(check(p, q, input, weights, output, scratch, scratch_bytes));
  const FullyConnectedS8Params fc = {dot_length(p), p.output.c, p.input_offset, p.output_offset, p.act_min, p.act_max};
  int8_t* col = static_cast<int8_t*>(scratch);
  int8_t* out = output;
  for (int32_t oy = 0; oy < p.output.h; ++oy)
    for (int32_t ox = 0; ox < p.output.w; ++ox, out += p.output.c)
      MOTE_RETURN_IF_ERROR(dense(fc, q, column(p, input, oy * p.stride_h - p.pad_h, ox * p.stride_w - p.pad_w, col),
                                 weights, bias, out));
  return MOTE_OK;
}

Status conv2d_s8_ref(const Conv2DS8Params& p, const PerChannelQuant& q, const int8_t* input, const int8_t* weights,
                     const int32_t* bias, int8_t* output, void* scratch, size_t scratch_bytes) {
  return conv_with(fully_connected_s8_ref, p, q, input, weights, bias, output, scratch, scratch_bytes);
}

Status conv2d_s8_dsp(const Conv2DS8Params& p, const PerChannelQuant& q, const int8_t* input, const int8_t* weights,
                     const int32_t* bias, int8_t* output, void* scratch, size_t scratch_bytes) {
  return conv_with(fully_connected_s8_dsp, p, q, input, weights, bias, output, scratch, scratch_bytes);
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
