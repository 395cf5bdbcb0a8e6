// Fully connected (dense) layer, int8, the Helium (M-profile Vector Extension) form of the Cortex-M55: same
// semantics and bits as fully_connected_s8 (TFLite per-channel int8), weights as plain rows.
//
// One VMLADAVA.S8 multiplies 16 int8 weights by 16 int8 inputs and adds the 16 products to a scalar int32: per 16
// inputs and 4 rows, one input load, 4 weight loads and 4 VMLADAVA (about 0.15 instructions per MAC); the last
// partial vector is tail-predicated (VCTP), so any input_size works with no padding. The products are of the raw
// int8 input: the input offset is folded into the table's biases (bias + offset * sum of the row's weights).
// Exact: the dot products are integer sums, the same on every path (no chunking needed up to kMaxDotLength).
// Elsewhere (host, other cores) the same form runs as plain C, so the harness checks its layout and table
// everywhere.
// Rows go 4 at a time (a last group of 1 to 3 reads its first row again in place of the missing ones and stores
// only its own outputs, predicated), and the 4 outputs are requantized in one vector (nn/mve_rows.h: VQRDMULH,
// VRSHL, offset, clamp, a narrowing predicated store).
// Table (fully_connected_s8_mve_table, 16 int32 per group of 4 rows, the last group padded): the 4 biases with the
// input offset folded in, the 4 multipliers, the 4 shifts, the output offset 4 times; a padded row has bias and
// multiplier 0. The layer must fit the other forms' range (multiplier >= 0, shift in [-22, -2], no clamp
// narrower than int8).
#ifndef MOTE_NN_FULLY_CONNECTED_S8_MVE_H
#define MOTE_NN_FULLY_CONNECTED_S8_MVE_H

#include "nn/fully_connected_s8.h"
#include "nn/types.h"

// Generated code's dense form on a core with integer Helium (Cortex-M55, M85).
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#define MOTE_NN_MVE_DENSE 1
#else
#define MOTE_NN_MVE_DENSE 0
#endif

namespace mote {
namespace nn {

struct FullyConnectedS8MveLayer {
  const int8_t* input;    // input_size int8, any alignment
  const int8_t* weights;  // [output_size][input_size] rows in [-127, 127], any alignment
  const int32_t* table;   // fully_connected_s8_mve_table
  int8_t* output;         // output_size int8
  int32_t input_size, output_size;
};

size_t fully_connected_s8_mve_table_words(const FullyConnectedS8Params& p);
// False when the layer does not fit the form: a fused clamp narrower than int8, a channel outside requant_fold's
// range, a bad offset or size. bias may be null.
bool fully_connected_s8_mve_table(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int32_t* bias,
                                  const int8_t* rows, int32_t* table);

// 0: no scratch.
size_t fully_connected_s8_mve_scratch_bytes(const FullyConnectedS8Params& p);

// Errors: MOTE_ERR_ARG (null pointer), MOTE_ERR_SHAPE (sizes <= 0), MOTE_ERR_UNSUPPORTED (input_size >
// kMaxDotLength). The table's channels are not re-checked per call (the generator made it).
Status fully_connected_s8_mve(const FullyConnectedS8MveLayer& layer);

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_FULLY_CONNECTED_S8_MVE_H
