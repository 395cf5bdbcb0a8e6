// Anomaly blocks on the host: fit k-means or a Gaussian mixture (Armadillo) on the training windows'
// features, then score with the device's own scorers (runtime/anomaly) so both agree. The threshold comes
// from whole training samples held out of the fit, at a stated false-positive rate (docs/learn.md).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mote::blocks {
struct BlockSchema;
}

namespace mote::learn {

// How held-out normal windows score against the threshold set from them: what `mote train` reports for an
// anomaly block and what the tuner ranks anomaly blocks by (beside ROC AUC where testing has unseen labels).
struct AnomalyScore {
  double threshold = 0;   // scores above it are anomalous
  double fpr = 0;         // measured: share of held-out windows above the threshold (<= the stated rate)
  double separation = 0;  // (threshold - median) / (1.4826 x MAD) of held-out window scores; NaN when they do not spread
  double median = 0, p99 = 0, max = 0;  // held-out window scores
  size_t fit_windows = 0, fit_samples = 0, holdout_windows = 0, holdout_samples = 0;
};

// An anomaly block's training windows: n rows of `width` features, and per row the sample it was cut from
// and that sample's label. Windows of one sample stay on one side of the hold-out split, which is stratified
// by label. `sample` empty: every row is a sample of its own; `label` empty: one label.
struct AnomalyRows {
  const float* x = nullptr;
  size_t n = 0, width = 0;
  std::vector<int64_t> sample;
  std::vector<std::string> label;
};

struct AnomalyModel {
  std::string type;              // "kmeans" or "gmm"
  size_t input_width = 0;        // features the block reads (its DSP blocks, concatenated)
  std::vector<uint16_t> select;  // the features used, indices into the block's input
  std::vector<float> mean, inv_scale;
  // kmeans: centers (k x dim, standardized units), inv_radius (k). gmm: means (k x dim), factors, log_norm (k).
  std::vector<float> centers, inv_radius, factors, log_norm;
  // kmeans as the scorer reads it (runtime/anomaly/kmeans.h), derived from the above by quantize_kmeans:
  // int8 centres (dim x clusters, feature-major) on a grid of step center_step, gain, inv_radius x step.
  std::vector<int8_t> centers_q;
  float center_step = 1;
  std::vector<float> gain, grid_inv_radius;
  bool full = false;  // gmm covariance
  int k = 0;
  float threshold = 0;       // scores above it are anomalous
  // "holdout": fitted on the training samples not held out; threshold = the held-out windows' score with
  // floor(false_positive_rate x n) of the n held-out windows above it (threshold_at_rate). "training" (an
  // explicit threshold_percentile / threshold_margin, or holdout 0): fitted on every training window;
  // threshold = P + margin x (P - median), P = that percentile of their scores.
  std::string threshold_rule = "holdout";
  double false_positive_rate = 0.01;  // stated, per held-out window
  double holdout = 0.2;               // fraction of training samples held out (per label)
  double percentile = 99;
  double margin = 2;
  AnomalyScore score;        // "holdout": the held-out windows against the threshold (not stored in JSON)
  nlohmann::json params;     // resolved parameters
};

// Parses params (errors name `where`.params.<field>), holds out whole samples (params.holdout, seeded by
// params.seed, stratified by label), fits on the rest and sets the threshold from the held-out windows.
AnomalyModel fit_anomaly(const std::string& type, const nlohmann::json& params, const std::string& where,
                         const AnomalyRows& rows);
// The same over rows that are independent of each other (each its own sample).
AnomalyModel fit_anomaly(const std::string& type, const nlohmann::json& params, const std::string& where,
                         const float* rows, size_t n, size_t width);

// For the tuner: fits as `mote train` does and returns how the held-out normal windows score: the threshold,
// the measured false-positive rate and the separation. Pure (no I/O); deterministic for given params.seed.
AnomalyScore score_anomaly_holdout(const std::string& type, const nlohmann::json& params, const std::string& where,
                                   const AnomalyRows& rows);

// The rows held out: per label, round(fraction x its samples) whole samples, at least 1 when the label has
// 2 or more and at most all but one, chosen by shuffling the label's sample ids (sorted) with mt19937_64(seed).
std::vector<bool> holdout_rows(const AnomalyRows& rows, double fraction, uint64_t seed);

// The threshold at false-positive rate `rate` over `scores`: the (n - a)-th smallest of the n scores with
// a = floor(rate x n), so exactly a scores lie strictly above it (fewer when scores tie there); a = 0 gives
// the largest score.
float threshold_at_rate(std::vector<double> scores, double rate);

// Checks a kmeans/gmm block's params against an input of `width` features without fitting (for
// `mote impulse set`); errors name `where`.params.<field>.
void check_anomaly_params(const std::string& type, const nlohmann::json& params, const std::string& where, size_t width);
// The kmeans or gmm block's parameter schema (impulse/blocks/params.h), the one table parse reads through.
const blocks::BlockSchema& anomaly_schema(const std::string& type);

// Sets a GMM's components (m.select, m.full set) from weights, means (k x dim) and covariances
// (k x dim x dim, or k x dim variances): the precision factors and log normalizers the scorer reads.
void set_gmm_components(AnomalyModel& m, const std::vector<double>& weights, const std::vector<double>& means,
                        const std::vector<double>& covs, const std::string& where);

// Fills a k-means model's scorer fields (centers_q, center_step, gain, grid_inv_radius) from centers,
// inv_scale and inv_radius: one int8 grid over every centre, step = max |centre| / 127. Deterministic,
// so a model read back from JSON scores exactly as the one that was fitted.
void quantize_kmeans(AnomalyModel& m);

// Score of one row of input_width features, through runtime/anomaly.
float anomaly_score(const AnomalyModel& m, const float* row);

nlohmann::json anomaly_to_json(const AnomalyModel& m);
AnomalyModel anomaly_from_json(const nlohmann::json& j);

// The value below which pct percent of `values` lie (linear interpolation, numpy's default).
double percentile(std::vector<double> values, double pct);

}  // namespace mote::learn
