#include "impulse/suggest.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"

namespace mote {

namespace {

template <typename... A>
std::string fmt(const char* f, A... a) {
  char buf[300];
  std::snprintf(buf, sizeof buf, f, a...);
  return buf;
}

// The q-quantile (0..1) of a non-empty list, nearest rank.
double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

Suggestion images(const std::vector<Sample>& samples) {
  Suggestion s;
  InputSpec& in = s.spec.input;
  in.type = InputType::Image;
  std::vector<double> ch;
  for (auto& x : samples)
    if (x.kind == SampleKind::Image) ch.push_back(x.channels);
  in.color = quantile(ch, 0.5) >= 3 ? "rgb" : "grayscale";
  in.width = in.height = 96;
  s.why.push_back("most training samples are images -> image input 96x96 (squash, the size of common small "
                  "vision models), " + in.color + " like most of the images");
  s.spec.dsp.push_back({"image", "image", {}, {}});
  s.spec.learn.push_back({"classifier", "classifier", {"image"}, {}});
  s.why.push_back("image block -> convolutional classifier");
  return s;
}

}  // namespace

Suggestion suggest_impulse(Store& store) {
  SampleFilter f;
  f.category = Category::Training;
  auto samples = store.list(f);
  if (samples.empty()) throw Error("impulse: the project has no training samples; import data first (mote import)");
  size_t n_images = std::count_if(samples.begin(), samples.end(), [](const Sample& x) { return x.kind == SampleKind::Image; });
  if (n_images * 2 > samples.size()) return images(samples);

  Suggestion s;
  InputSpec& in = s.spec.input;
  std::vector<double> rates, lengths, axes;
  const Sample* first = nullptr;
  for (auto& x : samples) {
    if (x.kind != SampleKind::TimeSeries || !(x.interval_ms > 0)) continue;
    if (!first) first = &x;
    rates.push_back(1000.0 / x.interval_ms);
    lengths.push_back(x.length_ms());
    axes.push_back(static_cast<double>(x.axes()));
  }
  if (!first) throw Error("impulse: no training sample is a time series or an image; import sensor data first");
  const double rate = quantile(rates, 0.5), length = quantile(lengths, 0.5);
  const size_t n_axes = static_cast<size_t>(quantile(axes, 0.5));
  in.type = InputType::TimeSeries;
  in.frequency_hz = rate;
  for (auto& sn : first->sensors) in.axes.push_back(sn.name);
  in.zero_pad = true;

  if (n_axes == 1 && rate >= 8000) {
    // Audio clips (keywords, events) are classified whole: a window that holds 9 clips in 10, at most 1 s.
    const double p90 = quantile(lengths, 0.9);
    in.window_ms = std::clamp(std::ceil(p90 / 10) * 10, 200.0, 1000.0);
    in.stride_ms = std::max(10.0, std::round(in.window_ms / 4));
    s.why.push_back(fmt("one axis at %.0f Hz looks like audio -> MFCC (the usual speech/keyword features)", rate));
    s.why.push_back(fmt("90 %% of the clips last at most %.0f ms -> %.0f ms windows (longer clips give a window every "
                        "%.0f ms, shorter ones are zero-padded)", p90, in.window_ms, in.stride_ms));
    s.spec.dsp.push_back({"mfcc", "mfcc", {}, {}});
    s.spec.learn.push_back({"classifier", "classifier", {"mfcc"}, {}});
    s.why.push_back("MFCC frames x coefficients -> 1-D convolutional classifier");
    return s;
  }

  // Motion / vibration: 2 s windows (or the median recording when shorter), at most 8192 frames.
  double window = std::min({2000.0, std::round(length), std::floor(8192 * 1000.0 / rate)});
  in.window_ms = std::max(window, std::ceil(1000.0 / rate));
  in.stride_ms = std::max(std::ceil(1000.0 / rate), std::round(in.window_ms / 10));
  const size_t frames = in.window_frames();
  const char* reason = window == 2000 ? "2 s" : window == std::round(length) ? "the median recording" : "8192 frames at most";
  s.why.push_back(fmt("%zu axes at %.4g Hz look like motion/vibration -> %.0f ms windows (%s) every %.0f ms", n_axes,
                      rate, in.window_ms, reason, in.stride_ms));
  if (frames < 16) {
    s.spec.dsp.push_back({"flatten", "flatten", {}, {}});
    s.why.push_back(fmt("a window holds only %zu frames, too few for a spectrum -> flatten (per-axis statistics)", frames));
  } else {
    nlohmann::json params = nlohmann::json::object();
    if (frames >= 2048) params["fft_length"] = 256;  // fast vibration: finer bins than the default 64
    s.spec.dsp.push_back({"spectral", "spectral", {}, params});
    s.why.push_back(fmt("%zu frames per window -> spectral analysis (RMS, skewness, kurtosis and the power spectrum "
                        "of every axis)", frames));
  }
  const std::string dsp = s.spec.dsp.front().name;
  s.spec.learn.push_back({"classifier", "classifier", {dsp}, {}});
  s.spec.learn.push_back({"anomaly", "kmeans", {dsp}, {}});
  s.why.push_back(dsp + " features -> dense classifier, and k-means anomaly detection on the same features");
  return s;
}

}  // namespace mote
