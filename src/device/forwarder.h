// The Edge Impulse data-forwarder protocol: a device prints one line of comma/tab-separated numbers per
// reading; the host detects the axis count and sampling rate, then cuts the stream into samples.
// Pure logic over (line, arrival time): serial ports and stdin feed it, tests drive it directly.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mote {

// Numbers of one forwarder line (separators: comma, tab, spaces); nullopt for anything else.
std::optional<std::vector<float>> parse_forwarder_line(std::string_view line);

// A measured rate snapped to a common sensor rate when within 3 % (62.5, 100, 104, 16000, ...).
double snap_frequency(double measured_hz);

// Lines per second from arrival times of consecutive lines. A line can arrive late (a busy host, a
// buffered port) but never before the device printed it, so the rate is read off the lower convex hull of
// (index, arrival) — the least-delayed lines — at the middle of the run, not from first/last arrivals.
double rate_from_arrivals(const std::vector<double>& arrivals);

struct ForwarderOptions {
  double length_ms = 10000;                  // per sample
  std::optional<double> frequency_hz;        // given: skip rate measurement
  double detect_seconds = 1.5;               // rate measured over at least this span (jitter / span = error)
  size_t detect_lines = 10;                  // consistent lines needed to settle the axis count
};

struct ForwarderDetection {
  size_t axes = 0;
  double frequency_hz = 0, measured_hz = 0;
};

class Forwarder {
 public:
  enum class Event { None, Detected, SampleReady, AxesChanged };
  explicit Forwarder(ForwarderOptions o);

  // One received line at time t (seconds, monotonic). Garbage and stray lines are counted and skipped.
  Event feed(std::string_view line, double t);

  const std::optional<ForwarderDetection>& detection() const { return detection_; }
  size_t frames_per_sample() const { return frames_per_sample_; }
  // Frames x axes of the completed sample (after SampleReady), or of the partial one (at the end).
  std::vector<float> take_sample();
  size_t partial_frames() const { return detection_ ? current_.size() / detection_->axes : 0; }
  size_t garbage_lines() const { return garbage_; }
  size_t skipped_lines() const { return skipped_; }
  size_t new_axes() const { return run_axes_; }  // after AxesChanged: the count the device now sends

 private:
  ForwarderOptions o_;
  std::optional<ForwarderDetection> detection_;
  size_t frames_per_sample_ = 0, garbage_ = 0, skipped_ = 0;
  // Detection and change tracking: the current run of lines with the same count.
  size_t run_axes_ = 0, run_lines_ = 0;
  double run_start_t_ = 0, last_t_ = 0, measure_start_t_ = 0;
  size_t measure_lines_ = 0;
  std::vector<double> measure_times_;  // arrivals since measure_start_t_
  std::vector<float> current_, ready_;
};

}  // namespace mote
