// Fully connected (dense) layer, int8, TFLite per-channel semantics:
//   out[o] = clamp(zp_out + MBQM(bias[o] + sum_i w[o][i] * (x[i] + input_offset), mult[o], shift[o]), act)
//   input:   input_size int8 (any HWC tensor, flattened)
//   weights: output_size x input_size int8, symmetric (zero point 0), one scale per output, in the packed
//            order below (fully_connected_s8_pack_weights turns [output_size][input_size] rows into it)
//   bias:    output_size int32 at scale input_scale * weight_scale[o]; may be null (zero)
//   output:  output_size int8
#ifndef MOTE_NN_FULLY_CONNECTED_S8_H
#define MOTE_NN_FULLY_CONNECTED_S8_H

#include "nn/types.h"

namespace mote {
namespace nn {

struct FullyConnectedS8Params {
  int32_t input_size, output_size;
  int32_t input_offset;   // minus the input zero point, [-127, 128]
  int32_t output_offset;  // the output zero point, [-128, 127]
  int32_t act_min, act_max;  // fused activation as a clamp in the output's int8 domain
};

// Packed weight order, both paths: rows in groups of 4; a group holds, for each block of 4 inputs, the 4
// rows' 4 bytes one row after the other (16 bytes), then the 4 rows' last input_size % 4 bytes row by row.
// The last output_size % 4 rows follow as plain rows. Same size as [out][in]; the DSP path reads one word
// per row and block from a single pointer. Offset of w[o][i] in the packed array:
size_t fully_connected_s8_weight_index(int32_t input_size, int32_t output_size, int32_t o, int32_t i);
// rows: [output_size][input_size]; packed: as many bytes, not overlapping rows.
void fully_connected_s8_pack_weights(int32_t input_size, int32_t output_size, const int8_t* rows, int8_t* packed);

// 0: neither path needs scratch.
size_t fully_connected_s8_scratch_bytes(const FullyConnectedS8Params& p);

// Errors: MOTE_ERR_ARG (null pointer, bad offset or activation; on the DSP path also weights not 4-byte
// aligned, which its LDRD needs), MOTE_ERR_SHAPE (size <= 0), MOTE_ERR_UNSUPPORTED (input_size > kMaxDotLength).
Status fully_connected_s8(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int8_t* input,
                          const int8_t* weights, const int32_t* bias, int8_t* output);
Status fully_connected_s8_ref(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int8_t* input,
                              const int8_t* weights, const int32_t* bias, int8_t* output);
Status fully_connected_s8_dsp(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int8_t* input,
                              const int8_t* weights, const int32_t* bias, int8_t* output);

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_FULLY_CONNECTED_S8_H
