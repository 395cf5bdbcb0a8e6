#include "impulse/spec.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/crypto.h"
#include "core/error.h"
#include "impulse/blocks/params.h"

using nlohmann::json;

namespace mote {

namespace {


std::string choice(const json& obj, const char* key, const std::string& fallback, const std::string& where,
                   std::initializer_list<const char*> allowed) {
  if (!obj.contains(key)) return fallback;
  if (!obj[key].is_string()) throw error_at(where + "." + key, "must be a string");
  std::string v = obj[key].get<std::string>();
  std::string list;
  for (const char* a : allowed) {
    if (v == a) return v;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  throw error_at(where + "." + key, "'" + v + "' is not one of " + list);
}

std::vector<std::string> strings(const json& obj, const char* key, const std::string& where) {
  std::vector<std::string> out;
  if (!obj.contains(key)) return out;
  if (!obj[key].is_array()) throw error_at(where + "." + key, "must be a list of names");
  for (auto& v : obj[key]) {
    if (!v.is_string()) throw error_at(where + "." + key, "must be a list of names");
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::vector<BlockSpec> block_list(const json& j, const char* key, const char* inputs_key) {
  std::vector<BlockSpec> out;
  if (!j.contains(key)) return out;
  std::string where = std::string("impulse.") + key;
  if (!j[key].is_array()) throw error_at(where, "must be a list of blocks");
  std::set<std::string> names;
  for (size_t i = 0; i < j[key].size(); ++i) {
    const json& b = j[key][i];
    std::string at = where + "[" + std::to_string(i) + "]";
    if (!b.is_object()) throw error_at(at, "must be an object {name, type, ...}");
    BlockSpec s;
    if (!b.contains("type") || !b["type"].is_string()) throw error_at(at + ".type", "missing; name the block type");
    s.type = b["type"].get<std::string>();
    s.name = b.contains("name") && b["name"].is_string() ? b["name"].get<std::string>() : s.type;
    if (!names.insert(s.name).second) throw error_at(at + ".name", "'" + s.name + "' is used twice; block names must be unique");
    s.inputs = strings(b, inputs_key, at);
    if (b.contains("params") && !b["params"].is_null()) {
      if (!b["params"].is_object()) throw error_at(at + ".params", "must be an object");
      s.params = b["params"];
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

size_t InputSpec::window_frames() const { return static_cast<size_t>(std::lround(window_ms * frequency_hz / 1000.0)); }
size_t InputSpec::stride_frames() const {
  return std::max<size_t>(1, static_cast<size_t>(std::lround(stride_ms * frequency_hz / 1000.0)));
}

namespace blocks {

const BlockSchema& time_series_input_schema() {
  static const BlockSchema s{
      "time-series", "input", "windows cut from each sample's axes, resampled to one rate",
      {{.name = "frequency_hz", .type = ParamType::Number, .lo = 0.001, .hi = 1e6, .fallback = 62.5, .unit = "Hz",
        .help = "sampling rate the windows are resampled to (samples recorded at another rate are resampled)"},
       {.name = "window_ms", .type = ParamType::Number, .lo = 1, .hi = 3600e3, .fallback = 2000, .unit = "ms",
        .help = "length of one window: what the model sees at once", .rule = "holds at least one frame at frequency_hz"},
       {.name = "stride_ms", .type = ParamType::Number, .lo = 1, .hi = 3600e3, .unit = "ms",
        .help = "step between windows (training data augmentation and continuous classification)",
        .depends = "a quarter of window_ms"},
       {.name = "zero_pad", .type = ParamType::Flag, .fallback = true,
        .help = "keep samples shorter than a window, padded with zeros (else they are dropped)"},
       {.name = "axes", .type = ParamType::Names, .fallback = json::array(),
        .help = "sensor names taken from each sample, in this order (empty: every axis of the first sample)"}}};
  return s;
}

const BlockSchema& image_input_schema() {
  static const BlockSchema s{
      "image", "input", "one image per sample, resized for the image block",
      {{.name = "width", .type = ParamType::Integer, .lo = 1, .hi = 4096, .fallback = 96, .unit = "px", .help = "width after resizing"},
       {.name = "height", .type = ParamType::Integer, .lo = 1, .hi = 4096, .fallback = 96, .unit = "px", .help = "height after resizing"},
       {.name = "resize", .type = ParamType::Choice, .fallback = "squash",
        .help = "squash: stretch to fit; fit-shortest: crop the longer side; fit-longest: pad the shorter side",
        .choices = {"squash", "fit-shortest", "fit-longest"}},
       {.name = "color", .type = ParamType::Choice, .fallback = "rgb", .help = "colour depth the model reads",
        .choices = {"rgb", "grayscale"}}}};
  return s;
}

}  // namespace blocks

ImpulseSpec parse_impulse(const json& j) {
  if (!j.is_object()) throw error_at("impulse", "must be an object {input, dsp, learn}");
  ImpulseSpec spec;
  if (!j.contains("input") || !j["input"].is_object()) throw error_at("impulse.input", "missing; describe the input block");
  const json& in = j["input"];
  const std::string w = "impulse.input";
  std::string type = choice(in, "type", "time-series", w, {"time-series", "image"});
  InputSpec& i = spec.input;
  if (type == "time-series") {
    blocks::Params p(in, w, blocks::time_series_input_schema(), ".");
    i.type = InputType::TimeSeries;
    i.frequency_hz = p.number("frequency_hz");
    i.window_ms = p.number("window_ms");
    i.stride_ms = p.number("stride_ms", i.window_ms / 4);
    i.zero_pad = p.flag("zero_pad");
    i.axes = p.names("axes");
    if (i.window_frames() < 1) throw error_at(w + ".window_ms", "holds no frame at frequency_hz; make it longer");
  } else {
    blocks::Params p(in, w, blocks::image_input_schema(), ".");
    i.type = InputType::Image;
    i.width = static_cast<uint32_t>(p.integer("width"));
    i.height = static_cast<uint32_t>(p.integer("height"));
    i.resize = p.choice("resize");
    i.color = p.choice("color");
  }
  spec.dsp = block_list(j, "dsp", "axes");
  spec.learn = block_list(j, "learn", "dsp");
  std::set<std::string> dsp_names;
  for (auto& b : spec.dsp) dsp_names.insert(b.name);
  for (size_t k = 0; k < spec.learn.size(); ++k) {
    auto& b = spec.learn[k];
    if (b.inputs.empty()) b.inputs.assign(dsp_names.begin(), dsp_names.end());
    for (auto& name : b.inputs)
      if (!dsp_names.count(name))
        throw error_at("impulse.learn[" + std::to_string(k) + "].dsp", "'" + name + "' is not a DSP block of this impulse");
  }
  for (size_t k = 0; k < spec.dsp.size(); ++k)
    for (auto& axis : spec.dsp[k].inputs)
      if (!i.axes.empty() && std::find(i.axes.begin(), i.axes.end(), axis) == i.axes.end())
        throw error_at("impulse.dsp[" + std::to_string(k) + "].axes", "'" + axis + "' is not among impulse.input.axes");
  return spec;
}

json impulse_to_json(const ImpulseSpec& spec) {
  const InputSpec& i = spec.input;
  json in;
  if (i.type == InputType::TimeSeries) {
    in = {{"type", "time-series"}, {"window_ms", i.window_ms}, {"stride_ms", i.stride_ms},
          {"frequency_hz", i.frequency_hz}, {"zero_pad", i.zero_pad}, {"axes", i.axes}};
  } else {
    in = {{"type", "image"}, {"width", i.width}, {"height", i.height}, {"resize", i.resize}, {"color", i.color}};
  }
  auto list = [](const std::vector<BlockSpec>& bs, const char* inputs_key) {
    json a = json::array();
    for (auto& b : bs)
      a.push_back({{"name", b.name}, {"type", b.type}, {inputs_key, b.inputs},
                   {"params", b.params.is_null() ? json::object() : b.params}});
    return a;
  };
  return {{"input", in}, {"dsp", list(spec.dsp, "axes")}, {"learn", list(spec.learn, "dsp")}};
}

std::string features_hash(const ImpulseSpec& spec) {
  json j = impulse_to_json(spec);
  j.erase("learn");
  return sha256_hex(j.dump());
}

}  // namespace mote
