// Cutting samples into the windows the DSP blocks see: axis selection, resampling, stride, zero padding.
#pragma once

#include <string>
#include <vector>

#include "impulse/spec.h"
#include "store/sample.h"

namespace mote {

struct Windows {
  size_t count = 0, frames = 0, axes = 0;
  std::vector<float> data;       // count x frames x axes, frame-major inside each window
  std::vector<double> start_ms;  // where each window starts in the sample
  const float* window(size_t i) const { return data.data() + i * frames * axes; }
};

// The input's axes of a time-series sample, in the input's order, linearly resampled to frequency_hz
// when the sample was recorded at another rate (off by more than 0.1 %).
std::vector<float> input_signal(const Sample& s, const InputSpec& in, size_t* frames);

// All windows of a sample; a sample shorter than one window gives one zero-padded window when
// in.zero_pad, else none.
Windows make_windows(const Sample& s, const InputSpec& in);

}  // namespace mote
