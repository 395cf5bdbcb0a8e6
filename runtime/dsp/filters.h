// Cascaded biquads (second-order sections, direct form II transposed, float) over one axis of a signal.
// Coefficients are DATA designed on the host (src/impulse/dsp_tables.h: butterworth_sos, the values of
// scipy.signal.butter(..., output='sos')), so no filter design runs on the device.
//
// Per section, with its two state values z0, z1 (y = output of the section, x = its input):
//   y = b0 x + z0;   z0 = (b1 x - a1 y) + z1;   z1 = b2 x - a2 y
// sections run in order, each feeding the next: the same recurrence as scipy.signal.sosfilt.
#ifndef MOTE_DSP_FILTERS_H
#define MOTE_DSP_FILTERS_H

#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"

namespace mote {
namespace dsp {

struct BiquadCascade {
  uint16_t sections;  // 0: the identity (output = input)
  const float* sos;   // 6 floats per section in scipy's layout: b0 b1 b2 a0 a1 a2 (a0 must be 1; not read)
};

// State for a cascade: 2 floats per section.
size_t sosfilt_state_bytes(const BiquadCascade& f);

// Zeroes the state (a filter at rest, as sosfilt without zi).
void sosfilt_reset(const BiquadCascade& f, float* state);

// Filters n values read every `stride` floats from in (stride = axes picks one axis of frame-major data)
// into out at the same positions, continuing from `state` and leaving it ready for the next chunk: a
// signal filtered chunk by chunk gives the same floats as filtered whole (continuous mode).
// in and out may be the same buffer; other positions of out are untouched.
// Errors: MOTE_ERR_ARG for null pointers (state may be null only when sections == 0) or stride 0.
Status sosfilt_stream_f32(const BiquadCascade& f, const float* in, float* out, size_t n, size_t stride, float* state);

// One whole signal from rest: sosfilt_reset, then sosfilt_stream_f32 (= scipy.signal.sosfilt(sos, x)).
Status sosfilt_f32(const BiquadCascade& f, const float* in, float* out, size_t n, size_t stride, float* state);

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_FILTERS_H
