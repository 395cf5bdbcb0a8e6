#include "tune/space.h"

#include <algorithm>
#include <cmath>
#include <random>

using nlohmann::json;

namespace mote::tune {

namespace {

// Deterministic on every platform (std::uniform_int_distribution is not specified bit for bit).
struct Draw {
  std::mt19937_64 rng;
  size_t below(size_t n) { return n ? static_cast<size_t>(rng() % n) : 0; }
  template <class T>
  T pick(const std::vector<T>& v) { return v[below(v.size())]; }
  bool coin() { return rng() & 1; }
};

// A stack of `depth` convolution blocks (conv + max pool, widths doubling from `width`), then flatten.
json conv_stack(const std::string& conv, int depth, int width, bool dropout) {
  json layers = json::array();
  for (int i = 0; i < depth; ++i) {
    layers.push_back({{"type", conv}, {"filters", width << i}, {"kernel", 3}, {"padding", "same"}});
    layers.push_back({{"type", "max_pool"}, {"pool", 2}});
    if (dropout) layers.push_back({{"type", "dropout"}, {"rate", 0.25}});
  }
  layers.push_back({{"type", "flatten"}});
  return layers;
}

// `depth` dense layers, widths halving from `width` (at least 4).
json dense_stack(int depth, int width, bool dropout, bool flatten_first) {
  json layers = json::array();
  if (flatten_first) layers.push_back({{"type", "flatten"}});
  for (int i = 0; i < depth; ++i) {
    layers.push_back({{"type", "dense"}, {"units", std::max(4, width >> i)}});
    if (dropout && i + 1 < depth) layers.push_back({{"type", "dropout"}, {"rate", 0.2}});
  }
  return layers;
}

json flatten_block() { return {{"name", "flatten"}, {"type", "flatten"}, {"params", json::object()}}; }

// Powers of two from lo to hi that fit in a window of `frames`.
std::vector<int> fft_lengths(int lo, int hi, double frames) {
  std::vector<int> out;
  for (int n = lo; n <= hi && n <= frames; n *= 2) out.push_back(n);
  return out;
}

json time_series_dsp(const DataFacts& f, double window_ms, Draw& d, std::string* kind) {
  const double frames = window_ms * f.frequency_hz / 1000.0;
  if (f.frequency_hz >= 4000 && f.axes <= 1) {  // audio: frames of 20-32 ms; cepstra, filterbank energies or the spectrogram
    *kind = "audio";
    const std::string type = d.pick<std::string>({"mfcc", "mfcc", "mfe", "spectrogram"});
    json p = {{"frame_length_s", d.pick<double>({0.02, 0.025, 0.032})}, {"frame_stride_s", d.pick<double>({0.01, 0.016, 0.02})}};
    if (type == "mfcc") p["num_cepstral"] = d.pick<int>({10, 13, 16}), p["num_filters"] = d.pick<int>({32, 40});
    if (type == "mfe") p["num_filters"] = d.pick<int>({32, 40, 48});
    return {{"name", type}, {"type", type}, {"params", p}};
  }
  *kind = "flat";
  if (d.below(4) == 0) return flatten_block();
  // Several axes at kHz rates are vibration, not sound (the audio blocks read one axis): finer spectra.
  const std::vector<int> ffts = f.frequency_hz >= 4000 ? fft_lengths(64, 1024, frames) : fft_lengths(16, 256, frames);
  if (ffts.empty()) return flatten_block();
  const int fft = d.pick(ffts);
  json p = {{"fft_length", fft}, {"take_log", d.below(4) != 0}};
  if (d.coin()) p["spectral_bands"] = std::min(fft / 2, d.pick<int>({4, 8, 16}));
  if (d.below(3) == 0) p["filter_type"] = "low", p["filter_cutoff_hz"] = f.frequency_hz / 2 * d.pick<double>({0.25, 0.5});
  return {{"name", "spectral"}, {"type", "spectral"}, {"params", p}};
}

// An anomaly-only impulse (vibration, machine sound): the spectrum at a fine resolution is what separates a
// worn bearing from a good one; FFT 64-1024 within the window, 0/8/16/32 bands, log mostly.
json anomaly_dsp(double window_ms, double frequency_hz, Draw& d) {
  const std::vector<int> ffts = fft_lengths(64, 1024, window_ms * frequency_hz / 1000.0);
  if (ffts.empty()) return flatten_block();
  const int fft = d.pick(ffts);
  json p = {{"fft_length", fft}, {"take_log", d.below(4) != 0}};
  const int bands = d.pick<int>({0, 8, 16, 32});
  if (bands) p["spectral_bands"] = std::min(fft / 2, bands);
  return {{"name", "spectral"}, {"type", "spectral"}, {"params", p}};
}

// Training-time augmentation (src/learn/network: per-batch noise, gain, time shift): it buys robustness to
// recordings unlike the training ones, which a validation split of the same recordings cannot measure.
json augmentation(const std::string& kind, const std::string& dsp, size_t axes, Draw& d) {
  if (kind == "flat" && axes % 3 == 0 && d.below(3) == 0)  // motion in (x, y, z) triples: the device held another way
    return d.pick<json>({{{"rotate", 15}, {"rotate_copies", 2}}, {{"rotate", 30}, {"rotate_copies", 2}, {"noise", 0.1}}});
  if (kind == "audio") {
    json a = d.pick<json>({json::object(), {{"noise", 0.1}, {"shift", 2}}, {{"noise", 0.2}, {"shift", 4}}, {{"noise", 0.1}, {"scale", 0.2}, {"shift", 2}}});
    if (dsp != "mfcc" && d.coin()) a["warp"] = d.pick<double>({0.1, 0.2});  // filterbank bands: another speaker's formants
    if (d.coin()) a["speed"] = 0.1;  // copies at 0.9x and 1.1x speed: another speaker's tempo and pitch
    return a;
  }
  if (kind == "image") return d.pick<json>({json::object(), {{"shift", 2}}, {{"shift", 4}, {"noise", 0.05}}});
  return d.pick<json>({json::object(), {{"noise", 0.1}}, {{"scale", 0.2}}, {{"noise", 0.2}, {"scale", 0.1}}});
}

// The project's impulse at longer windows, and with each axis's statistics beside a spectrum: the first
// bracket's candidates. The window decided most on real data (HAPT: the suggestion at 4-8 s 93-94 % of unseen
// volunteers' segments against 86 % at 2 s), so the search measures it before it draws at random.
std::vector<json> neighbours(const ImpulseSpec& base, const json& base_json, const DataFacts& f) {
  std::vector<json> out;
  bool network = false;
  for (const auto& b : base.learn) network = network || b.type == "classifier" || b.type == "regression";
  if (f.type != InputType::TimeSeries || !network || base.dsp.empty() || f.frequency_hz <= 0) return out;
  const double frame_ms = 1000.0 / f.frequency_hz, ratio = base.input.stride_ms / std::max(1e-9, base.input.window_ms);
  const bool spectral = base.dsp.size() == 1 && base.dsp[0].type == "spectral";
  for (const bool stats : {false, true}) {
    if (stats && !spectral) break;
    for (const double times : {1.0, 2.0, 3.0, 4.0}) {
      if (!stats && times == 1.0) continue;  // the base itself
      double window = base.input.window_ms * times;
      if (f.median_length_ms > 0) window = std::min(window, std::max(base.input.window_ms, f.median_length_ms));
      window = std::round(window / frame_ms) * frame_ms;
      json c = base_json;
      c["input"]["window_ms"] = window;
      c["input"]["stride_ms"] = std::max(frame_ms, std::round(window * ratio / frame_ms) * frame_ms);
      if (stats) {
        c["dsp"].push_back({{"name", "stats"}, {"type", "flatten"}, {"params", json::object()}});
        for (auto& l : c["learn"])
          if (l["type"] == "classifier" || l["type"] == "regression") l["dsp"].push_back("stats");
      }
      if (std::find(out.begin(), out.end(), c) == out.end() && c != base_json) out.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace

std::vector<json> sample_candidates(const ImpulseSpec& base, const DataFacts& f, size_t n, uint64_t seed) {
  std::vector<json> out;
  const json base_json = impulse_to_json(base);
  if (n == 0) return out;
  out.push_back(base_json);
  for (auto& c : neighbours(base, base_json, f))
    if (out.size() < n) out.push_back(std::move(c));
  Draw d{std::mt19937_64(seed)};
  const BlockSpec* nn = nullptr;
  for (const auto& b : base.learn)
    if (b.type == "classifier" || b.type == "regression") nn = &b;
  // A small space (an image project: few sizes and layers) holds fewer distinct candidates than asked for:
  // stop once 1000 draws in a row brought nothing new.
  for (size_t stale = 0; out.size() < n && stale < 1000;) {
    json c = base_json;
    std::string kind = "flat";
    json dsp;
    if (f.type == InputType::TimeSeries) {
      const double frame_ms = 1000.0 / std::max(1e-9, f.frequency_hz);
      // Up to 4x the suggestion: HAPT's postural transitions were told apart best by 4-8 s windows (suggested: 2 s).
      double window = base.input.window_ms * d.pick<double>({0.5, 0.75, 1.0, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0});
      if (f.median_length_ms > 0) window = std::min(window, std::max(base.input.window_ms, f.median_length_ms));
      window = std::max(window, 16 * frame_ms);
      window = std::round(window / frame_ms) * frame_ms;
      c["input"]["window_ms"] = window;
      c["input"]["stride_ms"] = std::max(frame_ms, std::round(window * d.pick<double>({0.1, 0.25, 0.5}) / frame_ms) * frame_ms);
      dsp = nn ? time_series_dsp(f, window, d, &kind) : anomaly_dsp(window, f.frequency_hz, d);
    } else {  // images: size and colour; the image block as the base has it
      kind = "image";
      const int side = d.pick<int>({32, 48, 64, 96});
      c["input"]["width"] = std::min<int>(side, static_cast<int>(base.input.width));
      c["input"]["height"] = std::min<int>(side, static_cast<int>(base.input.height));
      c["input"]["color"] = d.pick<std::string>({"grayscale", "rgb"});
      dsp = base_json["dsp"].empty() ? json{{"name", "image"}, {"type", "image"}, {"params", json::object()}} : base_json["dsp"][0];
    }
    c["dsp"] = json::array({dsp});
    for (auto& l : c["learn"]) l["dsp"] = json::array({dsp["name"]});
    if (nn && kind == "flat" && d.below(4) == 0) {  // a tree ensemble over the same features (src/learn/trees)
      const bool forest = d.coin();
      json p = {{"task", f.regression ? "regression" : "classification"}, {"trees", forest ? d.pick<int>({10, 30, 60}) : d.pick<int>({20, 50, 100})},
                {"max_depth", forest ? d.pick<int>({6, 8, 10}) : d.pick<int>({2, 3, 4})}};
      if (!forest) p["learning_rate"] = d.pick<double>({0.05, 0.1, 0.2});
      for (auto& l : c["learn"])
        if (l["name"] == nn->name) l = {{"name", nn->name}, {"type", forest ? "random_forest" : "gradient_boosting"}, {"dsp", l["dsp"]}, {"params", p}};
    }
    if (kind == "flat" && dsp["type"] == "spectral" && d.coin()) {  // the spectrum plus each axis's statistics (mean: posture)
      c["dsp"].push_back({{"name", "stats"}, {"type", "flatten"}, {"params", json::object()}});
      if (nn)
        for (auto& l : c["learn"])
          if (l["name"] == nn->name) l["dsp"].push_back("stats");
    }
    if (nn) {
      json layers;
      int long_shift = 0;  // audio with an average over time: shifts of up to a third of the window
      const int depth = 1 + static_cast<int>(d.below(3));
      const bool dropout = d.coin();
      if (kind == "audio" && !f.regression && d.below(4) != 0) {
        // 1-D over frames (coefficients as channels) as most keyword models; 2-D over frames x bands, where a
        // formant moved by another voice is a shifted pattern a 2-D kernel still matches.
        const std::string conv = d.pick<std::string>({"conv1d", "conv1d", "separable_conv1d", "conv2d"});
        layers = conv_stack(conv, depth, conv == "conv2d" ? d.pick<int>({8, 16}) : d.pick<int>({8, 16, 32}), dropout);
        // Mostly one average over time before the head (the suggestion's): a word is then recognised wherever
        // it sits in the window; with it, shifts of up to a third of the frames teach exactly that.
        if (d.below(4) != 0) {
          layers.back() = {{"type", "global_avg_pool"}};
          if (d.below(3) != 0) layers.push_back({{"type", "dense"}, {"units", d.pick<int>({16, 32})}});
          const double frames = c["input"]["window_ms"].get<double>() / 1000.0 / dsp["params"].value("frame_stride_s", 0.02);
          if (d.coin()) long_shift = std::max(2, static_cast<int>(frames / 3));
        }
      }
      else if (kind == "image" && !f.regression) {
        layers = conv_stack(d.coin() ? "conv2d" : "separable_conv2d", std::min(depth + 1, 3), d.pick<int>({8, 16}), dropout);
        // Mostly one average per channel before the head (the suggestion's): a flatten head memorises where
        // things sat in the training images.
        if (d.below(4) != 0) {
          layers.back() = {{"type", "global_avg_pool"}};
          if (d.below(3) != 0) layers.push_back({{"type", "dense"}, {"units", d.pick<int>({16, 32})}});
        }
      }
      else
        layers = dense_stack(depth, d.pick<int>({8, 16, 32, 64}), dropout, kind != "flat");
      for (auto& l : c["learn"])
        if (l["name"] == nn->name && (l["type"] == "classifier" || l["type"] == "regression")) {
          json& p = l["params"];
          if (!p.is_object()) p = json::object();
          p["layers"] = layers;
          p["learning_rate"] = d.pick<double>({0.0005, 0.001, 0.002, 0.005});
          p["augment"] = augmentation(kind, dsp["type"].get<std::string>(), f.axes, d);
          if (long_shift) p["augment"]["shift"] = long_shift;
          p.erase("imported");
        }
    }
    for (auto& l : c["learn"]) {  // anomaly blocks: their size (the learning block of an anomaly-only impulse)
      if (nn) break;  // beside a network the anomaly block is kept as the project has it
      json& p = l["params"];
      if (!p.is_object()) p = json::object();
      if (l["type"] == "kmeans") p["clusters"] = d.pick<int>({4, 8, 16, 32});
      if (l["type"] == "gmm") p["components"] = d.pick<int>({2, 4, 8});
    }
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(std::move(c)), stale = 0;
    else ++stale;
  }
  return out;
}

std::string describe(const json& impulse) {
  std::string s;
  const json& in = impulse["input"];
  if (in.value("type", "time-series") == "image")
    s += std::to_string(in.value("width", 0)) + "x" + std::to_string(in.value("height", 0)) + " " + in.value("color", "rgb");
  else
    s += "win " + std::to_string(static_cast<int>(in.value("window_ms", 0.0))) + "/" + std::to_string(static_cast<int>(in.value("stride_ms", 0.0))) + " ms";
  for (const auto& b : impulse["dsp"]) {
    s += " | " + b.value("type", "");
    const json& p = b.value("params", json::object());
    if (p.contains("fft_length")) s += " fft" + std::to_string(p["fft_length"].get<int>());
    if (p.value("take_log", true) == false) s += " lin";
    if (p.value("spectral_bands", 0) > 0) s += " bands" + std::to_string(p["spectral_bands"].get<int>());
    if (p.contains("filter_type") && p["filter_type"] != "none") s += " lp";
    if (p.contains("num_cepstral")) s += " c" + std::to_string(p["num_cepstral"].get<int>());
    if (p.contains("num_filters")) s += " f" + std::to_string(p["num_filters"].get<int>());
    if (p.contains("frame_length_s")) s += " " + std::to_string(static_cast<int>(std::lround(1000 * p["frame_length_s"].get<double>()))) + "ms";
  }
  for (const auto& b : impulse["learn"]) {
    const json& ap = b.contains("params") && b["params"].is_object() ? b["params"] : json::object();
    if (b.value("type", "") == "kmeans" && ap.contains("clusters")) s += " | kmeans " + std::to_string(ap["clusters"].get<int>());
    if (b.value("type", "") == "gmm" && ap.contains("components")) s += " | gmm " + std::to_string(ap["components"].get<int>());
    if (b.value("type", "") == "random_forest" || b.value("type", "") == "gradient_boosting") {
      s += std::string(b["type"] == "random_forest" ? " | forest " : " | boosting ") + std::to_string(ap.value("trees", 0)) + "x" +
           std::to_string(ap.value("max_depth", 0));
      continue;
    }
    if (b.value("type", "") != "classifier" && b.value("type", "") != "regression") continue;
    const json& p = b.value("params", json::object());
    if (!p.contains("layers")) {
      s += " | default net";
      continue;
    }
    std::string net;
    for (const auto& l : p["layers"]) {
      const std::string t = l.value("type", "");
      if (t == "dense") net += (net.empty() ? "dense " : "-") + std::to_string(l.value("units", 0));
      if (t.find("conv") != std::string::npos)
        net += (net.empty() ? (t.find("separable") != std::string::npos ? "sep " : "conv ") : "-") + std::to_string(l.value("filters", 0));
    }
    s += " | " + net;
    if (p.contains("learning_rate")) {
      char buf[32];
      std::snprintf(buf, sizeof buf, " lr %g", p["learning_rate"].get<double>());
      s += buf;
    }
    if (p.contains("augment") && !p["augment"].empty()) {
      std::string a;
      for (const auto& [k, v] : p["augment"].items()) a += (a.empty() ? "" : ",") + k + (v.is_boolean() ? "" : " " + v.dump());
      s += " aug " + a;
    }
  }
  return s;
}

}  // namespace mote::tune
