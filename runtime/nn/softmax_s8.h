// Softmax, int8 in and out, TFLite's integer algorithm (reference_ops::Softmax with gemmlowp fixed point):
// differences to the row maximum scaled by input_multiplier << input_left_shift into Q5.26, exp in fixed
// point, sum in Q12.19, reciprocal by Newton-Raphson. The output is fixed at scale 1/256, zero point -128
// (TFLite's int8 softmax convention); differences below diff_min give -128 (probability 0).
// Parameters from the input scale (beta 1) as TFLite's PreprocessSoftmaxScaling / CalculateInputRadius make
// them: multiplier/left_shift quantize min(input_scale * 2^26, 2^31 - 1);
// diff_min = -floor((2^5 - 1) * 2^26 / 2^left_shift).
#ifndef MOTE_NN_SOFTMAX_S8_H
#define MOTE_NN_SOFTMAX_S8_H

#include "nn/types.h"

namespace mote {
namespace nn {

static const int32_t kSoftmaxOutputZeroPoint = -128;  // scale 1/256
static const int32_t kSoftmaxExpTableMax = 256;       // int8 differences lie in [-255, 0]

struct SoftmaxS8Params {
  int32_t rows, depth;  // softmax over each row of `depth` values (a classifier: rows 1)
  int32_t input_multiplier, input_left_shift;  // left_shift in [0, 31)
  int32_t diff_min;                            // <= 0
};

size_t softmax_s8_scratch_bytes(const SoftmaxS8Params& p);  // 0

// Two paths, one result: softmax_s8 computes exp() in fixed point for every value; softmax_s8_table reads
// the very same exp values from a table made beforehand by softmax_s8_exp_table (by the code generator, at
// build time, or once at start-up), about 4x fewer instructions and no exp code linked.
// Errors: MOTE_ERR_ARG (null, left_shift outside [0, 30], diff_min > 0), MOTE_ERR_SHAPE (rows/depth <= 0).
Status softmax_s8(const SoftmaxS8Params& p, const int8_t* input, int8_t* output);

// exp_table[k] = the Q0.31 exp softmax_s8 computes for the difference -k; *size = the entries that can
// change a result: k <= -diff_min, and trailing values <= 2047 are left off (they add 0 to the Q12.19 sum
// and give output -128, as differences below diff_min do). exp_table holds kSoftmaxExpTableMax entries.
Status softmax_s8_exp_table(const SoftmaxS8Params& p, int32_t* exp_table, int32_t* size);
// Differences -k with k >= table_size count as 0 (output -128); input_left_shift is the table's, not read
// here. Errors: MOTE_ERR_ARG (null, or a table of size outside [1, min(256, 1 - diff_min)] or whose entry 0 is
// not exp(0) = INT32_MAX), MOTE_ERR_SHAPE (rows/depth <= 0).
Status softmax_s8_table(const SoftmaxS8Params& p, const int32_t* exp_table, int32_t table_size,
                        const int8_t* input, int8_t* output);

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_SOFTMAX_S8_H
