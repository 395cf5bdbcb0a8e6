// Continuous classification over a stream: frames go in as they arrive, a sliding window (the impulse's
// window and stride) runs the DSP blocks and every trained model, and classifier results are smoothed by a
// moving average over the last N windows, as Edge Impulse's run_classifier_continuous does. Pure logic (no
// I/O, no clock): `mote classify --continuous/--stdin/--serial` and the server's live view feed it.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "impulse/features.h"
#include "learn/anomaly.h"
#include "learn/pipeline.h"

namespace mote::learn {

struct ContinuousOptions {
  double input_hz = 0;  // rate of the pushed frames; 0 = the impulse's frequency_hz (else resampled linearly)
  size_t smooth = 0;    // windows in the moving average; 0 = window / stride (one window's worth of results)
};

// One learning block's output for one window.
struct ContinuousBlock {
  std::string name, type;
  std::vector<std::string> labels;  // classifier: the classes, in score order
  std::vector<float> scores;    // classifier: this window's probabilities; regression: {value}
  std::vector<float> smoothed;  // the mean of `scores` over the last `smooth` windows (fewer at the start)
  std::string label;            // classifier: top smoothed class, or "uncertain" below min_confidence
  double confidence = 0;        // classifier: the top smoothed probability
  double score = 0, threshold = 0;  // anomaly: this window's score (not smoothed) and the block's threshold
  bool anomalous = false;
};

struct ContinuousResult {
  size_t window = 0;                  // 0, 1, ... in stream order
  double start_ms = 0, end_ms = 0;    // the window's span since the stream's first frame
  std::vector<ContinuousBlock> blocks;  // in impulse order
  // The headline: the first classifier's label and confidence ("" without one), the highest anomaly score.
  std::string label;
  double confidence = 0;
  double anomaly = 0;
  bool has_anomaly = false, anomalous = false;
};

class ContinuousClassifier {
 public:
  // `models` are the current models of `spec`'s learning blocks, in order (learn::current_models).
  ContinuousClassifier(const ImpulseSpec& spec, size_t axes, const std::vector<TrainedBlock>& models,
                       ContinuousOptions o = {});
  ~ContinuousClassifier();

  // n frames x axes() floats, frame-major, at input_hz. Returns the results of every window this completes.
  std::vector<ContinuousResult> push(const float* frames, size_t n);
  // Forgets the stream (buffer, resampler and smoothing) as if newly built.
  void reset();

  size_t axes() const { return axes_; }
  size_t smooth() const { return smooth_; }
  size_t window_frames() const { return window_; }
  size_t stride_frames() const { return stride_; }
  const Impulse& impulse() const { return *impulse_; }

 private:
  struct Block;
  ContinuousResult run_window(const float* window);

  std::unique_ptr<Impulse> impulse_;
  std::vector<std::unique_ptr<Block>> blocks_;
  size_t axes_ = 0, window_ = 0, stride_ = 0, smooth_ = 0;
  double input_hz_ = 0, out_hz_ = 0;
  bool resample_ = false;
  // Resampler: input frames seen, the last two of them, output frames made.
  size_t in_count_ = 0, out_count_ = 0;
  std::vector<float> prev_, last_;
  // Frames at the impulse's rate not yet dropped; buf_[0] is output frame base_.
  std::vector<float> buf_;
  size_t base_ = 0, next_start_ = 0, windows_ = 0;
  std::vector<float> features_;
};

// A result as one JSON object (what `mote classify --json` prints per line).
nlohmann::json to_json(const ContinuousResult& r);

}  // namespace mote::learn
