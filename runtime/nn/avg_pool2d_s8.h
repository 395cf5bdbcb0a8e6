// Average pooling, int8 (TFLite): the sum of the window's taps inside the input divided by their count,
// rounded half away from zero, clamped to the activation. Input and output share scale and zero point.
// avg_pool2d_s8 runs the scalar reference, or avg_pool2d_s8_mve (vector sums) on a core with integer Helium.
#ifndef MOTE_NN_AVG_POOL2D_S8_H
#define MOTE_NN_AVG_POOL2D_S8_H

#include "nn/pool_common.h"

namespace mote {
namespace nn {

size_t avg_pool2d_s8_scratch_bytes(const PoolS8Params& p);  // 0
// Errors: as max_pool2d_s8.
Status avg_pool2d_s8(const PoolS8Params& p, const int8_t* input, int8_t* output);
Status avg_pool2d_s8_ref(const PoolS8Params& p, const int8_t* input, int8_t* output);

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_AVG_POOL2D_S8_H
