// A deterministic generator of 3-axis accelerometer gestures (idle, wave, circle, updown) plus a few
// anomalous recordings, so `mote demo` runs the whole path on data mote makes itself.
#pragma once

#include <cstdint>
#include <vector>

#include "store/sample.h"

namespace mote {

struct MotionOptions {
  uint64_t seed = 20261125;
  double frequency_hz = 62.5;
  double recording_s = 10.0;
  int recordings_per_class = 15;  // 4 classes x 15 x 10 s = 10 minutes
  int anomalies = 4;              // label "anomaly", always in testing
};

// Samples with label, name, sensors (accX/Y/Z in m/s2), interval and values; categories are left to the
// caller's split except anomalies, which are testing so they stay out of training.
std::vector<Sample> generate_motion(const MotionOptions& opts = {});

}  // namespace mote
