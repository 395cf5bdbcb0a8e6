// 2-D convolution, int8, TFLite per-channel semantics (a 1-D convolution is h = 1):
//   out[y][x][o] = clamp(zp_out + MBQM(bias[o] + sum_{ky,kx,i} w[o][ky][kx][i] * (in[iy][ix][i] + input_offset),
//                        mult[o], shift[o]), act), iy = y * stride_h - pad_h + ky (likewise ix);
//   taps outside the input contribute nothing (zero padding in the real domain).
//   input: HWC int8; weights: OHWI int8 [out.c][kernel_h][kernel_w][in.c], symmetric per output channel, as
//          rows of kernel_h * kernel_w * in.c in the dense kernel's packed order (conv2d_s8_pack_weights);
//   bias: out.c int32 or null; output: HWC int8 of `output` dims (the caller computes them, e.g. TFLite SAME/VALID).
// Both paths are im2col + fully_connected_s8 (_ref or _dsp) per output pixel: the column is the input itself
// when the pixel's taps are contiguous in it (a 1-D convolution away from the edges), else gathered, with
// padded taps set to the input zero point (0 in the real domain).
#ifndef MOTE_NN_CONV2D_S8_H
#define MOTE_NN_CONV2D_S8_H

#include "nn/types.h"

namespace mote {
namespace nn {

struct Conv2DS8Params {
  Dims input, output;
  int32_t kernel_h, kernel_w, stride_h, stride_w;
  int32_t pad_h, pad_w;   // padding before (top, left); TFLite SAME puts the odd pixel after
  int32_t input_offset;   // minus the input zero point, [-127, 128]
  int32_t output_offset;  // the output zero point, [-128, 127]
  int32_t act_min, act_max;
};

// The im2col column: kernel_h * kernel_w * in.c int8, rounded up to 4 bytes; both paths.
size_t conv2d_s8_scratch_bytes(const Conv2DS8Params& p);
// OHWI rows [out.c][kernel_h * kernel_w * in.c] -> the packed order (fully_connected_s8_pack_weights).
void conv2d_s8_pack_weights(const Conv2DS8Params& p, const int8_t* ohwi, int8_t* packed);

// Errors: MOTE_ERR_ARG (null pointer, bad offset/activation/stride/padding; DSP path: weights not 4-byte
// aligned), MOTE_ERR_SHAPE (dims <= 0), MOTE_ERR_SCRATCH (scratch smaller than conv2d_s8_scratch_bytes),
// MOTE_ERR_UNSUPPORTED (kernel_h * kernel_w * in.c > kMaxDotLength).
Status conv2d_s8(const Conv2DS8Params& p, const PerChannelQuant& q, const int8_t* input, const int8_t* weights,
                 const int32_t* bias, int8_t* output, void* scratch, size_t scratch_bytes);
Status conv2d_s8_ref(const Conv2DS8Params& p, const PerChannelQuant& q, const int8_t* input, const int8_t* weights,
                     const int32_t* bias, int8_t* output, void* scratch, size_t scratch_bytes);
Status conv2d_s8_dsp(const Conv2DS8Params& p, const PerChannelQuant& q, const int8_t* input, const int8_t* weights,
                     const int32_t* bias, int8_t* output, void* scratch, size_t scratch_bytes);

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_CONV2D_S8_H
