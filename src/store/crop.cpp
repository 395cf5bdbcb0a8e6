#include "store/crop.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace mote {

CropRange crop_time_series(Sample& s, double start_ms, double end_ms, const std::string& where) {
  if (s.kind != SampleKind::TimeSeries) throw error_at(where, "is an image; only time series can be cropped");
  size_t frames = s.frames();
  if (end_ms < 0) end_ms = s.length_ms();
  // The small epsilon keeps a boundary that is an exact multiple of the interval on its frame.
  size_t first = start_ms < 0 ? 0 : static_cast<size_t>(std::ceil(start_ms / s.interval_ms - 1e-9));
  size_t last = std::min(frames, static_cast<size_t>(std::max(0.0, std::ceil(end_ms / s.interval_ms - 1e-9))));
  if (!std::isfinite(start_ms) || !std::isfinite(end_ms) || start_ms < 0 || first >= last)
    throw error_at(where, "range " + std::to_string(start_ms) + ".." + std::to_string(end_ms) +
                              " ms keeps no frames; the sample is " + std::to_string(s.length_ms()) + " ms long");
  std::vector<float> kept(s.values.begin() + static_cast<long>(first * s.axes()),
                          s.values.begin() + static_cast<long>(last * s.axes()));
  s.values = std::move(kept);
  return {first, last};
}

}  // namespace mote
