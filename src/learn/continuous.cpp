#include "learn/continuous.h"

#include <algorithm>
#include <cmath>
#include <deque>

#include "core/error.h"
#include "learn/block_net.h"
#include "learn/tree_block.h"

using nlohmann::json;

namespace mote::learn {

struct ContinuousClassifier::Block {
  std::string name, type;
  BlockColumns cols;
  BlockNet net;         // classifier, regression
  AnomalyModel anomaly; // kmeans, gmm
  double min_confidence = 0.6;
  std::deque<std::vector<float>> history;  // the last `smooth` windows' outputs
  std::vector<float> input;
  bool neural() const { return type == "classifier" || type == "regression"; }
};

ContinuousClassifier::ContinuousClassifier(const ImpulseSpec& spec, size_t axes, const std::vector<TrainedBlock>& models,
                                           ContinuousOptions o)
    : impulse_(std::make_unique<Impulse>(spec, axes)), axes_(axes) {
  const InputSpec& in = impulse_->spec().input;
  if (in.type != InputType::TimeSeries) throw error_at("impulse.input", "continuous classification needs a time-series input");
  if (axes == 0) throw error_at("impulse.input.axes", "no axes to stream");
  if (models.size() != impulse_->spec().learn.size())
    throw Error("continuous: " + std::to_string(models.size()) + " models for " + std::to_string(impulse_->spec().learn.size()) +
                " learning blocks; pass learn::current_models of this impulse");
  window_ = in.window_frames();
  stride_ = in.stride_frames();
  out_hz_ = in.frequency_hz;
  input_hz_ = o.input_hz > 0 ? o.input_hz : out_hz_;
  resample_ = std::fabs(input_hz_ - out_hz_) > 1e-3 * out_hz_;  // the tolerance input_signal uses for files
  smooth_ = o.smooth > 0 ? o.smooth : std::max<size_t>(1, (window_ + stride_ / 2) / stride_);
  features_.resize(impulse_->width());
  for (size_t i = 0; i < models.size(); ++i) {
    auto b = std::make_unique<Block>();
    b->name = models[i].name;
    b->type = block_role(models[i]);  // a tree block streams as the classifier or regression it is
    b->cols = block_columns(*impulse_, impulse_->spec().learn[i]);
    if (b->neural()) {
      b->net = block_net(models[i]);
      b->min_confidence = models[i].model.value("min_confidence", 0.6);
    } else {
      b->anomaly = anomaly_from_json(models[i].model);
    }
    blocks_.push_back(std::move(b));
  }
}

ContinuousClassifier::~ContinuousClassifier() = default;

void ContinuousClassifier::reset() {
  in_count_ = out_count_ = base_ = next_start_ = windows_ = 0;
  prev_.clear();
  last_.clear();
  buf_.clear();
  for (auto& b : blocks_) b->history.clear();
}

std::vector<ContinuousResult> ContinuousClassifier::push(const float* frames, size_t n) {
  std::vector<ContinuousResult> out;
  std::vector<float> frame(axes_);
  auto emit_frame = [&](const float* v) {
    size_t index = out_count_++;
    if (buf_.empty() && index < next_start_) {  // a stride longer than the window skips frames
      base_ = index + 1;
      return;
    }
    buf_.insert(buf_.end(), v, v + axes_);
    if (out_count_ < next_start_ + window_) return;
    ContinuousResult r = run_window(buf_.data() + (next_start_ - base_) * axes_);
    r.start_ms = static_cast<double>(next_start_) * 1000.0 / out_hz_;
    r.end_ms = static_cast<double>(next_start_ + window_) * 1000.0 / out_hz_;
    out.push_back(std::move(r));
    next_start_ += stride_;
    size_t drop = std::min(next_start_ - base_, buf_.size() / axes_);
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<long>(drop * axes_));
    base_ += drop;
  };
  for (size_t k = 0; k < n; ++k) {
    const float* f = frames + k * axes_;
    if (!resample_) {
      emit_frame(f);
      continue;
    }
    prev_.swap(last_);
    last_.assign(f, f + axes_);
    ++in_count_;
    // Output frame j sits at input position j x in/out, interpolated as input_signal() does for files.
    for (;;) {
      double pos = static_cast<double>(out_count_) * input_hz_ / out_hz_;
      size_t i0 = static_cast<size_t>(pos);
      double t = pos - static_cast<double>(i0);
      if (i0 + 1 < in_count_) {  // i0 = in_count_ - 2: prev_, last_
        for (size_t a = 0; a < axes_; ++a) {
          double v0 = prev_[a], v1 = last_[a];
          frame[a] = static_cast<float>(v0 + (v1 - v0) * t);
        }
      } else if (i0 + 1 == in_count_ && t == 0) {
        frame = last_;
      } else {
        break;
      }
      emit_frame(frame.data());
    }
  }
  return out;
}

ContinuousResult ContinuousClassifier::run_window(const float* window) {
  BlockInput in;
  in.window = window;
  in.frames = window_;
  in.axes = axes_;
  impulse_->run(in, features_.data());
  ContinuousResult r;
  r.window = windows_++;
  for (auto& bp : blocks_) {
    Block& b = *bp;
    b.input.clear();
    for (auto [lo, hi] : b.cols.ranges) b.input.insert(b.input.end(), features_.begin() + lo, features_.begin() + hi);
    ContinuousBlock cb;
    cb.name = b.name;
    cb.type = b.type;
    if (!b.neural()) {
      cb.score = anomaly_score(b.anomaly, b.input.data());
      cb.threshold = b.anomaly.threshold;
      cb.anomalous = cb.score > cb.threshold;
      if (!r.has_anomaly || cb.score > r.anomaly) r.anomaly = cb.score;
      r.has_anomaly = true;
      r.anomalous = r.anomalous || cb.anomalous;
      r.blocks.push_back(std::move(cb));
      continue;
    }
    cb.scores = b.net.run(b.input.data());
    b.history.push_back(cb.scores);
    if (b.history.size() > smooth_) b.history.pop_front();
    // The mean over the windows seen so far (at most smooth_): no zero-filled warm-up that would read as uncertain.
    cb.smoothed.assign(cb.scores.size(), 0.0f);
    for (auto& h : b.history)
      for (size_t k = 0; k < h.size(); ++k) cb.smoothed[k] += h[k];
    for (float& v : cb.smoothed) v /= static_cast<float>(b.history.size());
    if (b.type == "classifier") {
      size_t best = std::max_element(cb.smoothed.begin(), cb.smoothed.end()) - cb.smoothed.begin();
      cb.confidence = cb.smoothed[best];
      cb.label = cb.confidence < b.min_confidence ? "uncertain" : b.net.labels.at(best);
      cb.labels = b.net.labels;
      if (r.label.empty()) r.label = cb.label, r.confidence = cb.confidence;
    }
    r.blocks.push_back(std::move(cb));
  }
  return r;
}

json to_json(const ContinuousResult& r) {
  json blocks = json::object();
  for (auto& b : r.blocks) {
    if (b.type == "classifier") {
      json smoothed = json::object(), window = json::object();
      for (size_t k = 0; k < b.labels.size(); ++k) smoothed[b.labels[k]] = b.smoothed[k], window[b.labels[k]] = b.scores[k];
      blocks[b.name] = {{"label", b.label}, {"confidence", b.confidence}, {"scores", smoothed}, {"window_scores", window}};
    } else if (b.type == "regression") {
      blocks[b.name] = {{"value", b.smoothed.at(0)}, {"window_value", b.scores.at(0)}};
    } else {
      blocks[b.name] = {{"score", b.score}, {"threshold", b.threshold}, {"anomalous", b.anomalous}};
    }
  }
  json j = {{"window", r.window}, {"start_ms", r.start_ms}, {"time_ms", r.end_ms}, {"blocks", blocks}};
  if (!r.label.empty()) j["label"] = r.label, j["confidence"] = r.confidence;
  if (r.has_anomaly) j["anomaly"] = r.anomaly, j["anomalous"] = r.anomalous;
  return j;
}

}  // namespace mote::learn
