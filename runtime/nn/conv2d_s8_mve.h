// 2-D convolution (and 1-D as h = 1), int8, the Helium (M-profile Vector Extension) form of the Cortex-M55: same
// semantics and bits as conv2d_s8 (TFLite per-channel int8), weights as the IR's plain OHWI rows.
//
// Per output pixel, its int8 column (the input itself when its taps are one contiguous run, e.g. a 1x1 or a 1-D
// convolution away from the edges; else gathered into scratch with padded taps at the input zero point), then 4
// rows at a time: one VMLADAVA.S8 multiplies 16 weights by 16 column bytes and adds the 16 products to a scalar
// int32, the last partial vector tail-predicated (VCTP), so any tap count works without padding. The products
// are of the raw int8 input: the input offset is folded into the table's biases (bias + offset * sum of the row),
// and a padded tap at the zero point adds w * zp = -w * offset, cancelling its share of the fold exactly.
// Elsewhere (host, other cores) the same form runs as plain C, so the harness checks its layout and table
// everywhere.
// Table (conv2d_s8_mve_table, 4 int32 per output channel): the bias with the input offset folded in, then the
// channel folded with the output offset (fixed_point.h's requant_fold: multiplier >= 0, shift in [-22, -2]), or
// for a channel outside that range {multiplier, -1, shift} and the general requantization (MobileNet's pointwise
// layers have shifts of -1 and above).
// A fused clamp narrower than int8 is applied after the int8 saturation (the same result: clamping a saturated
// value to a sub-range equals clamping the value).
#ifndef MOTE_NN_CONV2D_S8_MVE_H
#define MOTE_NN_CONV2D_S8_MVE_H

#include "nn/conv2d_s8.h"
#include "nn/fully_connected_s8_mve.h"  // MOTE_NN_MVE_DENSE: generated code's switch for the Helium forms
#include "nn/types.h"

namespace mote {
namespace nn {

size_t conv2d_s8_mve_table_words(const Conv2DS8Params& p);
// False when the layer does not fit the form: a weight of -128, a bad offset, activation or size. rows: OHWI [out.c][kernel_h * kernel_w * in.c]; bias may be null.
bool conv2d_s8_mve_table(const Conv2DS8Params& p, const PerChannelQuant& q, const int32_t* bias, const int8_t* rows,
                         int32_t* table);

// The gathered column: kernel_h * kernel_w * in.c bytes, any alignment (no more than conv2d_s8_scratch_bytes, so
// the arena planner's conv2d_s8 scratch serves both forms).
size_t conv2d_s8_mve_scratch_bytes(const Conv2DS8Params& p);

// Errors: MOTE_ERR_ARG (null pointer, bad offset/activation/stride/padding), MOTE_ERR_SHAPE (dims <= 0),
// MOTE_ERR_SCRATCH (scratch smaller than conv2d_s8_mve_scratch_bytes), MOTE_ERR_UNSUPPORTED (kernel_h * kernel_w *
// in.c > kMaxDotLength). The table's channels are not re-checked per call (the generator made it).
Status conv2d_s8_mve(const Conv2DS8Params& p, const int8_t* input, const int8_t* rows, const int32_t* table,
                     int8_t* output, void* scratch, size_t scratch_bytes);

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_CONV2D_S8_MVE_H
