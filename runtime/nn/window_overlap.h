// How far before its input a windowed layer's output may start, overlapping it, for kernels that walk output
// pixels in raster order and write a pixel's channels only over input bytes that no pixel at or after it
// reads (conv2d_s8, depthwise_conv2d_s8): output pixel j ends at (j + 1) * out_c; the first input byte any
// pixel >= j reads is the running minimum of each pixel's first tap, taken from the last pixel back.
#ifndef MOTE_NN_WINDOW_OVERLAP_H
#define MOTE_NN_WINDOW_OVERLAP_H

#include "nn/types.h"

namespace mote {
namespace nn {

inline size_t window_overlap_bytes(const Dims& in, const Dims& out, int32_t stride_h, int32_t stride_w, int32_t pad_h,
                                   int32_t pad_w) {
  if (out.h <= 0 || out.w <= 0 || in.w <= 0) return 0;
  int64_t first = INT64_MAX, lag = 0;
  for (int32_t j = out.h * out.w - 1; j >= 0; --j) {
    int32_t iy = (j / out.w) * stride_h - pad_h, ix = (j % out.w) * stride_w - pad_w;
    iy = iy < 0 ? 0 : iy;
    ix = ix < 0 ? 0 : ix;
    const int64_t start = (static_cast<int64_t>(iy) * in.w + ix) * in.c;
    first = start < first ? start : first;
    const int64_t need = static_cast<int64_t>(j + 1) * out.c - first;
    lag = need > lag ? need : lag;
  }
  return static_cast<size_t>(lag);
}

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_WINDOW_OVERLAP_H
