#include "impulse/suggest.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "core/error.h"
#include "impulse/features.h"

namespace mote {

// Global average pooling rather than a flatten head: where the object sits no longer matters, and the dense
// layer reads c values instead of h x w x c, which it memorised (bench/tune shapes: 44 % of held-out images
// with the flatten head, 95 % with this one).
nlohmann::json image_network_layers(size_t side, double dropout) {
  nlohmann::json layers = nlohmann::json::array();
  int stages = 0;
  for (size_t s = side; stages < 3 && s >= 8; s /= 2) ++stages;
  for (int i = 0; i < std::max(stages, 1); ++i) {
    layers.push_back({{"type", "conv2d"}, {"filters", 8 << i}, {"kernel", 3}, {"padding", "same"}});
    layers.push_back({{"type", "max_pool"}, {"pool", 2}});
  }
  layers.push_back({{"type", "global_avg_pool"}});
  if (dropout > 0) layers.push_back({{"type", "dropout"}, {"rate", dropout}});
  layers.push_back({{"type", "dense"}, {"units", 16}});
  return layers;
}

namespace {

using nlohmann::json;

template <typename... A>
std::string fmt(const char* f, A... a) {
  char buf[400];
  std::snprintf(buf, sizeof buf, f, a...);
  return buf;
}

// The q-quantile (0..1) of a non-empty list, nearest rank.
double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

size_t pow2_at_least(double n) {
  size_t p = 1;
  while (static_cast<double>(p) < n) p <<= 1;
  return p;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_number(const std::string& s, double* v) {
  if (s.empty()) return false;
  char* end = nullptr;
  *v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(*v);
}

// What the labels say: the classes, how many training samples each has, regression or not, and the
// labels only the testing set has (samples the classifier never sees: anomalies to detect).
struct Labels {
  std::map<std::string, size_t> training;  // label -> training samples
  bool regression = false;
  std::string regression_reason;
  std::vector<std::string> unseen;  // in testing, not in training
};

Labels read_labels(Store& store, const std::vector<Sample>& training) {
  Labels l;
  for (auto& s : training) ++l.training[s.label];
  // Numbers as labels are targets when they cannot be class ids: a fraction, or more than 20 values
  // (spoken digits 0-9 stay classes).
  std::set<double> values;
  bool numeric = !l.training.empty(), fraction = false;
  for (auto& [label, n] : l.training) {
    double v = 0;
    if (!is_number(label, &v)) numeric = false;
    else values.insert(v), fraction |= v != std::floor(v);
  }
  if (numeric && values.size() >= 2 && (fraction || values.size() > 20)) {
    l.regression = true;
    l.regression_reason = fmt("every label is a number (%zu values, %.4g to %.4g%s) -> regression: one output, the value",
                              values.size(), *values.begin(), *values.rbegin(), fraction ? ", with fractions" : "");
  }
  SampleFilter f;
  f.category = Category::Testing;
  std::set<std::string> seen;
  for (auto& s : store.list(f))
    if (!l.training.count(s.label) && seen.insert(s.label).second) l.unseen.push_back(s.label);
  return l;
}

// The learning blocks: a network sized by the classes, the features and the windows of the rarest label,
// and k-means beside it where the brief says so.
struct LearnFacts {
  std::string dsp;               // the (first) DSP block the learning blocks read
  std::vector<std::string> inputs;  // every DSP block they read (default: dsp)
  std::string family;            // dense | conv1d | conv2d
  size_t features = 0;           // per window
  size_t side = 0;               // images: the input's shorter side in pixels
  size_t frames = 0;             // audio: DSP frames per window
  size_t min_windows = 0;        // training windows of the rarest label
  std::string min_label;
  bool anomaly = false;          // add k-means
  std::string anomaly_reason;
};

// Audio and images: a k-means block only when the testing set has labels training lacks (something to flag).
void flag_unseen_labels(LearnFacts& f, const Labels& labels) {
  if (labels.unseen.empty()) return;
  f.anomaly = true;
  f.anomaly_reason = "the testing set has labels training lacks ('" + labels.unseen.front() + "') -> k-means anomaly detection to flag them";
}

void add_learning(Suggestion& s, const Labels& labels, const LearnFacts& f) {
  const size_t classes = labels.training.size();
  const std::vector<std::string> inputs = f.inputs.empty() ? std::vector<std::string>{f.dsp} : f.inputs;
  std::string names;
  for (auto& n : inputs) names += (names.empty() ? "" : " + ") + n;
  if (classes < 2 && !labels.regression) {
    s.spec.learn.push_back({"anomaly", "kmeans", inputs, {}});
    s.why.push_back(fmt("one label in training ('%s') -> no classifier (it needs two); k-means anomaly detection learns "
                        "what '%s' looks like and flags the rest", labels.training.begin()->first.c_str(),
                        labels.training.begin()->first.c_str()));
    return;
  }
  // Fewer windows per label -> a smaller network and more regularisation (it would memorise them).
  const bool tiny = f.min_windows < 30, small = f.min_windows < 100;
  json params = json::object(), layers = json::array();
  std::string net;
  if (f.family == "dense") {
    // About 5 units per class (EI's 20 -> 10 up to 4 classes), at most 64, and at most 16 k weights in the
    // first layer so that wide feature vectors stay a few kB of flash.
    size_t u1 = labels.regression ? 20 : std::clamp<size_t>(5 * classes, 20, 64);
    u1 = std::min(u1, std::max<size_t>(8, 16384 / std::max<size_t>(1, f.features)));
    if (tiny) u1 = std::max<size_t>(8, u1 / 2);
    size_t u2 = std::max<size_t>(4, u1 / 2);
    layers.push_back({{"type", "dense"}, {"units", u1}});
    if (small) layers.push_back({{"type", "dropout"}, {"rate", tiny ? 0.5 : 0.25}});
    layers.push_back({{"type", "dense"}, {"units", u2}});
    net = fmt("dense %zu -> %zu%s", u1, u2, small ? fmt(" with dropout %.2g", tiny ? 0.5 : 0.25).c_str() : "");
  } else if (f.family == "conv1d") {
    // Two conv + pool stages over time; the motion variant uses wider kernels and pools (a gesture spans
    // tens of frames), audio the 3-tap kernels over MFCC/MFE frames.
    const bool audio = f.dsp != "raw";
    const int k = audio ? 3 : 5, pool = audio ? 2 : 4;
    const int c1 = tiny && audio ? 8 : 16, c2 = 2 * c1;
    const double drop = tiny || !audio ? 0.5 : 0.25;
    json conv1 = {{"type", "conv1d"}, {"filters", c1}, {"kernel", k}, {"padding", "same"}};
    json conv2 = {{"type", "conv1d"}, {"filters", c2}, {"kernel", k}, {"padding", "same"}};
    json mp = {{"type", "max_pool"}, {"pool", pool}}, dr = {{"type", "dropout"}, {"rate", drop}};
    json bn = {{"type", "batch_norm"}};  // folded into the convolution: free on the device
    if (audio) {
      // A third stage and one average over time: a word is recognised wherever it sits in the window, as it
      // does in a continuous stream and in another speaker's recordings (FSDD leave-one-speaker-out: 74.5 %
      // with a flatten head, 77.5 % so).
      json conv3 = {{"type", "conv1d"}, {"filters", 2 * c2}, {"kernel", k}, {"padding", "same"}};
      layers = json::array({conv1, mp, dr, conv2, mp, dr, conv3, {{"type", "global_avg_pool"}}, {{"type", "dense"}, {"units", 32}}});
      const int shift = static_cast<int>(std::max<size_t>(2, f.frames / 3));
      // Copies replayed 10 % faster and slower: another speaker's tempo and pitch (FSDD leave-one-speaker-out
      // 78.1 -> 80.3 %, mean of two seeds).
      params["augment"] = {{"noise", 0.1}, {"shift", shift}, {"speed", 0.1}};
      net = fmt("1-D conv %d -> %d -> %d (kernel %d, pool %d, dropout %.2g), global average over time, dense 32, "
                "augmented with noise, shifts of up to %d frames and copies at 0.9x and 1.1x speed", c1, c2, 2 * c2, k, pool, drop, shift);
    } else {
      layers = json::array({conv1, bn, mp, conv2, bn, mp, {{"type", "flatten"}}, dr});
      net = fmt("1-D conv %d -> %d (kernel %d, pool %d, batch norm, dropout %.2g)", c1, c2, k, pool, drop);
    }
    if (!audio) {
      // Raw windows of one event: learn from jittered copies (noise, gain, a shift of a few frames).
      params["epochs"] = 100;
      params["learning_rate"] = 0.002;
      params["augment"] = {{"noise", 0.1}, {"scale", 0.1}, {"shift", 4}};
      net += ", 100 epochs, augmented with noise, gain and a 4-frame shift";
    }
  } else {
    const double drop = small ? 0.5 : 0.25;
    layers = image_network_layers(f.side, drop);
    std::string widths;
    for (auto& l : layers)
      if (l["type"] == "conv2d") widths += (widths.empty() ? "" : " -> ") + std::to_string(l["filters"].get<int>());
    net = fmt("2-D conv %s (pool 2 each), global average, dropout %.2g, dense 16", widths.c_str(), drop);
  }
  params["layers"] = layers;
  if (tiny) {
    // A handful of held-out windows measures noise: train on all of them for a fixed number of epochs.
    params["validation"] = 0;
    params["patience"] = 0;
    net += ", no validation split (fixed epochs)";
  }
  const std::string type = labels.regression ? "regression" : "classifier";
  s.spec.learn.push_back({type, type, inputs, params});
  if (labels.regression) s.why.push_back(labels.regression_reason);
  s.why.push_back(fmt("%zu %s features, %zu %s, the rarest label '%s' has %zu training windows -> %s %s", f.features,
                      names.c_str(), labels.regression ? size_t{1} : classes, labels.regression ? "output" : "classes",
                      f.min_label.c_str(), f.min_windows, net.c_str(), type.c_str()) +
                  (!small                    ? ""
                   : f.family == "conv1d" && f.dsp == "raw" ? " (few windows: dropout and augmentation)"
                   : tiny && f.family != "conv2d"          ? " (few windows: a small, regularised network)"
                                                           : " (under 100 windows: more dropout)"));
  if (f.anomaly) {
    s.spec.learn.push_back({"anomaly", "kmeans", inputs, {}});
    s.why.push_back(f.anomaly_reason);
  }
}

// --- images ----------------------------------------------------------------------------------------------


// RGB images whose channels agree on (nearly) every pixel are gray: looks at up to 16 of them.
bool rgb_looks_gray(Store& store, const std::vector<Sample>& samples) {
  size_t looked = 0;
  for (auto& x : samples) {
    if (x.kind != SampleKind::Image || x.channels != 3) continue;
    if (looked++ == 16) break;
    Sample img = store.get(x.id, true);
    size_t off = 0, n = img.pixels.size() / 3;
    for (size_t i = 0; i < n; ++i) {
      const uint8_t* p = &img.pixels[3 * i];
      if (std::abs(p[0] - p[1]) > 8 || std::abs(p[1] - p[2]) > 8) ++off;
    }
    if (off * 100 > n) return false;  // more than 1 % of the pixels carry colour
  }
  return looked > 0;
}

Suggestion images(Store& store, const std::vector<Sample>& samples, const Labels& labels) {
  Suggestion s;
  InputSpec& in = s.spec.input;
  in.type = InputType::Image;
  std::vector<double> ch, side;
  std::map<std::string, size_t> per_label;
  for (auto& x : samples)
    if (x.kind == SampleKind::Image) {
      ch.push_back(x.channels);
      side.push_back(std::min(x.width, x.height));
      ++per_label[x.label];
    }
  // Size: the largest common model size not above the images' shorter side (median), at most 96 (RAM);
  // smaller images keep their own size: upscaling adds pixels, not information.
  const double shorter = quantile(side, 0.5);
  uint32_t size = 0;
  for (uint32_t c : {32u, 48u, 64u, 96u})
    if (c <= shorter) size = c;
  if (size == 0) size = static_cast<uint32_t>(std::max(8.0, shorter));
  in.width = in.height = size;
  in.resize = "squash";
  s.why.push_back(fmt("most training samples are images, their shorter side %.0f px (median) -> %ux%u input, squashed "
                      "(%s)", shorter, size, size,
                      size == 96 && shorter > 96 ? "96 is the size of common small vision models; larger costs RAM"
                      : size < 32                ? "smaller than 32: kept, never upscaled"
                                                 : "the largest of 32/48/64/96 that does not upscale"));
  const bool rgb = quantile(ch, 0.5) >= 3;
  const bool gray_rgb = rgb && rgb_looks_gray(store, samples);
  in.color = rgb && !gray_rgb ? "rgb" : "grayscale";
  s.why.push_back(!rgb      ? std::string("the images are grayscale -> grayscale input")
                  : gray_rgb ? std::string("the images are stored as RGB but their channels are equal -> grayscale "
                                           "(a third of the input and the first layer)")
                             : std::string("the images are in colour -> RGB input"));
  s.spec.dsp.push_back({"image", "image", {}, {}});
  LearnFacts f;
  f.dsp = "image";
  f.family = "conv2d";
  f.features = size_t{size} * size * (in.color == "rgb" ? 3 : 1);
  f.side = size;
  f.min_windows = per_label.empty() ? 0 : SIZE_MAX;
  for (auto& [label, n] : per_label)
    if (n < f.min_windows) f.min_windows = n, f.min_label = label;
  flag_unseen_labels(f, labels);
  add_learning(s, labels, f);
  return s;
}

// --- time series -----------------------------------------------------------------------------------------

// Audio: the sensor says so (a WAV, a microphone), or one axis at a standard audio rate with no motion name.
bool looks_like_audio(const std::vector<Sensor>& sensors, size_t axes, double rate, std::string* why) {
  for (auto& sn : sensors) {
    std::string n = lower(sn.name + " " + sn.units);
    for (const char* w : {"audio", "mic", "sound", "wav", "voice"})
      if (n.find(w) != std::string::npos) return *why = "its sensor is named '" + sn.name + "'", true;
  }
  if (axes != 1 || rate < 8000) return false;
  std::string n = lower(sensors.empty() ? "" : sensors[0].name + " " + sensors[0].units);
  for (const char* w : {"acc", "vib", "gyr", "imu", "m/s"})
    if (n.find(w) != std::string::npos) return false;
  for (double r : {8000.0, 11025.0, 16000.0, 22050.0, 24000.0, 32000.0, 44100.0, 48000.0})
    if (std::fabs(rate - r) < 1) return *why = "one axis at a standard audio rate", true;
  return false;
}

struct Recording {
  std::string label;
  double rate, length_ms;
  size_t frames;
};

// Training windows per label for an input (zero-padded short recordings give one).
std::map<std::string, size_t> windows_per_label(const std::vector<Recording>& recs, const InputSpec& in) {
  std::map<std::string, size_t> n;
  const size_t wf = in.window_frames(), sf = std::max<size_t>(1, in.stride_frames());
  for (auto& r : recs) {
    size_t frames = std::fabs(r.rate - in.frequency_hz) <= 1e-3 * in.frequency_hz || r.frames == 0
                        ? r.frames
                        : static_cast<size_t>(std::floor(static_cast<double>(r.frames - 1) * in.frequency_hz / r.rate)) + 1;
    n[r.label] += frames >= wf ? (frames - wf) / sf + 1 : (in.zero_pad ? 1 : 0);
  }
  return n;
}

std::pair<std::string, size_t> rarest(const std::map<std::string, size_t>& n) {
  std::pair<std::string, size_t> r{"", SIZE_MAX};
  for (auto& [label, k] : n)
    if (k < r.second) r = {label, k};
  return r;
}

// Stride: `base` of the window (1/10 motion, 1/4 audio); finer (1/20, 1/40, down to one frame) while the
// rarest label has under 100 training windows, coarser (1/4, 1/2) while it would still have 1000.
std::string choose_stride(InputSpec& in, const std::vector<Recording>& recs, double base) {
  const double frame_ms = 1000.0 / in.frequency_hz;
  auto at = [&](double fraction) {
    InputSpec t = in;
    t.stride_ms = std::max(std::ceil(frame_ms), std::round(in.window_ms * fraction));
    return std::make_pair(t.stride_ms, rarest(windows_per_label(recs, t)));
  };
  auto [stride, rare] = at(base);
  std::string reason = fmt("window/%.0f", 1 / base);
  if (rare.second < 100) {
    for (double f : {base / 2, base / 4}) {
      auto [st, r] = at(f);
      if (st == stride || r.second <= rare.second) break;  // one frame already, or no recording is longer
      stride = st, rare = r, reason = fmt("window/%.0f: under 100 windows for the rarest label at window/%.0f", 1 / f, 1 / base);
      if (r.second >= 100) break;
    }
  } else {
    for (double f : {0.25, 0.5}) {
      if (f <= base) continue;
      auto [st, r] = at(f);
      if (r.second < 1000) break;
      stride = st, rare = r, reason = fmt("window/%.0f: even the rarest label keeps 1000+ windows, overlap adds little", 1 / f);
    }
  }
  in.stride_ms = stride;
  return fmt("every %.0f ms (%s; the rarest label '%s' gets %zu training windows)", stride, reason.c_str(),
             rare.first.c_str(), rare.second);
}

Suggestion audio(const std::vector<Recording>& recs, double rate, const std::string& why_audio, const Labels& labels,
                 const std::string& axis) {
  Suggestion s;
  InputSpec& in = s.spec.input;
  in.type = InputType::TimeSeries;
  in.zero_pad = true;
  in.axes = {axis};
  std::vector<double> lengths;
  for (auto& r : recs) lengths.push_back(r.length_ms);
  // Keywords need 8 kHz of band at most: higher rates are resampled to 16 kHz (a third of the DSP and RAM
  // at 48 kHz; the host resamples linearly, so record at 16 kHz for the best match with the device).
  in.frequency_hz = rate > 16000 ? 16000 : rate;
  s.why.push_back(fmt("one axis at %.0f Hz, %s -> audio", rate, why_audio.c_str()) +
                  (rate > 16000 ? fmt(", resampled to 16000 Hz (speech and most sound events lie below 8 kHz; "
                                      "%.0f Hz would cost %.1fx the DSP and RAM)", rate, rate / 16000)
                                : fmt(", kept at %.0f Hz", rate)));
  const double median = quantile(lengths, 0.5), p90 = quantile(lengths, 0.9);
  const bool clips = median <= 2000;
  json params = json::object();
  const double frame_s = 0.02;
  const size_t fft = pow2_at_least(frame_s * in.frequency_hz);
  std::string dsp;
  if (clips) {
    // Clips (keywords, short events) are classified whole: a window that holds 9 clips in 10, at most 1 s.
    in.window_ms = std::clamp(std::ceil(p90 / 10) * 10, 200.0, 1000.0);
    s.why.push_back(fmt("90 %% of the clips last at most %.0f ms -> %.0f ms windows (shorter clips are zero-padded)", p90,
                        in.window_ms));
    dsp = "mfcc";
    const double stride_s = in.window_ms < 500 ? 0.01 : 0.02;
    params = {{"frame_length_s", frame_s}, {"frame_stride_s", stride_s}, {"fft_length", fft}, {"num_filters", 32},
              {"num_cepstral", 13}};
    s.why.push_back(fmt("clips of %.0f ms (median), one utterance each, as keyword and speech sets are -> MFCC "
                        "(cepstra: compact and decorrelated for voice)", median));
    s.why.push_back(fmt("frames of 20 ms every %.0f ms (%zu per window), FFT %zu: the power of two covering a frame at "
                        "%.0f Hz; 32 mel filters up to the Nyquist frequency (%.0f Hz), 13 coefficients",
                        stride_s * 1000, static_cast<size_t>(1 + (in.window_ms / 1000 - frame_s) / stride_s + 1e-9), fft,
                        in.frequency_hz, in.frequency_hz / 2));
  } else {
    in.window_ms = 1000;
    s.why.push_back(fmt("recordings of %.0f ms (median) -> 1000 ms windows", median));
    dsp = "mfe";
    params = {{"frame_length_s", frame_s}, {"frame_stride_s", 0.02}, {"fft_length", fft}, {"num_filters", 40}};
    s.why.push_back("long recordings are ambient or machine sound rather than words -> MFE (log mel energies keep the "
                    "spectral detail that cepstra smooth away)");
    s.why.push_back(fmt("frames of 20 ms every 20 ms (49 per window), FFT %zu covering a frame at %.0f Hz; 40 mel "
                        "filters up to the Nyquist frequency (%.0f Hz)", fft, in.frequency_hz, in.frequency_hz / 2));
  }
  s.why.push_back("windows " + choose_stride(in, recs, 0.25));
  s.spec.dsp.push_back({dsp, dsp, {}, params});
  LearnFacts f;
  f.dsp = dsp;
  f.family = "conv1d";
  f.features = Impulse(s.spec, 1).width();
  f.frames = f.features / params[dsp == "mfcc" ? "num_cepstral" : "num_filters"].get<size_t>();
  std::tie(f.min_label, f.min_windows) = rarest(windows_per_label(recs, in));
  flag_unseen_labels(f, labels);
  add_learning(s, labels, f);
  return s;
}

}  // namespace

Suggestion suggest_impulse(Store& store) {
  SampleFilter f;
  f.category = Category::Training;
  auto samples = store.list(f);
  if (samples.empty()) throw Error("impulse: the project has no training samples; import data first (mote import)");
  Labels labels = read_labels(store, samples);
  size_t n_images = std::count_if(samples.begin(), samples.end(), [](const Sample& x) { return x.kind == SampleKind::Image; });
  if (n_images * 2 > samples.size()) return images(store, samples, labels);

  std::vector<Recording> recs;
  std::vector<double> rates, axes;
  const Sample* first = nullptr;
  for (auto& x : samples) {
    if (x.kind != SampleKind::TimeSeries || !(x.interval_ms > 0)) continue;
    if (!first) first = &x;
    recs.push_back({x.label, 1000.0 / x.interval_ms, x.length_ms(), x.frames()});
    rates.push_back(1000.0 / x.interval_ms);
    axes.push_back(static_cast<double>(x.axes()));
  }
  if (!first) throw Error("impulse: no training sample is a time series or an image; import sensor data first");
  const double rate = quantile(rates, 0.5);
  const size_t n_axes = static_cast<size_t>(quantile(axes, 0.5));
  std::string why_audio;
  if (looks_like_audio(first->sensors, n_axes, rate, &why_audio))
    return audio(recs, rate, why_audio, labels, first->sensors.empty() ? "" : first->sensors[0].name);

  Suggestion s;
  InputSpec& in = s.spec.input;
  in.type = InputType::TimeSeries;
  in.frequency_hz = rate;
  for (auto& sn : first->sensors) in.axes.push_back(sn.name);
  in.zero_pad = true;
  const bool vibration = rate >= 1000;
  s.why.push_back(fmt("%zu %s at %.6g Hz look like %s -> kept at %.6g Hz (%s)", n_axes, n_axes == 1 ? "axis" : "axes", rate,
                      vibration ? "vibration" : "motion", rate,
                      vibration ? "faults show at high frequencies"
                                : "the rate the device samples at; the host resamples linearly, without an anti-alias filter"));

  // Window: 2 s (a few periods of motions of 1 Hz and up), shorter when the label with the shortest
  // recordings would not fill it, and at most 2048 frames for vibration (a Welch spectrum over 15
  // segments of 256, 8 kB per axis on the device).
  std::map<std::string, std::vector<double>> by_label;
  for (auto& r : recs) by_label[r.label].push_back(r.length_ms);
  std::string short_label;
  double shortest = 1e300;
  for (auto& [label, v] : by_label) {
    double m = quantile(v, 0.5);
    if (m < shortest) shortest = m, short_label = label;
  }
  double window = 2000;
  std::string reason = "2 s: a few periods of motions of 1 Hz and up";
  if (vibration && std::floor(2048 * 1000.0 / rate) < window)
    window = std::floor(2048 * 1000.0 / rate), reason = "2048 frames at most: a fine Welch spectrum at a few kB per axis";
  if (shortest < window)
    window = std::max(10.0, std::floor(shortest / 10 + 1e-6) * 10),  // 119 frames at 119 Hz: 1000 ms
    reason = fmt("fits the recordings of '%s', the shortest label (%.0f ms median)", short_label.c_str(), shortest);
  in.window_ms = std::max(window, std::ceil(1000.0 / rate));
  s.why.push_back(fmt("%.0f ms windows (%s)", in.window_ms, reason.c_str()) + ", " + choose_stride(in, recs, 0.1));
  const size_t frames = in.window_frames();

  // DSP: flatten when too few frames for a spectrum; raw for one-event recordings (the order in time is
  // the signal: a spectrum loses it); spectral analysis for continuous motion and vibration.
  const double median_len = quantile([&] { std::vector<double> v; for (auto& r : recs) v.push_back(r.length_ms); return v; }(), 0.5);
  const bool events = !vibration && frames >= 16 && median_len < 1.25 * in.window_ms;
  LearnFacts lf;
  lf.family = "dense";
  std::string stats_why;
  if (frames < 16) {
    s.spec.dsp.push_back({"flatten", "flatten", {}, {}});
    s.why.push_back(fmt("a window holds only %zu frames, too few for a spectrum -> flatten (per-axis statistics)", frames));
  } else if (events) {
    s.spec.dsp.push_back({"raw", "raw", {}, {}});
    lf.family = "conv1d";
    s.why.push_back(fmt("each recording is about one window (%.0f ms median): one event, whose shape in time is the "
                        "signal -> raw samples (%zu frames x %zu axes) and a 1-D convolution", median_len, frames, n_axes));
  } else {
    json params = json::object();
    // FFT: bins of at most 2 Hz, at least 64 points (finer bins on slow data cost little: the demo's 62.5 Hz
    // gets 0.98 Hz), at most 256 (vibration: 128 bins per axis); never past the window (the block refuses an
    // FFT that only interpolates). Measured on ei-gestures (104 Hz): FFT 64 96.0 % of windows, 128 94.4 %.
    const size_t longest = std::min<size_t>(4096, pow2_at_least(static_cast<double>(frames)));
    const size_t fft = std::min<size_t>(std::clamp<size_t>(pow2_at_least(rate / 2), 64, 256), longest);
    params["fft_length"] = fft;
    // No filter: sharp motions (flicks, taps) and faults carry energy up to the Nyquist frequency, and the
    // spectrum already separates the bands. Measured: a 20 Hz low-pass cost ei-gestures 6 points of windows.
    const std::string filter = fmt("no filter (the spectrum keeps every band up to the Nyquist frequency, %.6g Hz)", rate / 2);
    s.spec.dsp.push_back({"spectral", "spectral", {}, params});
    if (n_axes >= 6) {
      // An IMU (accelerometer + gyroscope) usually tells activities and postures: the per-axis mean (the
      // direction of gravity), extremes and spread separate postures that spectra barely tell apart.
      // Measured on UCI HAPT: 72.6 -> 77.5 % of test segments. Not for 3 axes: the demo's footprint budget.
      s.spec.dsp.push_back({"stats", "flatten", {}, {}});
      lf.inputs = {"spectral", "stats"};
      stats_why = fmt("%zu axes (an IMU: activities and postures) -> per-axis statistics beside the spectrum (mean = "
                      "the direction of gravity, min, max, RMS, spread, skewness, kurtosis)", n_axes);
    }
    s.why.push_back(fmt("continuous recordings, %zu frames per window -> spectral analysis (RMS, skewness, kurtosis and "
                        "the power spectrum of every axis), FFT %zu (%s Hz bins", frames, fft,
                        fmt(rate / double(fft) < 10 ? "%.2g" : "%.0f", rate / double(fft)).c_str()) +
                    (fft == longest && fft < 64 ? ", the window's length"
                     : fft == 256               ? ", 256 at most"
                     : fft == 64                ? ", 64 at least"
                                                : ", at most 2 Hz") +
                    "), " + filter);
    if (!stats_why.empty()) s.why.push_back(stats_why);
  }
  lf.dsp = s.spec.dsp.front().name;
  lf.features = Impulse(s.spec, n_axes).width();
  std::tie(lf.min_label, lf.min_windows) = rarest(windows_per_label(recs, in));
  lf.anomaly = true;
  lf.anomaly_reason = (lf.inputs.empty() ? lf.dsp : "spectral + stats") +
                      " features -> k-means anomaly detection on the same features (flags windows unlike any label)";
  add_learning(s, labels, lf);
  return s;
}

}  // namespace mote
