#include "learn/anomaly.h"

#include <algorithm>
#include <armadillo>
#include <cmath>
#include <cstdio>

#include "anomaly/gmm.h"
#include "anomaly/kmeans.h"
#include "core/error.h"

using nlohmann::json;

namespace mote::learn {

namespace {

double number(const json& obj, const char* key, double fallback, const std::string& where, double lo, double hi) {
  if (!obj.contains(key)) return fallback;
  if (!obj[key].is_number()) throw error_at(where + "." + key, "must be a number");
  double d = obj[key].get<double>();
  if (!(d >= lo && d <= hi)) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%g is out of range; use %g to %g", d, lo, hi);
    throw error_at(where + "." + key, buf);
  }
  return d;
}

}  // namespace

double percentile(std::vector<double> v, double pct) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  double pos = pct / 100.0 * (v.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(v.size() - 1, lo + 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

void set_gmm_components(AnomalyModel& m, const std::vector<double>& weights, const std::vector<double>& means,
                        const std::vector<double>& covs, const std::string& where) {
  size_t dim = m.select.size(), k_n = weights.size();
  m.k = static_cast<int>(k_n);
  m.centers.resize(k_n * dim);
  m.log_norm.resize(k_n);
  m.factors.resize(k_n * (m.full ? dim * dim : dim));
  const double log2pi = std::log(2 * M_PI);
  for (size_t k = 0; k < k_n; ++k) {
    for (size_t i = 0; i < dim; ++i) m.centers[k * dim + i] = static_cast<float>(means[k * dim + i]);
    double half_log_det_prec = 0;
    if (m.full) {
      arma::mat cov(covs.data() + k * dim * dim, dim, dim);
      arma::mat prec = arma::inv_sympd(arma::symmatu(cov));
      arma::mat U;
      if (!arma::chol(U, arma::symmatu(prec)))  // upper: prec = U^T U
        throw error_at(where, "a covariance is singular; use covariance diag or fewer features");
      for (size_t r = 0; r < dim; ++r) {
        half_log_det_prec += std::log(U(r, r));
        for (size_t c = 0; c < dim; ++c) m.factors[(k * dim + r) * dim + c] = c >= r ? static_cast<float>(U(r, c)) : 0.0f;
      }
    } else {
      for (size_t i = 0; i < dim; ++i) {
        double u = 1.0 / std::sqrt(covs[k * dim + i]);
        m.factors[k * dim + i] = static_cast<float>(u);
        half_log_det_prec += std::log(u);
      }
    }
    m.log_norm[k] = static_cast<float>(std::log(std::max(1e-300, weights[k])) - 0.5 * dim * log2pi + half_log_det_prec);
  }
}

namespace {

// The parameters of a kmeans/gmm block over `width` input features, checked without data (the number of
// clusters is capped by the training windows later, in fit_anomaly).
AnomalyModel parse_anomaly_params(const std::string& type, const json& params_in, const std::string& where_in, size_t width,
                                  uint64_t* seed, std::string* cov) {
  const std::string where = where_in + ".params";
  json params = params_in.is_null() ? json::object() : params_in;
  if (!params.is_object()) throw error_at(where, "must be an object");
  bool km = type == "kmeans";
  for (auto& [k, v] : params.items())
    if (k != "features" && k != "threshold_percentile" && k != "threshold_margin" && k != "seed" && k != (km ? "clusters" : "components") &&
        (km || k != "covariance"))
      throw error_at(where + "." + k, "is not a parameter of a " + type + " block; see docs/learn.md");
  AnomalyModel m;
  m.type = type;
  m.input_width = width;
  if (params.contains("features")) {
    if (!params["features"].is_array() || params["features"].empty())
      throw error_at(where + ".features", "must be a non-empty list of feature indices");
    for (auto& f : params["features"]) {
      if (!f.is_number_integer() || f.get<int64_t>() < 0 || f.get<int64_t>() >= static_cast<int64_t>(width))
        throw error_at(where + ".features", "holds " + f.dump() + "; indices run 0 to " + std::to_string(width - 1));
      m.select.push_back(f.get<uint16_t>());
    }
  } else {
    if (width > 65535) throw error_at(where + ".features", "the input has too many features; choose some");
    for (size_t i = 0; i < width; ++i) m.select.push_back(static_cast<uint16_t>(i));
  }
  size_t dim = m.select.size();
  if (!km && dim > anomaly::kGmmMaxDim)
    throw error_at(where + ".features", "a GMM reads at most " + std::to_string(anomaly::kGmmMaxDim) + " features; choose fewer");
  m.k = static_cast<int>(number(params, km ? "clusters" : "components", km ? 16 : 4, where, 1, km ? 256 : anomaly::kGmmMaxComponents));
  m.percentile = number(params, "threshold_percentile", 99, where, 50, 100);
  m.margin = number(params, "threshold_margin", 2, where, 0, 1000);
  *seed = static_cast<uint64_t>(number(params, "seed", 1, where, 0, 4294967295.0));
  *cov = "diag";
  if (!km) {
    if (params.contains("covariance") && (!params["covariance"].is_string() ||
                                          (params["covariance"] != "full" && params["covariance"] != "diag")))
      throw error_at(where + ".covariance", "must be full or diag");
    *cov = params.value("covariance", "diag");
    m.full = *cov == "full";
  }
  return m;
}

}  // namespace

void check_anomaly_params(const std::string& type, const json& params, const std::string& where, size_t width) {
  uint64_t seed = 0;
  std::string cov;
  parse_anomaly_params(type, params, where, width, &seed, &cov);
}

AnomalyModel fit_anomaly(const std::string& type, const json& params_in, const std::string& where_in, const float* rows,
                         size_t n, size_t width) {
  uint64_t seed = 1;
  std::string cov;
  AnomalyModel m = parse_anomaly_params(type, params_in, where_in, width, &seed, &cov);
  const json params = params_in.is_null() ? json::object() : params_in;
  bool km = type == "kmeans";
  if (n < 2) throw error_at(where_in, "needs at least 2 training windows to fit; import more training data");
  size_t dim = m.select.size();
  int max_k = static_cast<int>(std::min<size_t>(km ? 256 : anomaly::kGmmMaxComponents, n / 2));
  m.k = std::max(1, std::min(m.k, max_k));

  // Standardize each chosen feature over the training windows; constant ones get scale 1.
  arma::mat data(dim, n);
  m.mean.assign(dim, 0);
  m.inv_scale.assign(dim, 1);
  for (size_t i = 0; i < dim; ++i) {
    double s = 0, s2 = 0;
    for (size_t r = 0; r < n; ++r) s += rows[r * width + m.select[i]];
    double mu = s / n;
    for (size_t r = 0; r < n; ++r) s2 += std::pow(rows[r * width + m.select[i]] - mu, 2);
    double sd = std::sqrt(s2 / n);
    m.mean[i] = static_cast<float>(mu);
    m.inv_scale[i] = sd > 1e-9 ? static_cast<float>(1.0 / sd) : 1.0f;
  }
  for (size_t r = 0; r < n; ++r)
    for (size_t i = 0; i < dim; ++i)
      data(i, r) = (rows[r * width + m.select[i]] - m.mean[i]) * m.inv_scale[i];  // as the scorer computes it

  arma::arma_rng::set_seed(seed);
  if (km) {
    arma::mat means;
    if (!arma::kmeans(means, data, m.k, arma::static_spread, 30, false))
      throw error_at(where_in, "k-means did not converge; try fewer clusters");
    m.centers.resize(m.k * dim);
    for (int k = 0; k < m.k; ++k)
      for (size_t i = 0; i < dim; ++i) m.centers[k * dim + i] = static_cast<float>(means(i, k));
    quantize_kmeans(m);  // the radii are measured to the centres the scorer holds (int8)
    // Radius: RMS distance of each cluster's members; an empty or single-point cluster takes the median one.
    std::vector<double> ss(m.k, 0);
    std::vector<size_t> count(m.k, 0);
    const double step = m.center_step;
    for (size_t r = 0; r < n; ++r) {
      double best = INFINITY;
      int bk = 0;
      for (int k = 0; k < m.k; ++k) {
        double d2 = 0;
        for (size_t i = 0; i < dim; ++i) d2 += std::pow(double(float(data(i, r))) - step * m.centers_q[i * m.k + k], 2);
        if (d2 < best) best = d2, bk = k;
      }
      ss[bk] += best;
      count[bk]++;
    }
    std::vector<double> radius(m.k), valid;
    for (int k = 0; k < m.k; ++k) {
      radius[k] = count[k] > 1 ? std::sqrt(ss[k] / count[k]) : 0;
      if (radius[k] > 1e-6) valid.push_back(radius[k]);
    }
    double fallback = valid.empty() ? 1.0 : percentile(valid, 50);
    m.inv_radius.resize(m.k);
    for (int k = 0; k < m.k; ++k) m.inv_radius[k] = static_cast<float>(1.0 / (radius[k] > 1e-6 ? radius[k] : fallback));
    quantize_kmeans(m);
  } else {
    arma::mat means, covs;
    arma::rowvec hefts;
    std::vector<arma::mat> full_covs;
    double floor = 1e-4;  // variance floor in standardized units: keeps precision factors finite
    if (m.full) {
      arma::gmm_full g;
      if (!g.learn(data, m.k, arma::maha_dist, arma::static_spread, 10, 50, floor, false))
        throw error_at(where_in, "the Gaussian mixture did not fit; try fewer components or covariance diag");
      means = g.means, hefts = g.hefts;
      for (int k = 0; k < m.k; ++k) full_covs.push_back(g.fcovs.slice(k));
    } else {
      arma::gmm_diag g;
      if (!g.learn(data, m.k, arma::maha_dist, arma::static_spread, 10, 50, floor, false))
        throw error_at(where_in, "the Gaussian mixture did not fit; try fewer components");
      means = g.means, covs = g.dcovs, hefts = g.hefts;
    }
    std::vector<double> w(m.k), mu(m.k * dim), cv;
    for (int k = 0; k < m.k; ++k) {
      w[k] = hefts(k);
      for (size_t i = 0; i < dim; ++i) mu[k * dim + i] = means(i, k);
      if (m.full) cv.insert(cv.end(), full_covs[k].begin(), full_covs[k].end());  // symmetric: order is moot
      else
        for (size_t i = 0; i < dim; ++i) cv.push_back(covs(i, k));
    }
    set_gmm_components(m, w, mu, cv, where_in);
  }
  std::vector<double> scores(n);
  for (size_t r = 0; r < n; ++r) scores[r] = anomaly_score(m, rows + r * width);
  // Unseen windows of known classes score higher than the windows the model was fitted on: the threshold
  // sits `margin` times the training scores' spread (percentile - median) above the percentile. Scale-free,
  // so one default serves distances (k-means) and log-likelihoods (GMM) alike.
  double base = percentile(scores, m.percentile), median = percentile(scores, 50);
  m.threshold = static_cast<float>(base + m.margin * (base - median));
  m.params = {{km ? "clusters" : "components", m.k}, {"threshold_percentile", m.percentile}, {"threshold_margin", m.margin},
              {"seed", seed}};
  if (params.contains("features")) m.params["features"] = params["features"];
  if (!km) m.params["covariance"] = cov;
  return m;
}

void quantize_kmeans(AnomalyModel& m) {
  const size_t dim = m.select.size(), k_n = static_cast<size_t>(m.k);
  if (m.centers.size() != k_n * dim || m.inv_scale.size() != dim) throw Error("anomaly model: sizes do not match; run mote train again");
  double top = 0;
  for (float c : m.centers) top = std::max(top, std::fabs(static_cast<double>(c)));
  const double step = top > 0 ? top / 127.0 : 1.0;
  m.center_step = static_cast<float>(step);
  m.centers_q.assign(k_n * dim, 0);
  for (size_t k = 0; k < k_n; ++k)
    for (size_t i = 0; i < dim; ++i)
      m.centers_q[i * k_n + k] = static_cast<int8_t>(std::clamp(std::lround(m.centers[k * dim + i] / step), -127l, 127l));
  m.gain.resize(dim);
  for (size_t i = 0; i < dim; ++i) m.gain[i] = static_cast<float>(m.inv_scale[i] / step);
  m.grid_inv_radius.resize(m.inv_radius.size());
  for (size_t k = 0; k < m.inv_radius.size(); ++k) m.grid_inv_radius[k] = static_cast<float>(m.inv_radius[k] * step);
}

float anomaly_score(const AnomalyModel& m, const float* row) {
  float score = 0;
  Status st;
  uint16_t dim = static_cast<uint16_t>(m.select.size());
  if (m.type == "kmeans") {
    if (m.centers_q.size() != m.centers.size() || m.grid_inv_radius.size() != static_cast<size_t>(m.k))
      throw Error("anomaly kmeans scorer: the model is not quantized (learn::quantize_kmeans)");
    anomaly::KmeansModel km{dim, static_cast<uint16_t>(m.k), m.select.data(), m.mean.data(), m.gain.data(),
                            m.centers_q.data(), m.grid_inv_radius.data()};
    st = anomaly::kmeans_score_f32(km, row, m.input_width, &score);
  } else {
    anomaly::GmmModel g{dim, static_cast<uint16_t>(m.k), m.full, m.select.data(), m.mean.data(), m.inv_scale.data(),
                        m.centers.data(), m.factors.data(), m.log_norm.data()};
    st = anomaly::gmm_score_f32(g, row, m.input_width, &score);
  }
  if (st != MOTE_OK) throw Error("anomaly " + m.type + " scorer: " + status_string(st));
  return score;
}

json anomaly_to_json(const AnomalyModel& m) {
  json j = {{"type", m.type}, {"input_width", m.input_width}, {"select", m.select}, {"mean", m.mean},
            {"inv_scale", m.inv_scale}, {"k", m.k}, {"threshold", m.threshold}, {"percentile", m.percentile},
            {"params", m.params}};
  if (m.type == "kmeans") {
    j["centers"] = m.centers;
    j["inv_radius"] = m.inv_radius;
  } else {
    j["means"] = m.centers;
    j["factors"] = m.factors;
    j["log_norm"] = m.log_norm;
    j["covariance"] = m.full ? "full" : "diag";
  }
  return j;
}

AnomalyModel anomaly_from_json(const json& j) {
  AnomalyModel m;
  try {
    m.type = j.at("type").get<std::string>();
    m.input_width = j.at("input_width").get<size_t>();
    m.select = j.at("select").get<std::vector<uint16_t>>();
    m.mean = j.at("mean").get<std::vector<float>>();
    m.inv_scale = j.at("inv_scale").get<std::vector<float>>();
    m.k = j.at("k").get<int>();
    m.threshold = j.at("threshold").get<float>();
    m.percentile = j.value("percentile", 99.0);
    m.params = j.value("params", json::object());
    if (m.type == "kmeans") {
      m.centers = j.at("centers").get<std::vector<float>>();
      m.inv_radius = j.at("inv_radius").get<std::vector<float>>();
    } else {
      m.centers = j.at("means").get<std::vector<float>>();
      m.factors = j.at("factors").get<std::vector<float>>();
      m.log_norm = j.at("log_norm").get<std::vector<float>>();
      m.full = j.value("covariance", "diag") == "full";
    }
  } catch (const json::exception& e) {
    throw Error(std::string("anomaly model: malformed JSON (") + e.what() + "); run mote train again");
  }
  size_t dim = m.select.size();
  if (m.mean.size() != dim || m.inv_scale.size() != dim || m.centers.size() != dim * m.k)
    throw Error("anomaly model: sizes do not match; run mote train again");
  if (m.type == "kmeans") {
    if (m.inv_radius.size() != static_cast<size_t>(m.k)) throw Error("anomaly model: sizes do not match; run mote train again");
    quantize_kmeans(m);
  }
  return m;
}

}  // namespace mote::learn
