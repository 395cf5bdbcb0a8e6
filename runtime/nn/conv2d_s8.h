// 2-D convolution, int8, TFLite per-channel semantics (a 1-D convolution is h = 1):
//   out[y][x][o] = clamp(zp_out + MBQM(bias[o] + sum_{ky,kx,i} w[o][ky][kx][i] * (in[iy][ix][i] + input_offset),
//                        mult[o], shift[o]), act), iy = y * stride_h - pad_h + ky (likewise ix);
//   taps outside the input contribute nothing (zero padding in the real domain).
//   input: HWC int8; weights: OHWI int8 [out.c][kernel_h][kernel_w][in.c], symmetric per output channel, packed
//          by conv2d_s8_pack_weights (rows in pairs, each padded to a multiple of 4 taps);
//   bias: out.c int32 or null; output: HWC int8 of `output` dims (the caller computes them, e.g. TFLite SAME/VALID).
// The reference reads every tap in place. The DSP path is im2col two output pixels at a time: both columns
// widened to int16 (input_offset added, padded taps 0), then two rows by two pixels per inner loop.
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

// With k4 = kernel_h * kernel_w * in.c rounded up to 4: two int16 columns and an int8 one, 5 * k4 bytes, and
// the Cortex-M4 pass's row-pair table, 16 bytes per channel of a row pair; both paths take it (one contract for
// the arena planner), the reference leaves it unused.
size_t conv2d_s8_scratch_bytes(const Conv2DS8Params& p);
// How far before its input the output may start, overlapping it (the input then dies as it is read): every
// path walks output pixels in raster order and reads a pixel's taps before writing its channels, so output
// pixel j may overwrite input bytes no pixel >= j reads. A planner gives the pair max(overlap + input bytes,
// output bytes) instead of their sum (a 3x3 stride-1 layer: one input row + 2 pixels).
size_t conv2d_s8_overlap_bytes(const Conv2DS8Params& p);
// The packed weights' size: out.c * k4 bytes.
size_t conv2d_s8_packed_bytes(const Conv2DS8Params& p);
// OHWI rows [out.c][kernel_h * kernel_w * in.c] in [-127, 127] -> conv2d_s8_packed_bytes of packed weights:
// per pair of rows and block of 4 taps, two words of the rows as int16 256 w[o+1] + w[o] (simd.h's row pairs),
// taps (0, 2) then (1, 3); an odd last row on its own, plain; taps past the row's end are 0. Returns false,
// packed unspecified, when a weight is -128.
bool conv2d_s8_pack_weights(const Conv2DS8Params& p, const int8_t* ohwi, int8_t* packed);

// Errors: MOTE_ERR_ARG (null pointer, bad offset/activation/stride/padding; DSP path: weights or scratch not
// 4-byte aligned), MOTE_ERR_SHAPE (dims <= 0), MOTE_ERR_SCRATCH (scratch smaller than conv2d_s8_scratch_bytes),
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
