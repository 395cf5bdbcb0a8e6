// Fully connected (dense) layer, int8, the form for cores without the DSP extension (Cortex-M0/M0+, M3, RISC-V
// RV32IMC): same semantics and same bits as fully_connected_s8 (TFLite per-channel int8), another weight layout.
//
// Why: without SMLAD a MAC costs a multiply and an add, and int8 weights cost a load and a sign extension each.
// Here one 32-bit word holds two rows' weights of one input, W = w[lo] + 65536 w[hi] (two's complement int32), so
// one 32-bit multiply by the raw input x (int8: |w x| <= 16 256) gives both rows' products in separate 16-bit
// fields. Two inputs' words summed, S = W0 x0 + W1 x1 + 32768, keep both fields exact (|sum| <= 32 512), so
// S >> 16 (arithmetic) is the high row's share and the low field, biased into [0, 65536), needs no sign fix:
// per two inputs and two rows, 2 loads, 2 multiplies, 2 adds and 3 to unpack (accR += S, accH += S >> 16),
// 2.25 instructions per MAC before the input loads. At the end y[hi] = accH and y[lo] = accR - 65536 accH -
// 32768 chunks (mod 2^32). The input offset is folded into the biases (bias + offset * sum of the row's
// weights, as CMSIS-NN does), so the multiplies see the raw int8 input. Costs 2 bytes of flash per weight.
//
// Layout (fully_connected_s8_wide_pack_weights, int32 words): rows in groups of 4 (two pairs), then a pair if
// at least 2 remain, then a last single row as a pair with an all-zero partner. Per group, inputs two at a time:
// each pair's words for inputs i and i + 1; an odd last input: each pair's word for it.
// Table (fully_connected_s8_wide_table, 8 int32 per pair): the pair's low and high row's bias with the input
// offset folded in (the low one also minus 32768 per chunk), then each row's channel folded with the output
// offset (fixed_point.h's requant_fold: multiplier >= 0, shift in [-22, -2]).
#ifndef MOTE_NN_FULLY_CONNECTED_S8_WIDE_H
#define MOTE_NN_FULLY_CONNECTED_S8_WIDE_H

#include "nn/fully_connected_s8.h"
#include "nn/types.h"

// Which dense form generated code runs on this core: the wide form where there is no DSP extension on Arm or
// RISC-V, fully_connected_s8_fast (row pairs as int16, SMLAD) elsewhere, the host included. Define
// MOTE_NN_DENSE_SMALL to keep 1 byte of flash per weight on those cores too (fully_connected_s8_fast: slower, e.g.
// the demo's dense layers 7.2 instead of 3.5 instructions per MAC on RV32, 2.3 kB less flash).
#if !defined(MOTE_NN_DENSE_SMALL) && !(defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP) && \
    (defined(__arm__) || defined(__riscv))
#define MOTE_NN_WIDE_DENSE 1
#else
#define MOTE_NN_WIDE_DENSE 0
#endif

namespace mote {
namespace nn {

struct FullyConnectedS8WideLayer {
  const int8_t* input;    // input_size int8, any alignment
  const int32_t* weights; // fully_connected_s8_wide_pack_weights's order
  const int32_t* table;   // fully_connected_s8_wide_table
  int8_t* output;         // output_size int8
  int32_t input_size, output_size;
};

// int32 words of the packed weights: one per input per pair of rows (a last single row counts as a pair).
size_t fully_connected_s8_wide_weight_words(int32_t input_size, int32_t output_size);
// rows: [output_size][input_size] in [-127, 127]; false (packed unspecified) when a weight is -128.
bool fully_connected_s8_wide_pack_weights(int32_t input_size, int32_t output_size, const int8_t* rows,
                                          int32_t* packed);

size_t fully_connected_s8_wide_table_words(const FullyConnectedS8Params& p);
// From the packed weights (the row sums for the input offset). False when the layer does not fit the form: a
// fused clamp narrower than int8, a channel outside requant_fold's range, a bad offset or size. bias may be null.
bool fully_connected_s8_wide_table(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int32_t* bias,
                                   const int32_t* packed, int32_t* table);

// 0: no scratch.
size_t fully_connected_s8_wide_scratch_bytes(const FullyConnectedS8Params& p);

// Errors: MOTE_ERR_ARG (null pointer), MOTE_ERR_SHAPE (sizes <= 0), MOTE_ERR_UNSUPPORTED (input_size >
// kMaxDotLength). The table's channels are not re-checked per call (the generator made it).
Status fully_connected_s8_wide(const FullyConnectedS8WideLayer& layer);

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_FULLY_CONNECTED_S8_WIDE_H
