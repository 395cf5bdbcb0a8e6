// The impulse designer's endpoints: every block's parameter schema (the studio's forms), and the DSP preview:
// one window of one sample through an unsaved impulse, with each block's output, shape and device cost.
#include <chrono>
#include <cmath>

#include "core/error.h"
#include "impulse/blocks/params.h"
#include "impulse/dsp_tables.h"
#include "impulse/features.h"
#include "impulse/window.h"
#include "learn/pipeline.h"
#include "serve/http.h"
#include "tune/estimate.h"

using nlohmann::json;

namespace mote::serve {

namespace {

// Float32 little-endian bytes as base64: exact and a third the size of the same numbers in JSON.
std::string base64_f32(const float* v, size_t n) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto* b = reinterpret_cast<const unsigned char*>(v);
  const size_t len = n * sizeof(float);
  std::string out;
  out.reserve((len + 2) / 3 * 4);
  for (size_t i = 0; i < len; i += 3) {
    uint32_t w = static_cast<uint32_t>(b[i]) << 16 | (i + 1 < len ? b[i + 1] << 8 : 0) | (i + 2 < len ? b[i + 2] : 0);
    out += k[w >> 18 & 63];
    out += k[w >> 12 & 63];
    out += i + 1 < len ? k[w >> 6 & 63] : '=';
    out += i + 2 < len ? k[w & 63] : '=';
  }
  return out;
}

// How the studio draws a block's output: spectral (per axis statistics, spectrum, peaks), image (frames x
// coefficients), stats (flatten), series (raw), pixels (image block).
json layout(const BlockSpec& b, const DspBlock& block, const InputSpec& in, const std::vector<std::string>& axes) {
  const json& p = block.params();
  const auto shape = block.output_shape();
  if (b.type == "spectral") {
    const uint32_t n = p["fft_length"].get<uint32_t>(), bands = p["spectral_bands"].get<uint32_t>();
    json freqs = json::array();
    const double hz = in.frequency_hz / n;
    if (bands == 0) {
      for (uint32_t i = 1; i <= n / 2; ++i) freqs.push_back(i * hz);
    } else {
      auto e = log_band_edges(n, bands);
      for (uint32_t k = 0; k < bands; ++k) freqs.push_back(0.5 * (e[k] + e[k + 1] - 1) * hz);
    }
    return {{"kind", "spectral"}, {"axes", axes}, {"stats", {"rms", "skewness", "kurtosis"}}, {"frequencies_hz", freqs},
            {"peaks", p["peaks"]}, {"log", p["take_log"]}};
  }
  if (b.type == "flatten") return {{"kind", "stats"}, {"axes", axes}, {"stats", p["stats"]}};
  if (b.type == "raw") return {{"kind", "series"}, {"axes", axes}};
  if (b.type == "image") return {{"kind", "pixels"}, {"height", shape[0]}, {"width", shape[1]}, {"channels", shape[2]}};
  // mfcc, mfe, spectrogram: frames x coefficients
  return {{"kind", "image"}, {"rows", shape[0]}, {"cols", shape.size() > 1 ? shape[1] : 1}, {"row_step_s", p.value("frame_stride_s", 0.0)}};
}

// DSP instructions per window on a Cortex-M4 from the tuner's calibrated cost table; null when the block
// has no device form yet.
json dsp_instructions(const ImpulseSpec& spec, size_t block, size_t axes) {
  try {
    ImpulseSpec one = spec;
    one.dsp = {spec.dsp[block]};
    one.learn.clear();
    Impulse single(one, axes);
    return tune::estimate_impulse(single, nullptr, 0, 0).dsp_instructions;
  } catch (const std::exception&) {
    return nullptr;
  }
}

json preview(Project& p, const json& body) {
  const auto t0 = std::chrono::steady_clock::now();
  Sample s;
  try {
    s = p.store().get(body["sample_id"].get<int64_t>());
  } catch (const Error& e) {
    throw HttpError{404, e.what()};
  }
  ImpulseSpec spec = parse_impulse(body["impulse"]);
  const InputSpec& in = spec.input;
  json out = {{"sample", {{"id", s.id}, {"name", s.name}, {"label", s.label}, {"kind", kind_name(s.kind)}}}};
  std::vector<float> features;
  std::vector<std::string> axis_names;
  size_t axes = 0;
  std::unique_ptr<Impulse> impulse;
  if (in.type == InputType::Image) {
    if (s.kind != SampleKind::Image) throw error_at("sample_id", "sample " + std::to_string(s.id) + " is not an image; choose an image sample");
    impulse = std::make_unique<Impulse>(spec, 0);
    features.resize(impulse->width());
    BlockInput bi;
    bi.image = &s;
    impulse->run(bi, features.data());
    out["window"] = {{"image", "/api/samples/" + std::to_string(s.id) + "/image.png"}, {"width", s.width}, {"height", s.height}};
  } else {
    size_t frames = 0;
    std::vector<float> signal = input_signal(s, in, &frames);
    axes = frames ? signal.size() / frames : (in.axes.empty() ? s.axes() : in.axes.size());
    if (in.axes.empty())
      for (auto& x : s.sensors) axis_names.push_back(x.name);
    else
      axis_names = in.axes;
    impulse = std::make_unique<Impulse>(spec, axes);
    // Window positions as features generation cuts them; the one asked for (start_ms) is the nearest.
    const size_t wf = in.window_frames(), sf = in.stride_frames();
    const size_t count = frames >= wf ? (frames - wf) / sf + 1 : (in.zero_pad ? 1 : 0);
    if (count == 0)
      throw error_at("sample_id", "sample " + std::to_string(s.id) + " is shorter than one window and impulse.input.zero_pad is false");
    const double asked = body.value("start_ms", 0.0);
    size_t k = static_cast<size_t>(std::llround(std::max(0.0, asked) * in.frequency_hz / 1000.0 / static_cast<double>(sf)));
    k = std::min(k, count - 1);
    const size_t start = k * sf, take = std::min(wf, frames - start);
    std::vector<float> window(wf * axes, 0.0f);
    std::copy(signal.begin() + static_cast<long>(start * axes), signal.begin() + static_cast<long>((start + take) * axes), window.begin());
    features.resize(impulse->width());
    BlockInput bi;
    bi.window = window.data();
    bi.frames = wf;
    bi.axes = axes;
    impulse->run(bi, features.data());
    out["window"] = {{"start_ms", start * 1000.0 / in.frequency_hz}, {"index", k}, {"count", count},
                     {"stride_ms", sf * 1000.0 / in.frequency_hz}, {"sample_ms", frames * 1000.0 / in.frequency_hz},
                     {"frames", wf}, {"axes", axis_names}, {"frequency_hz", in.frequency_hz},
                     {"values_f32", base64_f32(window.data(), window.size())}};
  }
  const auto t1 = std::chrono::steady_clock::now();
  json blocks = json::array();
  for (size_t i = 0; i < impulse->blocks().size(); ++i) {
    const DspBlock& b = *impulse->blocks()[i];
    const BlockSpec& bs = impulse->spec().dsp[i];
    std::vector<std::string> names;
    for (size_t c : impulse->block_axes(i)) names.push_back(c < axis_names.size() ? axis_names[c] : "axis " + std::to_string(c));
    blocks.push_back({{"name", bs.name}, {"type", bs.type}, {"params", bs.params}, {"shape", b.output_shape()},
                      {"features", b.output_size()}, {"values_f32", base64_f32(features.data() + impulse->offset(i), b.output_size())},
                      {"layout", layout(bs, b, in, names)}, {"ram_bytes", b.ram_bytes()}, {"scratch_bytes", b.scratch_bytes()},
                      {"output_bytes", b.output_bytes()}, {"flash_bytes", b.flash_bytes()},
                      {"dsp_instructions", dsp_instructions(impulse->spec(), i, axes)}});
  }
  out["blocks"] = blocks;
  out["features_per_window"] = impulse->width();
  out["compute_ms"] = std::chrono::duration<double, std::milli>(t1 - t0).count();
  out["total_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace

void add_impulse_routes(std::vector<Route>& r) {
  r.push_back({"GET", R"(/api/samples/(\d+)/windows)", "/api/samples/{id}/windows",
               "every window of a time-series sample as feature generation cuts it for the saved impulse (axes, rate, stride, "
               "padding): frames, axes, start_ms[], values_f32 (count x frames x axes, base64 float32); the studio runs the wasm on them",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 auto p = api.pool.acquire();
                 Sample s;
                 try {
                   s = p->store().get(path_id(req, 1));
                 } catch (const Error& e) {
                   throw HttpError{404, e.what()};
                 }
                 const ImpulseSpec spec = load_impulse(*p);
                 if (spec.input.type != InputType::TimeSeries || s.kind != SampleKind::TimeSeries)
                   throw HttpError{400, "sample " + std::to_string(s.id) + ": windows are cut from time-series samples for a time-series impulse"};
                 const Windows w = make_windows(s, spec.input);
                 reply_json(res, {{"sample", {{"id", s.id}, {"name", s.name}, {"label", s.label}, {"category", category_name(s.category)}}},
                                  {"count", w.count}, {"frames", w.frames}, {"axes", w.axes}, {"frequency_hz", spec.input.frequency_hz},
                                  {"window_ms", spec.input.window_ms}, {"stride_ms", spec.input.stride_ms}, {"start_ms", w.start_ms},
                                  {"values_f32", base64_f32(w.data.data(), w.data.size())}});
               }});
  r.push_back({"GET", "/api/blocks/schema", "/api/blocks/schema",
               "every block's parameters: type, range, default, unit, help, rules (input, dsp, learn)",
               [](Api&, const httplib::Request&, httplib::Response& res) {
                 json j = blocks::schemas_json();
                 j["learn"] = json::array();
                 for (const auto* s : learn::learn_schemas()) j["learn"].push_back(s->to_json());
                 reply_json(res, j);
               }});
  r.push_back({"POST", "/api/impulse/preview", "/api/impulse/preview",
               "{impulse, sample_id, start_ms}: one window through the DSP blocks of an unsaved impulse ({valid: false, error} when it does not validate)",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 json b = body_json(req);
                 if (!b.contains("impulse") || !b["impulse"].is_object()) throw HttpError{400, "impulse: missing; send {impulse, sample_id, start_ms}"};
                 if (!b.contains("sample_id") || !b["sample_id"].is_number_integer())
                   throw HttpError{400, "sample_id: missing; choose a sample (GET /api/samples)"};
                 auto p = api.pool.acquire();
                 // An impulse that does not validate is what a preview is for, not a failed request: 200 with
                 // {valid: false, error} naming the field (the studio puts it on that field).
                 try {
                   json out = preview(*p, b);
                   out["valid"] = true;
                   reply_json(res, out);
                 } catch (const Error& e) {
                   reply_json(res, {{"valid", false}, {"error", e.what()}});
                 }
               }});
}

}  // namespace mote::serve
