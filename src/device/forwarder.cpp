#include "device/forwarder.h"

#include <charconv>
#include <cmath>

namespace mote {

std::optional<std::vector<float>> parse_forwarder_line(std::string_view line) {
  std::vector<float> out;
  size_t i = 0, n = line.size();
  auto is_sep = [](char c) { return c == ',' || c == '\t' || c == ' ' || c == '\r' || c == ';'; };
  while (i < n) {
    while (i < n && is_sep(line[i])) ++i;
    if (i == n) break;
    size_t j = i;
    while (j < n && !is_sep(line[j])) ++j;
    std::string_view tok = line.substr(i, j - i);
    if (!tok.empty() && tok[0] == '+') tok.remove_prefix(1);
    float v = 0;
    auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
    if (ec != std::errc() || p != tok.data() + tok.size() || !std::isfinite(v)) return std::nullopt;
    out.push_back(v);
    i = j;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

double snap_frequency(double measured_hz) {
  static const double common[] = {1,   5,   10,  12.5, 20,  25,   26,   31.25, 40,   50,   52,   60,    62.5,  100,
                                  104, 119, 125, 200,  208, 250,  400,  416,   500,  800,  833,  1000,  1600,  2000,
                                  3200, 4000, 6664, 8000, 11025, 16000, 22050, 32000, 44100, 48000};
  double best = 0, best_err = 0.03;  // the nearest common rate within 3 %, so 101 Hz is 100, not 104
  for (double c : common) {
    double err = std::fabs(measured_hz - c) / c;
    if (err <= best_err) best = c, best_err = err;
  }
  return best > 0 ? best : std::round(measured_hz * 10) / 10;
}

double rate_from_arrivals(const std::vector<double>& t) {
  size_t n = t.size();
  if (n < 2) return 0;
  // Andrew's monotone chain, lower half: x = line index, y = arrival time.
  std::vector<size_t> hull;
  for (size_t i = 0; i < n; ++i) {
    while (hull.size() >= 2) {
      size_t a = hull[hull.size() - 2], b = hull.back();
      double cross = (double(b) - a) * (t[i] - t[a]) - (t[b] - t[a]) * (double(i) - a);
      if (cross > 0) break;  // keeps a strictly convex (counter-clockwise) turn
      hull.pop_back();
    }
    hull.push_back(i);
  }
  size_t mid = (n - 1) / 2, k = 1;
  while (k + 1 < hull.size() && hull[k] <= mid) ++k;
  double dt = t[hull[k]] - t[hull[k - 1]];
  double di = double(hull[k]) - double(hull[k - 1]);
  if (dt > 0) return di / dt;
  return t[n - 1] > t[0] ? (n - 1) / (t[n - 1] - t[0]) : 0;
}

Forwarder::Forwarder(ForwarderOptions o) : o_(o) {}

Forwarder::Event Forwarder::feed(std::string_view line, double t) {
  auto values = parse_forwarder_line(line);
  if (!values) {
    ++garbage_;
    return Event::None;
  }
  size_t axes = values->size();
  if (axes != run_axes_) {
    run_axes_ = axes;
    run_lines_ = 0;
    run_start_t_ = t;
    measure_lines_ = 0;
    measure_times_.clear();
  }
  ++run_lines_;
  if (!detection_) {
    // Lines that waited in the port's buffer arrive together and would inflate the rate: the measurement
    // starts at the first line that arrived on its own (after a gap), or at the run's start if none does.
    if (measure_lines_ == 0 && run_lines_ > 1 && t - last_t_ > 0.001) {
      measure_start_t_ = t, measure_lines_ = 1;
      measure_times_.assign(1, t);
    } else if (measure_lines_ > 0) {
      ++measure_lines_;
      measure_times_.push_back(t);
    }
    last_t_ = t;
    bool fallback = t - run_start_t_ >= 2 * o_.detect_seconds && measure_lines_ < 2;
    double span = fallback ? t - run_start_t_ : t - measure_start_t_;
    size_t lines = fallback ? run_lines_ : measure_lines_;
    bool rate_known = o_.frequency_hz.has_value();
    if (run_lines_ < o_.detect_lines || (!rate_known && (lines < 2 || span < o_.detect_seconds))) return Event::None;
    ForwarderDetection d;
    d.axes = axes;
    d.measured_hz = rate_known ? *o_.frequency_hz : fallback ? (lines - 1) / span : rate_from_arrivals(measure_times_);
    d.frequency_hz = rate_known ? *o_.frequency_hz : snap_frequency(d.measured_hz);
    detection_ = d;
    measure_times_ = {};
    frames_per_sample_ = std::max<size_t>(1, static_cast<size_t>(std::llround(o_.length_ms * d.frequency_hz / 1000.0)));
    return Event::Detected;  // recording starts with the next line
  }
  if (axes != detection_->axes) {
    // A few stray lines are noise; a steady run of another width means the device changed.
    if (run_lines_ >= o_.detect_lines) return Event::AxesChanged;
    ++skipped_;
    return Event::None;
  }
  current_.insert(current_.end(), values->begin(), values->end());
  if (current_.size() / detection_->axes >= frames_per_sample_) {
    ready_.swap(current_);
    current_.clear();
    return Event::SampleReady;
  }
  return Event::None;
}

std::vector<float> Forwarder::take_sample() {
  std::vector<float> out;
  if (!ready_.empty()) out.swap(ready_);
  else out.swap(current_);
  return out;
}

}  // namespace mote
