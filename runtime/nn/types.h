// Shared plain types of the int8 kernels. Tensors are HWC (batch 1), int8, row-major: x[(y * w + x) * c + ch].
#ifndef MOTE_NN_TYPES_H
#define MOTE_NN_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"

namespace mote {
namespace nn {

struct Dims {
  int32_t h, w, c;
};

// Requantization per output channel: real multiplier = multiplier * 2^(shift - 31), multiplier in
// [2^30, 2^31) (or 0), shift in [-31, 30] (positive = left shift), as TFLite's QuantizeMultiplier makes them.
struct PerChannelQuant {
  const int32_t* multiplier;
  const int32_t* shift;
};

// Largest dot-product length the kernels accept: 255 * 127 * n stays inside int32, so the reference
// path never overflows and the SMLAD path (which wraps) gives the same result.
static const int32_t kMaxDotLength = 66000;

inline bool valid_dims(const Dims& d) { return d.h > 0 && d.w > 0 && d.c > 0; }
inline bool valid_activation(int32_t lo, int32_t hi) { return -128 <= lo && lo <= hi && hi <= 127; }
// input_offset = -input zero point; output_offset = output zero point (zero points are int8).
inline bool valid_input_offset(int32_t o) { return -127 <= o && o <= 128; }
inline bool valid_output_offset(int32_t o) { return -128 <= o && o <= 127; }

}  // namespace nn
}  // namespace mote

#endif  // MOTE_NN_TYPES_H
