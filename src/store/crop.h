// Cropping a stored time series to a time range: shared by `mote samples crop` and the HTTP API.
#pragma once

#include <cstddef>
#include <string>

#include "store/sample.h"

namespace mote {

struct CropRange {
  size_t first = 0, last = 0;  // kept frames [first, last)
};

// Keeps frames whose start lies in [start_ms, end_ms) (end_ms < 0: to the end) of a time series with its
// values loaded. Throws mote::Error naming `where` for images and for ranges that keep no frames.
CropRange crop_time_series(Sample& s, double start_ms, double end_ms, const std::string& where);

}  // namespace mote
