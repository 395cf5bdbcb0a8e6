// Depthwise 2-D convolution, int8, the Helium (M-profile Vector Extension) form of the Cortex-M55: same semantics,
// arguments and bits as depthwise_conv2d_s8 (weights [kernel_h][kernel_w][in.c * depth_multiplier]).
//
// With depth_multiplier 1: per output pixel, 4 channels per vector in int32 lanes: per tap a widening load of the
// inputs (VLDRB.S32) plus the input offset, a widening load of the weights, VMUL and VADD; padded taps are
// skipped, as in the reference. Requantization of the 4 channels in vector form, TFLite's two roundings: VQRDMULH
// (equal to gemmlowp's SaturatingRoundingDoublingHighMul) after the left shift, then RoundingDivideByPOT as a
// round-half-up VRSHL after subtracting 1 from negative values (CMSIS-NN's MVE fixup); the output offset, the
// clamp and a narrowing predicated store (VSTRB.32). The last 1 to 3 channels are tail-predicated (VCTP32).
// Other depth multipliers take depthwise_conv2d_s8. Elsewhere (host, other cores) the same loop runs as plain C
// with the reference requantization, so the harness checks the form's indexing everywhere.
#ifndef MOTE_NN_DEPTHWISE_CONV2D_S8_MVE_H
#define MOTE_NN_DEPTHWISE_CONV2D_S8_MVE_H

#include "nn/depthwise_conv2d_s8.h"
#include "nn/fully_connected_s8_mve.h"  // MOTE_NN_MVE_DENSE: generated code's switch for the Helium forms
#include "nn/types.h"

namespace mote {
namespace nn {

// 0: no scratch.
size_t depthwise_conv2d_s8_mve_scratch_bytes(const DepthwiseConv2DS8Params& p);

// Errors: as depthwise_conv2d_s8.
Status depthwise_conv2d_s8_mve(const DepthwiseConv2DS8Params& p, const PerChannelQuant& q, const int8_t* input,
                               const int8_t* weights, const int32_t* bias, int8_t* output);

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_DEPTHWISE_CONV2D_S8_MVE_H
