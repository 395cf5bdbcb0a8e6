#include "learn/anomaly.h"

#include <algorithm>
#include <armadillo>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <set>

#include "anomaly/gmm.h"
#include "anomaly/kmeans.h"
#include "core/error.h"
#include "impulse/blocks/params.h"

using nlohmann::json;

namespace mote::learn {

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

using blocks::ParamType;

std::vector<blocks::ParamSpec> anomaly_params(bool km) {
  std::vector<blocks::ParamSpec> p = {
      {.name = "features", .type = ParamType::Json, .help = "indices of the DSP features it reads, e.g. [0, 1, 35]", .depends = "every feature"},
      km ? blocks::ParamSpec{.name = "clusters", .type = ParamType::Integer, .lo = 1, .hi = 256, .fallback = 16,
                             .help = "k-means clusters (capped at half the training windows)"}
         : blocks::ParamSpec{.name = "components", .type = ParamType::Integer, .lo = 1, .hi = anomaly::kGmmMaxComponents, .fallback = 4,
                             .help = "Gaussian mixture components (capped at half the training windows)"},
      {.name = "holdout", .type = ParamType::Number, .lo = 0, .hi = 0.9, .fallback = 0.2,
       .help = "share of training samples held out to set the threshold (0: from the training windows)"},
      {.name = "false_positive_rate", .type = ParamType::Number, .lo = 0, .hi = 0.5, .fallback = 0.01,
       .help = "share of held-out normal windows allowed above the threshold", .rule = "needs holdout > 0; not with threshold_percentile/margin"},
      {.name = "threshold_percentile", .type = ParamType::Number, .lo = 50, .hi = 100, .fallback = 99,
       .help = "(older rule) threshold at this percentile of the training windows' scores", .rule = "not with false_positive_rate"},
      {.name = "threshold_margin", .type = ParamType::Number, .lo = 0, .hi = 1000, .fallback = 2,
       .help = "(older rule) margin over that percentile", .rule = "not with false_positive_rate"},
      {.name = "seed", .type = ParamType::Number, .lo = 0, .hi = 4294967295.0, .fallback = 1, .help = "random seed of the fit"},
  };
  if (!km)
    p.push_back({.name = "covariance", .type = ParamType::Choice, .fallback = "diag", .help = "per component: diagonal or full covariance",
                 .choices = {"diag", "full"}});
  return p;
}

// The parameters of a kmeans/gmm block over `width` input features, checked without data (the number of
// clusters is capped by the training windows later, in fit_anomaly).
AnomalyModel parse_anomaly_params(const std::string& type, const json& params_in, const std::string& where_in, size_t width,
                                  uint64_t* seed, std::string* cov) {
  const std::string where = where_in + ".params";
  json params = params_in.is_null() ? json::object() : params_in;
  if (!params.is_object()) throw error_at(where, "must be an object");
  bool km = type == "kmeans";
  const blocks::BlockSchema& schema = anomaly_schema(type);
  for (auto& [k, v] : params.items())
    if (!schema.find(k)) throw error_at(where + "." + k, "is not a parameter of a " + type + " block; see docs/blocks.md");
  blocks::Params p(params, where_in, schema);
  p.raw("features");
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
  m.k = p.integer(km ? "clusters" : "components");
  m.percentile = p.number("threshold_percentile");
  m.margin = p.number("threshold_margin");
  m.holdout = p.number("holdout");
  m.false_positive_rate = p.number("false_positive_rate");
  // An explicit threshold_percentile / threshold_margin (projects from before the hold-out) keeps the
  // threshold from the training windows; so does holdout 0. Mixing the two rules is refused.
  const char* old_rule = params.contains("threshold_percentile") ? "threshold_percentile"
                         : params.contains("threshold_margin")   ? "threshold_margin" : nullptr;
  if (old_rule && params.contains("false_positive_rate"))
    throw error_at(where + ".false_positive_rate", std::string("cannot be combined with ") + old_rule +
                   " (that sets the threshold from the training windows); remove one");
  if (old_rule && m.holdout > 0 && params.contains("holdout"))
    throw error_at(where + ".holdout", std::string("cannot be combined with ") + old_rule +
                   " (that fits on every training window); remove one, or set holdout 0");
  if (!old_rule && params.contains("false_positive_rate") && m.holdout == 0)
    throw error_at(where + ".false_positive_rate", "needs held-out windows, but holdout is 0; set holdout (e.g. 0.2)");
  m.threshold_rule = old_rule || m.holdout == 0 ? "training" : "holdout";
  if (m.threshold_rule == "training") m.holdout = 0;
  *seed = static_cast<uint64_t>(p.number("seed"));
  *cov = "diag";
  if (!km) {
    *cov = p.choice("covariance");
    m.full = *cov == "full";
  }
  p.finish();  // every declared parameter was read
  return m;
}

}  // namespace

const blocks::BlockSchema& anomaly_schema(const std::string& type) {
  static const blocks::BlockSchema km{"kmeans", "learn", "k-means anomaly score: distance to the nearest cluster of normal windows", anomaly_params(true)};
  static const blocks::BlockSchema gmm{"gmm", "learn", "Gaussian mixture anomaly score: negative log-likelihood under the normal windows", anomaly_params(false)};
  return type == "kmeans" ? km : gmm;
}

void check_anomaly_params(const std::string& type, const json& params, const std::string& where, size_t width) {
  uint64_t seed = 0;
  std::string cov;
  parse_anomaly_params(type, params, where, width, &seed, &cov);
}

namespace {

// Fits m (parsed, not yet fitted) on n rows of `width` features.
void fit_rows(AnomalyModel& m, uint64_t seed, const std::string& where_in, const float* rows, size_t n, size_t width) {
  bool km = m.type == "kmeans";
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
}

}  // namespace

float threshold_at_rate(std::vector<double> v, double rate) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t above = static_cast<size_t>(std::floor(rate * v.size() + 1e-9));
  above = std::min(above, v.size() - 1);
  return static_cast<float>(v[v.size() - 1 - above]);
}

std::vector<bool> holdout_rows(const AnomalyRows& rows, double fraction, uint64_t seed) {
  std::vector<bool> held(rows.n, false);
  if (fraction <= 0) return held;
  auto sample = [&](size_t r) { return rows.sample.empty() ? static_cast<int64_t>(r) : rows.sample[r]; };
  std::map<std::string, std::set<int64_t>> by_label;
  for (size_t r = 0; r < rows.n; ++r) by_label[rows.label.empty() ? std::string() : rows.label[r]].insert(sample(r));
  std::mt19937_64 rng(seed);
  std::set<int64_t> out;
  for (auto& [label, ids] : by_label) {
    std::vector<int64_t> v(ids.begin(), ids.end());
    std::shuffle(v.begin(), v.end(), rng);
    size_t k = static_cast<size_t>(std::lround(fraction * v.size()));
    if (v.size() >= 2) k = std::clamp<size_t>(k, 1, v.size() - 1);
    else k = 0;
    out.insert(v.begin(), v.begin() + k);
  }
  for (size_t r = 0; r < rows.n; ++r) held[r] = out.count(sample(r)) > 0;
  return held;
}

AnomalyModel fit_anomaly(const std::string& type, const json& params_in, const std::string& where_in, const AnomalyRows& rows) {
  uint64_t seed = 1;
  std::string cov;
  AnomalyModel m = parse_anomaly_params(type, params_in, where_in, rows.width, &seed, &cov);
  const json params = params_in.is_null() ? json::object() : params_in;
  const bool km = type == "kmeans";
  if ((!rows.sample.empty() && rows.sample.size() != rows.n) || (!rows.label.empty() && rows.label.size() != rows.n))
    throw Error("fit_anomaly: sample/label lists do not match the rows");
  const size_t width = rows.width;
  if (m.threshold_rule == "training") {
    fit_rows(m, seed, where_in, rows.x, rows.n, width);
    std::vector<double> scores(rows.n);
    for (size_t r = 0; r < rows.n; ++r) scores[r] = anomaly_score(m, rows.x + r * width);
    // The rule before the hold-out: windows the model was fitted on score lower than unseen ones, so the
    // threshold sits `margin` times the training spread (percentile - median) above the percentile.
    double base = percentile(scores, m.percentile), median = percentile(scores, 50);
    m.threshold = static_cast<float>(base + m.margin * (base - median));
    m.score = AnomalyScore{};
    m.score.threshold = m.threshold;
    m.score.fpr = m.score.separation = m.score.median = m.score.p99 = m.score.max = NAN;
    m.score.fit_windows = rows.n;
    m.params = {{"threshold_percentile", m.percentile}, {"threshold_margin", m.margin}, {"holdout", 0}};
  } else {
    std::vector<bool> held = holdout_rows(rows, m.holdout, seed);
    std::vector<float> fit, out;
    std::set<int64_t> fit_ids, out_ids;
    for (size_t r = 0; r < rows.n; ++r) {
      (held[r] ? out : fit).insert((held[r] ? out : fit).end(), rows.x + r * width, rows.x + (r + 1) * width);
      (held[r] ? out_ids : fit_ids).insert(rows.sample.empty() ? static_cast<int64_t>(r) : rows.sample[r]);
    }
    if (out_ids.empty())
      throw error_at(where_in + ".params.holdout", "holds out whole samples, but no label has 2 training samples; import more "
                                                   "recordings, or set holdout 0 (threshold from the training windows)");
    size_t n_fit = fit.size() / width, n_out = out.size() / width;
    fit_rows(m, seed, where_in, fit.data(), n_fit, width);
    std::vector<double> scores(n_out);
    for (size_t r = 0; r < n_out; ++r) scores[r] = anomaly_score(m, out.data() + r * width);
    m.threshold = threshold_at_rate(scores, m.false_positive_rate);
    AnomalyScore& s = m.score;
    s = AnomalyScore{};
    s.threshold = m.threshold;
    s.fpr = double(std::count_if(scores.begin(), scores.end(), [&](double v) { return v > m.threshold; })) / n_out;
    s.median = percentile(scores, 50), s.p99 = percentile(scores, 99), s.max = percentile(scores, 100);
    std::vector<double> dev(n_out);
    for (size_t r = 0; r < n_out; ++r) dev[r] = std::fabs(scores[r] - s.median);
    const double spread = 1.4826 * percentile(dev, 50);  // MAD, scaled to a normal's standard deviation
    s.separation = spread > 0 ? (m.threshold - s.median) / spread : NAN;
    s.fit_windows = n_fit, s.fit_samples = fit_ids.size(), s.holdout_windows = n_out, s.holdout_samples = out_ids.size();
    m.params = {{"holdout", m.holdout}, {"false_positive_rate", m.false_positive_rate}};
  }
  m.params[km ? "clusters" : "components"] = m.k;
  m.params["seed"] = seed;
  if (params.contains("features")) m.params["features"] = params["features"];
  if (!km) m.params["covariance"] = cov;
  return m;
}

AnomalyModel fit_anomaly(const std::string& type, const json& params, const std::string& where, const float* rows, size_t n,
                         size_t width) {
  AnomalyRows r;
  r.x = rows, r.n = n, r.width = width;
  return fit_anomaly(type, params, where, r);
}

AnomalyScore score_anomaly_holdout(const std::string& type, const json& params, const std::string& where, const AnomalyRows& rows) {
  return fit_anomaly(type, params, where, rows).score;
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
            {"inv_scale", m.inv_scale}, {"k", m.k}, {"threshold", m.threshold}, {"threshold_rule", m.threshold_rule},
            {"params", m.params}};
  if (m.threshold_rule == "training") j["percentile"] = m.percentile, j["margin"] = m.margin;
  else j["false_positive_rate"] = m.false_positive_rate, j["holdout"] = m.holdout;
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
    m.threshold_rule = j.value("threshold_rule", "training");  // models from before the hold-out
    m.percentile = j.value("percentile", 99.0);
    m.margin = j.value("margin", 2.0);
    m.false_positive_rate = j.value("false_positive_rate", 0.01);
    m.holdout = j.value("holdout", m.threshold_rule == "training" ? 0.0 : 0.2);
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
