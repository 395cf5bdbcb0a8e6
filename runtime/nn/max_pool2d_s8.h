// Max pooling, int8 (TFLite): out[y][x][c] = clamp(max over the window's taps inside the input, act).
// Input and output share scale and zero point. HWC in, HWC out. The DSP path takes four channels per word
// (SSUB8 + SEL per-lane max). The output must not overlap the input (the DSP path accumulates in it).
#ifndef MOTE_NN_MAX_POOL2D_S8_H
#define MOTE_NN_MAX_POOL2D_S8_H

#include "nn/pool_common.h"

namespace mote {
namespace nn {

size_t max_pool2d_s8_scratch_bytes(const PoolS8Params& p);  // 0
// Errors: MOTE_ERR_ARG (null, bad stride/padding/activation), MOTE_ERR_SHAPE (dims), MOTE_ERR_UNSUPPORTED
// (a window with no tap inside the input).
Status max_pool2d_s8(const PoolS8Params& p, const int8_t* input, int8_t* output);
Status max_pool2d_s8_ref(const PoolS8Params& p, const int8_t* input, int8_t* output);
Status max_pool2d_s8_dsp(const PoolS8Params& p, const int8_t* input, int8_t* output);

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_MAX_POOL2D_S8_H
