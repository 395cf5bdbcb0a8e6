// Max pooling, int8, the Helium (M-profile Vector Extension) form of the Cortex-M55: same arguments, semantics and
// bits as max_pool2d_s8 (TFLite: the max over the window's taps inside the input, clamped to the activation).
// 16 channels per vector (VMAX.S8 per tap, one VMAX/VMIN pair for the clamp), the last partial vector
// tail-predicated, so any channel count works. Elsewhere (host, other cores) the same loops run in plain C, so the
// kernel harness checks the form everywhere. max_pool2d_s8 runs this form where MOTE_NN_MVE_DENSE is set.
#ifndef MOTE_NN_MAX_POOL2D_S8_MVE_H
#define MOTE_NN_MAX_POOL2D_S8_MVE_H

#include "nn/pool_common.h"

namespace mote {
namespace nn {

size_t max_pool2d_s8_mve_scratch_bytes(const PoolS8Params& p);  // 0
// Errors: as max_pool2d_s8's. The output must not overlap the input.
Status max_pool2d_s8_mve(const PoolS8Params& p, const int8_t* input, int8_t* output);

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_MAX_POOL2D_S8_MVE_H
