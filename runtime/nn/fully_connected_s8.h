// Fully connected (dense) layer, int8, TFLite per-channel semantics:
//   out[o] = clamp(zp_out + MBQM(bias[o] + sum_i w[o][i] * (x[i] + input_offset), mult[o], shift[o]), act)
//   input:   input_size int8 (any HWC tensor, flattened)
//   weights: output_size x input_size int8 in [-127, 127], symmetric (zero point 0), one scale per output, in
//            the packed order below (fully_connected_s8_pack_weights turns [output_size][input_size] rows into it)
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

// Packed weight order, both paths (same size as [out][in]): rows in groups of 4, then one group of 2 if at
// least 2 remain, then a last single row, each group at byte offset first_row * input_size. A group is row
// pairs (rows 0,1 and 2,3); a pair's two weights of one input are one int16 h = 256 w[hi] + w[lo] (bytes:
// w[lo], w[hi] - [w[lo] < 0]). For each block of 4 inputs i..i+3, each pair stores two words: (h[i], h[i+2])
// and (h[i+1], h[i+3]). Then the group's rows' last input_size % 4 weights, row by row, as plain int8. A last
// single row is a plain row. Why: one SMLAD of h against two inputs accumulates 256 y[hi] + y[lo] (4 MACs), one
// SXTB16 of the same word gives w[lo] for a second SMLAD, and y[hi] = (S - y[lo]) / 256: 3 instructions per 4 MACs.
// rows: [output_size][input_size] in [-127, 127] (TFLite's symmetric weights); packed: as many bytes, not
// overlapping rows. Returns false, packed unspecified, when a weight is -128.
bool fully_connected_s8_pack_weights(int32_t input_size, int32_t output_size, const int8_t* rows, int8_t* packed);

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

// The generated code's entry for dense layers that fit: the layer as one descriptor the code generator emits
// in flash, its constants in one table (fully_connected_s8_fast_table, fully_connected_s8_fast_table_words of
// them): per group of rows (4, then 2, then 1, as the packed weights) the biases (a 4-row group's as b0, b2,
// b1, b3), then each row's channel folded with the output offset (fixed_point.h's requant_fold). A table
// exists only for a layer with a bias, no fused clamp narrower than int8, input_size <= 4 *
// simd::kPairChunkBlocks + 3, every multiplier >= 0 with shift in [-22, -2]; false otherwise (then generated
// code calls fully_connected_s8). Same bits as fully_connected_s8. On the M4 it is one hand-scheduled pass over
// the layer (C for a last single row) and links none of the general code (flash); the table's channels are not
// re-checked per call. Errors: MOTE_ERR_ARG (null pointer, bad input offset, weights not 4-byte aligned),
// MOTE_ERR_SHAPE (sizes <= 0), MOTE_ERR_UNSUPPORTED (input_size past what a table allows).
struct FullyConnectedS8FastLayer {
  const int8_t* input;
  const int8_t* weights;  // fully_connected_s8_pack_weights's order, 4-byte aligned
  const int32_t* table;   // fully_connected_s8_fast_table
  int8_t* output;
  int32_t input_size, output_size;
  int32_t input_offset;  // minus the input zero point, [-127, 128]
};
size_t fully_connected_s8_fast_table_words(const FullyConnectedS8Params& p);
bool fully_connected_s8_fast_table(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int32_t* bias,
                                   int32_t* table);
// A layer whose channels all share one multiplier and shift (per-tensor quantized weights) may keep one folded
// channel for all rows instead: the table is that channel (3 words) then the biases in the same group order,
// 4 bytes per row instead of 16; false when the channels differ or the layer does not fit a table.
size_t fully_connected_s8_fast_shared_table_words(const FullyConnectedS8Params& p);
bool fully_connected_s8_fast_shared_table(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int32_t* bias,
                                          int32_t* table);
Status fully_connected_s8_fast_shared(const FullyConnectedS8FastLayer& layer);  // with a shared table
Status fully_connected_s8_fast(const FullyConnectedS8FastLayer& layer);

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_FULLY_CONNECTED_S8_H
