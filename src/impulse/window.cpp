#include "impulse/window.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace mote {

std::vector<float> input_signal(const Sample& s, const InputSpec& in, size_t* frames_out) {
  std::string where = "sample " + std::to_string(s.id) + " (" + s.name + ")";
  if (s.kind != SampleKind::TimeSeries)
    throw error_at(where, "is an image but the impulse expects time series; remove it (mote samples remove " +
                              std::to_string(s.id) + ") or use an image impulse");
  std::vector<size_t> cols;
  if (in.axes.empty()) {
    for (size_t a = 0; a < s.axes(); ++a) cols.push_back(a);
  } else {
    for (auto& name : in.axes) {
      auto it = std::find_if(s.sensors.begin(), s.sensors.end(), [&](const Sensor& x) { return x.name == name; });
      if (it == s.sensors.end()) {
        std::string have;
        for (auto& x : s.sensors) have += (have.empty() ? "" : ", ") + x.name;
        throw error_at(where, "has no sensor '" + name + "' (it has " + have + "); fix impulse.input.axes or the sample");
      }
      cols.push_back(static_cast<size_t>(it - s.sensors.begin()));
    }
  }
  size_t axes = cols.size(), n = s.frames();
  double rate = 1000.0 / s.interval_ms;
  bool same = std::fabs(rate - in.frequency_hz) <= 1e-3 * in.frequency_hz;
  size_t out_frames = same ? n : static_cast<size_t>(std::floor((n - 1) * in.frequency_hz / rate)) + 1;
  std::vector<float> out(out_frames * axes);
  for (size_t f = 0; f < out_frames; ++f) {
    if (same) {
      for (size_t a = 0; a < axes; ++a) out[f * axes + a] = s.values[f * s.axes() + cols[a]];
      continue;
    }
    double pos = static_cast<double>(f) * rate / in.frequency_hz;
    size_t i0 = std::min(n - 1, static_cast<size_t>(pos));
    size_t i1 = std::min(n - 1, i0 + 1);
    double t = pos - static_cast<double>(i0);
    for (size_t a = 0; a < axes; ++a) {
      double v0 = s.values[i0 * s.axes() + cols[a]], v1 = s.values[i1 * s.axes() + cols[a]];
      out[f * axes + a] = static_cast<float>(v0 + (v1 - v0) * t);
    }
  }
  *frames_out = out_frames;
  return out;
}

Windows make_windows(const Sample& s, const InputSpec& in) {
  size_t frames = 0;
  std::vector<float> signal = input_signal(s, in, &frames);
  Windows w;
  w.frames = in.window_frames();
  w.axes = frames ? signal.size() / frames : 0;
  size_t stride = in.stride_frames();
  if (frames >= w.frames) {
    w.count = (frames - w.frames) / stride + 1;
  } else {
    w.count = in.zero_pad ? 1 : 0;
  }
  w.data.assign(w.count * w.frames * w.axes, 0.0f);
  for (size_t k = 0; k < w.count; ++k) {
    size_t start = k * stride;
    size_t take = std::min(w.frames, frames - start);
    std::copy(signal.begin() + static_cast<long>(start * w.axes), signal.begin() + static_cast<long>((start + take) * w.axes),
              w.data.begin() + static_cast<long>(k * w.frames * w.axes));
    w.start_ms.push_back(static_cast<double>(start) * 1000.0 / in.frequency_hz);
  }
  return w;
}

}  // namespace mote
