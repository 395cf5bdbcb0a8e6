// Shared by run_impulse and run_impulse_continuous: one window (already read, or read by a streaming DSP)
// through every stage.
#ifndef MOTE_IMPULSE_INTERNAL_H
#define MOTE_IMPULSE_INTERNAL_H

#include <stddef.h>

#include "mote/impulse.h"

namespace mote {

inline size_t window_values(const ImpulseModel& m) { return static_cast<size_t>(m.frames) * m.axes; }
Status run_window(const ImpulseModel& m, const float* window, Result* r);
// The same for a streaming impulse (m.dsp_signal): its DSP reads the window through the signal.
Status run_signal(const ImpulseModel& m, const Signal& signal, Result* r);
// The classifier's int8 input from the features (m.nn_input()), as run_window makes it.
Status quantize_nn_input(const ImpulseModel& m, const float* features);

}  // namespace mote

#endif  // MOTE_IMPULSE_INTERNAL_H
