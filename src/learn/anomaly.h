// Anomaly blocks on the host: fit k-means or a Gaussian mixture (Armadillo) on the training windows'
// features, then score with the device's own scorers (runtime/anomaly) so both agree.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mote::learn {

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
  double percentile = 99;    // of the training scores, that set the threshold
  double margin = 2;         // threshold = P + margin x (P - median), P = the training scores' percentile
  nlohmann::json params;     // resolved parameters
};

// Parses params (errors name `where`.params.<field>) and fits on n rows of `width` features.
AnomalyModel fit_anomaly(const std::string& type, const nlohmann::json& params, const std::string& where,
                         const float* rows, size_t n, size_t width);

// Checks a kmeans/gmm block's params against an input of `width` features without fitting (for
// `mote impulse set`); errors name `where`.params.<field>.
void check_anomaly_params(const std::string& type, const nlohmann::json& params, const std::string& where, size_t width);

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
