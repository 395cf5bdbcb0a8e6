// Average pooling, int8, the Helium (M-profile Vector Extension) form of the Cortex-M55: same arguments, semantics
// and bits as avg_pool2d_s8 (TFLite: the sum of the window's taps inside the input divided by their count, rounded
// half away from zero, clamped to the activation). The sums go 4 channels per vector (a widening VLDRB.S32 and a
// VADD per tap, the last vector tail-predicated); each channel's division is one scalar SDIV. Elsewhere (host, other
// cores) the same loops run in plain C, so the kernel harness checks the form everywhere. avg_pool2d_s8 runs this
// form where MOTE_NN_MVE_DENSE is set.
#ifndef MOTE_NN_AVG_POOL2D_S8_MVE_H
#define MOTE_NN_AVG_POOL2D_S8_MVE_H

#include "nn/pool_common.h"

namespace mote {
namespace nn {

size_t avg_pool2d_s8_mve_scratch_bytes(const PoolS8Params& p);  // 0
// Errors: as avg_pool2d_s8's.
Status avg_pool2d_s8_mve(const PoolS8Params& p, const int8_t* input, int8_t* output);

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_AVG_POOL2D_S8_MVE_H
