// A labelled recording: time series (float32 frames x axes) or an image (uint8 pixels).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mote {

struct Sensor {
  std::string name;
  std::string units;
  bool operator==(const Sensor&) const = default;
};

enum class SampleKind { TimeSeries, Image };
const char* kind_name(SampleKind k);

enum class Category { Training, Testing };
const char* category_name(Category c);
// Parses "training"/"testing" (also "train"/"test"); throws mote::Error naming `where`.
Category parse_category(const std::string& text, const std::string& where);

struct Sample {
  int64_t id = 0;  // 0 until stored
  std::string name;
  std::string label;
  Category category = Category::Training;
  SampleKind kind = SampleKind::TimeSeries;

  // Time series: values[frame * axes + axis].
  double interval_ms = 0;
  std::vector<Sensor> sensors;
  std::vector<float> values;

  // Image: pixels[(y * width + x) * channels + c], channels 1 (gray) or 3 (RGB).
  uint32_t width = 0, height = 0, channels = 0;
  std::vector<uint8_t> pixels;

  std::string device_name;
  std::string device_type;
  std::string hash;        // content hash, see content_hash()
  std::string created_at;  // ISO 8601 UTC, set by the store
  nlohmann::json provenance = nlohmann::json::object();  // source file, importer, signature state

  size_t axes() const { return sensors.size(); }
  uint64_t stored_frames = 0;  // frame count as stored, for samples listed without their data

  size_t frames() const {
    if (sensors.empty()) return 0;
    return values.empty() ? static_cast<size_t>(stored_frames) : values.size() / sensors.size();
  }
  double length_ms() const { return kind == SampleKind::TimeSeries ? frames() * interval_ms : 0.0; }
};

// SHA-256 over the data and its shape (not name, label or category): equal recordings hash equal.
std::string content_hash(const Sample& s);

// Checks shape and values (finite, arity) and throws mote::Error naming `where` on the first problem.
void validate_sample(const Sample& s, const std::string& where);

}  // namespace mote

namespace mote {

// Metadata as JSON (no values): what `mote samples --json` and the HTTP API list.
nlohmann::json sample_summary_json(const Sample& s);

}  // namespace mote
