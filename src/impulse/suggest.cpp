#include "impulse/suggest.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"

namespace mote {

namespace {
std::string fmt(const char* f, double a, double b = 0) {
  char buf[200];
  std::snprintf(buf, sizeof buf, f, a, b);
  return buf;
}
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
}  // namespace

Suggestion suggest_impulse(Store& store) {
  SampleFilter f;
  f.category = Category::Training;
  auto samples = store.list(f);
  if (samples.empty()) throw Error("impulse: the project has no training samples; import data first (mote import)");
  Suggestion s;
  InputSpec& in = s.spec.input;
  size_t images = std::count_if(samples.begin(), samples.end(), [](const Sample& x) { return x.kind == SampleKind::Image; });
  if (images * 2 > samples.size()) {
    in.type = InputType::Image;
    std::vector<double> ch;
    for (auto& x : samples)
      if (x.kind == SampleKind::Image) ch.push_back(x.channels);
    in.color = median(ch) >= 3 ? "rgb" : "grayscale";
    in.width = in.height = 96;
    s.why.push_back("most training samples are images -> image input 96x96 (squash), " + in.color);
    s.spec.dsp.push_back({"image", "image", {}, {}});
    s.spec.learn.push_back({"classifier", "classifier", {"image"}, {}});
    s.why.push_back("image block -> conv classifier");
    return s;
  }
  std::vector<double> rates, lengths, axes;
  for (auto& x : samples) {
    if (x.kind != SampleKind::TimeSeries) continue;
    rates.push_back(1000.0 / x.interval_ms);
    lengths.push_back(x.length_ms());
    axes.push_back(static_cast<double>(x.axes()));
  }
  double rate = median(rates), length = median(lengths);
  size_t n_axes = static_cast<size_t>(median(axes));
  in.type = InputType::TimeSeries;
  in.frequency_hz = rate;
  for (auto& sn : samples.front().sensors) in.axes.push_back(sn.name);
  in.zero_pad = true;
  if (n_axes == 1 && rate >= 8000) {
    in.window_ms = std::min(1000.0, std::max(100.0, std::round(length)));
    in.stride_ms = std::max(10.0, std::round(in.window_ms / 4));
    s.why.push_back(fmt("one axis at %.0f Hz looks like audio -> MFCC over %.0f ms windows", rate, in.window_ms));
    s.spec.dsp.push_back({"mfcc", "mfcc", {}, {}});
    s.spec.learn.push_back({"classifier", "classifier", {"mfcc"}, {}});
    s.why.push_back("MFCC -> 1-D conv classifier");
    return s;
  }
  in.window_ms = std::min(2000.0, std::max(100.0, std::round(length)));
  in.stride_ms = std::max(10.0, std::round(in.window_ms / 10));
  s.why.push_back(fmt("%.0f axes at %.4g Hz look like motion/vibration -> spectral analysis", static_cast<double>(n_axes), rate) +
                  fmt(" over %.0f ms windows every %.0f ms", in.window_ms, in.stride_ms));
  s.spec.dsp.push_back({"spectral", "spectral", {}, {}});
  s.spec.learn.push_back({"classifier", "classifier", {"spectral"}, {}});
  s.spec.learn.push_back({"anomaly", "kmeans", {"spectral"}, {}});
  s.why.push_back("spectral features -> dense classifier, and k-means anomaly detection on the same features");
  return s;
}

}  // namespace mote
