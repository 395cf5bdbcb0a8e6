// The learning stage over a project: train every learning block of the impulse on the cached features,
// store the models, and evaluate them on the testing set. Torch-free: the CLI and the server call this.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "impulse/features.h"
#include "learn/anomaly.h"
#include "learn/train.h"
#include "quant/quantize.h"
#include "store/project.h"

namespace mote::learn {

// The learning block types: neural "classifier" and "regression", anomaly "kmeans" and "gmm", trees
// "random_forest" and "gradient_boosting" (classification or regression, learn/tree_block.h).
bool is_learn_type(const std::string& type);

// Checks every learning block's type and params against the built impulse without data; throws mote::Error
// naming impulse.learn[i].<field>. register_impulse_validator() makes save_impulse (mote impulse set,
// PUT /api/impulse) run it: call it once at start-up (main does).
void check_learn_blocks(const Impulse& impulse);
void register_impulse_validator();
// Every learning block's parameter schema (classifier, regression, kmeans, gmm, random_forest,
// gradient_boosting): what GET /api/blocks/schema and docs/blocks.md show beside the DSP blocks'.
std::vector<const blocks::BlockSchema*> learn_schemas();

// The columns of the impulse's features a learning block reads (its DSP blocks, in order) and their shape.
struct BlockColumns {
  std::vector<std::pair<size_t, size_t>> ranges;  // [offset, offset + size) per DSP block
  size_t width = 0;
  InputInfo info;
};
BlockColumns block_columns(const Impulse& impulse, const BlockSpec& block);
// Rows of `t` (all, or those listed) restricted to the block's columns, row-major.
std::vector<float> gather(const FeatureTable& t, const BlockColumns& cols, const std::vector<size_t>& rows);
// An anomaly block's training windows for fit_anomaly / score_anomaly_holdout: the block's columns of `rows`
// gathered into *x (which must outlive the result), with each row's sample id and label for the hold-out split.
AnomalyRows anomaly_rows(const FeatureTable& t, const BlockColumns& cols, const std::vector<size_t>& rows, std::vector<float>* x);

// A trained learning block as stored (table `models`, newest row per block).
struct TrainedBlock {
  std::string name, type;
  std::string features_hash;  // impulse input + DSP blocks at training time
  std::string spec_hash;      // the learning block's own spec at training time
  nlohmann::json model;       // classifier/regression: {"ir": ir::to_json, "min_confidence"}; anomaly: anomaly_to_json
  nlohmann::json metrics;     // training summary, resolved parameters, curves
  std::string created_at;
};
std::string block_spec_hash(const BlockSpec& b);
void save_trained(Store& store, TrainedBlock& b);
std::vector<TrainedBlock> load_trained(Store& store);
// How many times this process has read the trained models from a store (load_trained calls): tests check
// that a batch (label suggestions for many samples) reads them once, not once per sample.
size_t trained_model_reads();
// The stored models for this impulse's learning blocks, in impulse order; throws mote::Error saying
// to run `mote train` when one is missing or was trained on another impulse.
std::vector<TrainedBlock> current_models(Store& store, const Impulse& impulse);
// The IR of a trained classifier/regression block (for quantization and code generation).
ir::Model trained_ir(const TrainedBlock& b);
// How to quantize it: the block's int8_input parameter (quant::InputScaling).
quant::QuantizeOptions trained_quantize_options(const TrainedBlock& b);

struct TrainOptions {
  bool quiet = false;  // no progress bars or epoch lines (e.g. --json)
  std::function<void(const std::string& block, const EpochStats& e, int epochs)> on_epoch;
};

struct TrainReport {
  std::vector<TrainedBlock> blocks;
  FeatureStats features;
  double seconds = 0;
};

// Generates (or reads cached) features, trains every learning block, saves the models, and writes each
// neural block's training curves to out/<block>-training.svg.
TrainReport train_impulse(Project& p, const TrainOptions& opts);

// Evaluates the current models on the testing set; writes out/<block>-confusion.svg for classifiers.
// Per sample: the mean of its windows' probabilities (classifier; below min_confidence = "uncertain"),
// the mean prediction (regression), the maximum window score (anomaly). Testing samples whose label the
// classifier never saw count as anomalous for ROC AUC and the detection rate.
// int8: also quantize each classifier/regression (calibrated on the training windows, src/quant) and report
// the int8 model beside the float one under "int8" (accuracy, F1, agreement, accuracy lost in points).
nlohmann::json test_impulse(Project& p, bool quiet, bool int8 = false);

// Runs the impulse and every current model on one sample; per-window results and the per-sample summary.
nlohmann::json classify_sample(Project& p, const Sample& s);

// The impulse and its current models, read from the project and built once, to classify many samples with
// (classify_sample for each of a batch, e.g. the model's label suggestions). Throws as classify_sample does
// when a model is missing or stale.
class SampleClassifier {
 public:
  explicit SampleClassifier(Project& p);
  ~SampleClassifier();
  SampleClassifier(const SampleClassifier&) = delete;
  SampleClassifier& operator=(const SampleClassifier&) = delete;
  // What classify_sample(p, s) returns.
  nlohmann::json classify(const Sample& s) const;

 private:
  struct Loaded;
  std::unique_ptr<Loaded> loaded_;
};

}  // namespace mote::learn
