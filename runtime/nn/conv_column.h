// The int8 im2col column of one output pixel, shared by conv2d_s8's DSP path and conv2d_s8_mve.
#ifndef MOTE_NN_CONV_COLUMN_H
#define MOTE_NN_CONV_COLUMN_H

#include <string.h>

#include "nn/conv2d_s8.h"

namespace mote {
namespace nn {

// The column of output pixel (y0, x0) = its top-left tap: the input itself when the taps are one contiguous run
// (all inside, and one kernel row or rows as wide as the input), else gathered into col (kernel_h * kernel_w *
// in.c bytes) with padded taps at the input zero point, whose value plus input_offset is 0.
inline const int8_t* conv_column(const Conv2DS8Params& p, const int8_t* input, int32_t y0, int32_t x0, int8_t* col) {
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

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_CONV_COLUMN_H
