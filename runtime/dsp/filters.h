// Cascaded biquads (second-order sections, direct form II transposed) over one axis of a signal.
// Coefficients are DATA designed on the host (src/impulse/dsp_tables: Butterworth low/high-pass).
#ifndef MOTE_DSP_FILTERS_H
#define MOTE_DSP_FILTERS_H

#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"

namespace mote {
namespace dsp {

struct BiquadCascade {
  uint16_t sections;
  const float* sos;  // 6 per section, scipy's layout: b0 b1 b2 a0 a1 a2 (a0 == 1)
};

// Filters n values read every `stride` floats from in (one axis of frame-major data) into out (same
// stride), starting from zero state like scipy.signal.sosfilt. in and out may be the same buffer.
// state: 2 floats per section, overwritten.
Status sosfilt_f32(const BiquadCascade& f, const float* in, float* out, size_t n, size_t stride, float* state);

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_FILTERS_H
