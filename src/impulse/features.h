// Feature generation over the store: window every sample, run the DSP blocks, cache per (sample, impulse).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "impulse/dsp_block.h"
#include "impulse/spec.h"
#include "store/project.h"

namespace mote {

// An impulse with its DSP blocks built and checked against the input.
class Impulse {
 public:
  Impulse(const ImpulseSpec& spec, size_t axes);
  const ImpulseSpec& spec() const { return spec_; }
  const std::string& hash() const { return hash_; }  // input + DSP blocks: the features cache key
  size_t width() const { return width_; }            // features per window, all blocks concatenated
  size_t axes() const { return axes_; }
  const std::vector<std::unique_ptr<DspBlock>>& blocks() const { return blocks_; }
  size_t offset(size_t block) const { return offsets_[block]; }
  const std::vector<size_t>& block_axes(size_t block) const { return block_axes_[block]; }  // input axes read
  // The device glue streams the window through the DSP (no window buffer): a time series whose only block
  // has a streaming form (mfcc, mfe, spectrogram) and reads the only axis.
  bool streams_window() const;
  // Runs every DSP block on one window (block i reads its axes) into out[0, width()).
  void run(const BlockInput& window, float* out) const;

 private:
  ImpulseSpec spec_;
  size_t axes_, width_ = 0;
  std::string hash_;
  std::vector<std::unique_ptr<DspBlock>> blocks_;
  std::vector<std::vector<size_t>> block_axes_;  // input axis indices each block reads
  std::vector<size_t> offsets_;
};

// The project's impulse from mote.json; when there is none, a suggested one is saved and `why` says so.
ImpulseSpec load_impulse(Project& p, std::vector<std::string>* why = nullptr);
// Validates (building every block against the project's data, and the learning blocks through the
// registered learn validator) and saves an impulse to mote.json.
void save_impulse(Project& p, const ImpulseSpec& spec);

// Learning blocks are checked by src/learn, which src/impulse must not depend on: it registers a checker
// here (learn::register_impulse_validator(), called from main) that throws mote::Error naming the field,
// e.g. "impulse.learn[0].params.epochs: ...". Without one, learning parameters are checked at training.
using LearnValidator = std::function<void(const Impulse& built)>;
void set_learn_validator(LearnValidator v);
// Axes the impulse reads: its input.axes, or those of the first training sample.
size_t impulse_axes(Project& p, const ImpulseSpec& spec);

struct FeatureRow {
  int64_t sample_id;
  std::string label;
  Category category;
  double start_ms;
};

struct FeatureTable {
  size_t width = 0;
  std::vector<float> data;  // rows.size() x width
  std::vector<FeatureRow> rows;
  const float* row(size_t i) const { return data.data() + i * width; }
};

struct FeatureStats {
  size_t samples = 0, computed = 0, cached = 0, windows = 0;
  double seconds = 0;
};

// Features of every sample (optionally filtered); cached samples are read, the rest computed on all
// cores and stored in one transaction. quiet: no progress output.
FeatureTable generate_features(Store& store, const Impulse& impulse, const SampleFilter& filter, bool quiet,
                               FeatureStats* stats = nullptr);

// Features of one sample, computed without the cache (classify, tests).
FeatureTable sample_features(const Sample& s, const Impulse& impulse);

}  // namespace mote
