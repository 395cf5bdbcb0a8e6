// Depthwise 2-D convolution, int8, TFLite per-channel semantics: output channel o = i * depth_multiplier + m
// sees only input channel i:
//   out[y][x][o] = clamp(zp_out + MBQM(bias[o] + sum_{ky,kx} w[ky][kx][o] * (in[iy][ix][i] + input_offset),
//                        mult[o], shift[o]), act); taps outside the input contribute nothing.
//   input: HWC int8; weights: [kernel_h][kernel_w][in.c * depth_multiplier] int8 (TFLite's 1HWO);
//   bias: out.c int32 or null; output: HWC int8 with out.c = in.c * depth_multiplier.
#ifndef MOTE_NN_DEPTHWISE_CONV2D_S8_H
#define MOTE_NN_DEPTHWISE_CONV2D_S8_H

#include "nn/types.h"

namespace mote {
namespace nn {

struct DepthwiseConv2DS8Params {
  Dims input, output;
  int32_t kernel_h, kernel_w, stride_h, stride_w;
  int32_t pad_h, pad_w;  // padding before (top, left)
  int32_t depth_multiplier;
  int32_t input_offset;   // minus the input zero point, [-127, 128]
  int32_t output_offset;  // the output zero point, [-128, 127]
  int32_t act_min, act_max;
};

// 0: neither path needs scratch.
size_t depthwise_conv2d_s8_scratch_bytes(const DepthwiseConv2DS8Params& p);
// How far before its input the output may start, overlapping it: both paths walk output pixels in raster order
// (nn/window_overlap.h), so a planner gives the pair max(overlap + input bytes, output bytes).
size_t depthwise_conv2d_s8_overlap_bytes(const DepthwiseConv2DS8Params& p);

// Errors: MOTE_ERR_ARG (null pointer, bad offset/activation/stride/padding), MOTE_ERR_SHAPE (dims <= 0 or
// out.c != in.c * depth_multiplier). The DSP path takes four output channels at a time (with
// depth_multiplier 1 straight from one input word; otherwise gathering each channel's input).
Status depthwise_conv2d_s8(const DepthwiseConv2DS8Params& p, const PerChannelQuant& q, const int8_t* input,
                           const int8_t* weights, const int32_t* bias, int8_t* output);
Status depthwise_conv2d_s8_ref(const DepthwiseConv2DS8Params& p, const PerChannelQuant& q, const int8_t* input,
                               const int8_t* weights, const int32_t* bias, int8_t* output);
Status depthwise_conv2d_s8_dsp(const DepthwiseConv2DS8Params& p, const PerChannelQuant& q, const int8_t* input,
                               const int8_t* weights, const int32_t* bias, int8_t* output);

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_DEPTHWISE_CONV2D_S8_H
