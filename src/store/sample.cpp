#include "store/sample.h"

#include <cmath>
#include <cstring>

#include "core/crypto.h"
#include "core/error.h"

namespace mote {

const char* kind_name(SampleKind k) { return k == SampleKind::Image ? "image" : "timeseries"; }

const char* category_name(Category c) { return c == Category::Testing ? "testing" : "training"; }

Category parse_category(const std::string& text, const std::string& where) {
  if (text == "training" || text == "train") return Category::Training;
  if (text == "testing" || text == "test") return Category::Testing;
  throw error_at(where, "unknown category '" + text + "'; use training or testing");
}

std::string content_hash(const Sample& s) {
  Sha256 h;
  auto put_u64 = [&](uint64_t v) {
    unsigned char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
    h.update(b, 8);
  };
  h.update(kind_name(s.kind));
  if (s.kind == SampleKind::TimeSeries) {
    uint64_t bits;
    std::memcpy(&bits, &s.interval_ms, 8);
    put_u64(bits);
    put_u64(s.axes());
    put_u64(s.values.size());
    // Little-endian float32 bytes: the same on every host mote runs on.
    h.update(s.values.data(), s.values.size() * sizeof(float));
  } else {
    put_u64(s.width);
    put_u64(s.height);
    put_u64(s.channels);
    h.update(s.pixels.data(), s.pixels.size());
  }
  return h.hex();
}

void validate_sample(const Sample& s, const std::string& where) {
  if (s.kind == SampleKind::TimeSeries) {
    if (s.sensors.empty()) throw error_at(where, "no sensors (axes) given");
    if (s.values.empty()) throw error_at(where, "no values; the recording is empty");
    if (s.values.size() % s.sensors.size() != 0)
      throw error_at(where, "values do not divide into frames of " + std::to_string(s.sensors.size()) + " axes");
    if (!(s.interval_ms > 0) || !std::isfinite(s.interval_ms))
      throw error_at(where, "interval_ms must be a positive number");
    for (size_t i = 0; i < s.values.size(); ++i) {
      if (!std::isfinite(s.values[i])) {
        throw error_at(where + ": values[" + std::to_string(i / s.axes()) + "][" + std::to_string(i % s.axes()) + "]",
                       "not a finite number (NaN or Inf); fix or drop that frame");
      }
    }
  } else {
    if (s.width == 0 || s.height == 0) throw error_at(where, "image has no pixels");
    if (s.channels != 1 && s.channels != 3) throw error_at(where, "image must be grayscale or RGB");
    if (s.pixels.size() != size_t(s.width) * s.height * s.channels)
      throw error_at(where, "pixel buffer does not match width x height x channels");
  }
}

}  // namespace mote

namespace mote {

nlohmann::json sample_summary_json(const Sample& s) {
  nlohmann::json sensors = nlohmann::json::array();
  for (auto& sn : s.sensors) sensors.push_back({{"name", sn.name}, {"units", sn.units}});
  nlohmann::json j = {{"id", s.id},
                      {"name", s.name},
                      {"label", s.label},
                      {"category", category_name(s.category)},
                      {"kind", kind_name(s.kind)},
                      {"hash", s.hash},
                      {"device_name", s.device_name},
                      {"device_type", s.device_type},
                      {"created_at", s.created_at},
                      {"provenance", s.provenance}};
  if (s.kind == SampleKind::TimeSeries) {
    j["interval_ms"] = s.interval_ms;
    j["frequency_hz"] = 1000.0 / s.interval_ms;
    j["sensors"] = sensors;
    j["frames"] = s.frames();
    j["length_ms"] = s.frames() * s.interval_ms;
  } else {
    j["width"] = s.width;
    j["height"] = s.height;
    j["channels"] = s.channels;
  }
  return j;
}

}  // namespace mote
