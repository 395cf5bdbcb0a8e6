#include "ingest/segment.h"

#include <cmath>

#include "core/error.h"

namespace mote {

std::vector<Sample> segment_time_series(const Sample& s, double segment_ms, const std::string& where) {
  if (s.kind != SampleKind::TimeSeries) throw error_at(where, "--segment-ms cuts time series only; leave it out for images");
  if (!(segment_ms > 0) || !(s.interval_ms > 0)) throw error_at(where, "--segment-ms must be a positive length in ms");
  double n = std::round(segment_ms / s.interval_ms);
  size_t width = s.axes(), frames = s.frames();
  if (n < 1 || n > static_cast<double>(frames))
    throw error_at(where, "is " + std::to_string(s.length_ms()) + " ms long, shorter than one --segment-ms piece (" +
                              std::to_string(segment_ms) + " ms); use a shorter --segment-ms or leave it out");
  size_t per = static_cast<size_t>(n);
  Sample head = s;  // everything but the values, copied once per piece
  head.values.clear();
  head.values.shrink_to_fit();
  std::vector<Sample> out;
  for (size_t first = 0, k = 0; first + per <= frames; first += per, ++k) {
    Sample p = head;
    p.values.assign(s.values.begin() + first * width, s.values.begin() + (first + per) * width);
    p.name = s.name + "." + std::to_string(k);
    p.provenance["segment"] = {{"index", k}, {"first_frame", first}, {"frames", per}};
    p.hash = content_hash(p);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace mote
