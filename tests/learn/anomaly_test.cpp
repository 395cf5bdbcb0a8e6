// runtime/anomaly scorers and the host's GMM factors against numpy/scipy (tests/ref/anomaly.py);
// k-means/GMM fitting on synthetic clusters; the threshold from held-out samples at a stated false-positive
// rate; percentiles and ROC AUC.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <set>

#include "anomaly/gmm.h"
#include "anomaly/kmeans.h"
#include "core/error.h"
#include "learn/anomaly.h"
#include "learn/metrics.h"
#include "support/test_support.h"

using namespace mote;
using nlohmann::json;

namespace {
template <class T>
std::vector<T> vec(const json& j) { return j.get<std::vector<T>>(); }
}  // namespace

TEST(Anomaly, KmeansScoreMatchesNumpy) {
  const auto& d = test::reference_data("anomaly.py", "anomaly.json");
  ASSERT_FALSE(d.is_null()) << "tests/ref/anomaly.py failed";
  for (auto& c : d["kmeans"]) {
    auto sel = vec<uint16_t>(c["select"]);
    auto mean = vec<float>(c["mean"]), gain = vec<float>(c["gain"]), inv_r = vec<float>(c["inv_radius"]),
         inputs = vec<float>(c["inputs"]);
    auto centers = vec<int8_t>(c["centers"]);
    anomaly::KmeansModel m{c["dim"].get<uint16_t>(), c["k"].get<uint16_t>(), sel.data(), mean.data(), gain.data(),
                           centers.data(), inv_r.data()};
    size_t width = c["width"];
    std::vector<float> got;
    for (size_t i = 0; i < inputs.size() / width; ++i) {
      float s = -1;
      ASSERT_EQ(anomaly::kmeans_score_f32(m, inputs.data() + i * width, width, &s), MOTE_OK);
      got.push_back(s);
    }
    EXPECT_LE(test::max_relative_error(got, vec<double>(c["expected"])), 1e-5) << "dim " << c["dim"];
    float s;
    EXPECT_EQ(anomaly::kmeans_score_f32(m, inputs.data(), sel.back(), &s), MOTE_ERR_SHAPE);  // input too short
  }
}

TEST(Anomaly, GmmScoreMatchesScipy) {
  const auto& d = test::reference_data("anomaly.py", "anomaly.json");
  ASSERT_FALSE(d.is_null());
  for (auto& c : d["gmm"]) {
    learn::AnomalyModel m;
    m.type = "gmm";
    m.full = c["full"];
    m.input_width = c["width"];
    m.select = vec<uint16_t>(c["select"]);
    m.mean = vec<float>(c["mean"]);
    m.inv_scale = vec<float>(c["inv_scale"]);
    learn::set_gmm_components(m, vec<double>(c["weights"]), vec<double>(c["means"]), vec<double>(c["covs"]), "test");
    auto inputs = vec<float>(c["inputs"]);
    std::vector<float> got;
    for (size_t i = 0; i < inputs.size() / m.input_width; ++i) got.push_back(learn::anomaly_score(m, inputs.data() + i * m.input_width));
    EXPECT_LE(test::max_relative_error(got, vec<double>(c["expected"])), 1e-4) << "dim " << c["dim"] << " full " << c["full"];
  }
}

TEST(Anomaly, PercentileAndAucMatchNumpy) {
  const auto& d = test::reference_data("anomaly.py", "anomaly.json");
  ASSERT_FALSE(d.is_null());
  for (auto& c : d["percentile"])
    for (size_t q = 0; q < c["q"].size(); ++q)
      EXPECT_NEAR(learn::percentile(vec<double>(c["values"]), c["q"][q].get<double>()), c["expected"][q].get<double>(), 1e-12);
  for (auto& c : d["auc"])
    EXPECT_NEAR(learn::roc_auc(vec<double>(c["pos"]), vec<double>(c["neg"])), c["expected"].get<double>(), 1e-12);
  EXPECT_TRUE(std::isnan(learn::roc_auc({}, {1.0})));
}

namespace {
// Three tight 2-D blobs plus a constant third feature.
std::vector<float> blobs(size_t per, uint64_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0, 0.3f);
  const float cx[] = {0, 5, -5}, cy[] = {0, 5, 5};
  std::vector<float> x;
  for (int b = 0; b < 3; ++b)
    for (size_t i = 0; i < per; ++i) x.insert(x.end(), {cx[b] + n(rng), cy[b] + n(rng), 1.0f});
  return x;
}
}  // namespace

TEST(Anomaly, FitsSeparateNewPointsFromTraining) {
  auto x = blobs(200, 1);
  for (std::string type : {"kmeans", "gmm"}) {
    for (std::string cov : {"diag", "full"}) {
      if (type == "kmeans" && cov == "full") continue;
      // The training rule (threshold_percentile); the hold-out rule has its own tests below.
      json params = type == "kmeans" ? json{{"clusters", 3}} : json{{"components", 3}, {"covariance", cov}};
      params["threshold_percentile"] = 99;
      auto m = learn::fit_anomaly(type, params, "impulse.learn.a", x.data(), 600, 3);
      EXPECT_EQ(m.k, 3);
      auto j = learn::anomaly_to_json(m);
      auto back = learn::anomaly_from_json(j);
      float inside[] = {5.1f, 4.9f, 1.0f}, outside[] = {0, 12, 1.0f};
      EXPECT_LT(learn::anomaly_score(back, inside), back.threshold) << type << " " << cov;
      EXPECT_GT(learn::anomaly_score(back, outside), back.threshold) << type << " " << cov;
      EXPECT_EQ(learn::anomaly_score(back, inside), learn::anomaly_score(m, inside));  // JSON round trip is exact
      // The threshold comes from the training scores' percentile: few training windows lie above it.
      size_t above = 0;
      for (size_t i = 0; i < 600; ++i) above += learn::anomaly_score(m, x.data() + 3 * i) > m.threshold;
      EXPECT_LE(above, 6u) << type;
    }
  }
}

TEST(Anomaly, FitIsDeterministicAndChecksParams) {
  auto x = blobs(50, 2);
  auto a = learn::fit_anomaly("kmeans", {{"clusters", 3}, {"features", {0, 1}}}, "b", x.data(), 150, 3);
  auto b = learn::fit_anomaly("kmeans", {{"clusters", 3}, {"features", {0, 1}}}, "b", x.data(), 150, 3);
  EXPECT_EQ(a.centers, b.centers);
  EXPECT_EQ(a.select, (std::vector<uint16_t>{0, 1}));
  try {
    learn::fit_anomaly("kmeans", {{"features", {7}}}, "impulse.learn.anomaly", x.data(), 150, 3);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("impulse.learn.anomaly.params.features"), std::string::npos) << e.what();
  }
  EXPECT_THROW(learn::fit_anomaly("gmm", {{"clusters", 3}}, "b", x.data(), 150, 3), Error);  // k-means' parameter
  EXPECT_THROW(learn::fit_anomaly("gmm", {{"covariance", "spherical"}}, "b", x.data(), 150, 3), Error);
}

TEST(Metrics, ConfusionPrecisionRecall) {
  auto c = learn::make_confusion({"a", "b"}, {"uncertain"});
  c.add(0, 0), c.add(0, 0), c.add(0, 1), c.add(1, 1), c.add(1, 2);
  EXPECT_DOUBLE_EQ(learn::accuracy(c), 3.0 / 5);
  auto m = learn::class_metrics(c);
  EXPECT_DOUBLE_EQ(m[0].precision, 1.0);
  EXPECT_DOUBLE_EQ(m[0].recall, 2.0 / 3);
  EXPECT_DOUBLE_EQ(m[1].precision, 0.5);
  EXPECT_DOUBLE_EQ(m[1].recall, 0.5);
  EXPECT_DOUBLE_EQ(m[1].f1, 0.5);
  EXPECT_EQ(m[0].support, 3u);
}

TEST(Anomaly, ScorersReturnStatusCodes) {
  float x[4] = {0, 0, 0, 0}, one = 1, zero = 0, s = 0;
  const int8_t centre = 0;
  anomaly::KmeansModel km{1, 1, nullptr, &zero, &one, &centre, &one};
  EXPECT_EQ(anomaly::kmeans_score_f32(km, x, 4, &s), MOTE_OK);
  EXPECT_EQ(s, 0.0f);
  EXPECT_EQ(anomaly::kmeans_score_f32(km, nullptr, 4, &s), MOTE_ERR_ARG);
  km.clusters = 0;
  EXPECT_EQ(anomaly::kmeans_score_f32(km, x, 4, &s), MOTE_ERR_ARG);
  anomaly::GmmModel g{1, 1, false, nullptr, &zero, &one, &zero, &one, &zero};
  EXPECT_EQ(anomaly::gmm_score_f32(g, x, 4, &s), MOTE_OK);
  EXPECT_EQ(s, 0.0f);  // log_norm 0, at the mean
  EXPECT_EQ(anomaly::gmm_score_f32(g, x, 0, &s), MOTE_ERR_SHAPE);
  g.dim = anomaly::kGmmMaxDim + 1;
  EXPECT_EQ(anomaly::gmm_score_f32(g, x, 4, &s), MOTE_ERR_UNSUPPORTED);
}

// The int8 centres (one grid, step max |centre| / 127) move a centre by at most sqrt(dim) x step / 2, so a
// distance by no more: the scorer agrees with float centres in double within that bound (scaled by 1/radius).
TEST(Anomaly, KmeansInt8CentresTrackFloatCentres) {
  auto x = blobs(200, 3);
  auto m = learn::fit_anomaly("kmeans", {{"clusters", 4}}, "b", x.data(), 600, 3);
  ASSERT_EQ(m.centers_q.size(), m.centers.size());
  int top = 0;
  for (int8_t q : m.centers_q) top = std::max(top, std::abs(static_cast<int>(q)));
  EXPECT_EQ(top, 127) << "the largest centre uses the whole grid";
  const size_t dim = m.select.size();
  for (size_t r = 0; r < 600; r += 7) {
    const float* row = x.data() + 3 * r;
    double best = INFINITY;
    int bk = 0;
    for (int k = 0; k < m.k; ++k) {
      double d2 = 0;
      for (size_t i = 0; i < dim; ++i) d2 += std::pow((double(row[m.select[i]]) - m.mean[i]) * m.inv_scale[i] - m.centers[k * dim + i], 2);
      if (d2 < best) best = d2, bk = k;
    }
    const double want = std::sqrt(best) * m.inv_radius[bk];
    const double bound = std::sqrt(double(dim)) * m.center_step / 2 * m.inv_radius[bk];
    EXPECT_NEAR(learn::anomaly_score(m, row), want, bound + 1e-4 * want) << "row " << r;
    EXPECT_LT(bound, 0.5) << "the grid is fine against the clusters' spread";
  }
}

namespace {
// Recordings of blobs: `samples` samples per blob (label a, b, c), `per` windows each; a sample's windows
// share a small offset, as windows of one recording do.
learn::AnomalyRows recordings(std::vector<float>& x, size_t samples, size_t per, uint64_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0, 0.3f), drift(0, 0.1f);
  const float cx[] = {0, 5, -5}, cy[] = {0, 5, 5};
  learn::AnomalyRows r;
  x.clear();
  int64_t id = 100;
  for (int b = 0; b < 3; ++b)
    for (size_t s = 0; s < samples; ++s, ++id) {
      float ox = drift(rng), oy = drift(rng);
      for (size_t i = 0; i < per; ++i) {
        x.insert(x.end(), {cx[b] + ox + n(rng), cy[b] + oy + n(rng), 1.0f});
        r.sample.push_back(id);
        r.label.push_back(std::string(1, char('a' + b)));
      }
    }
  r.x = x.data(), r.n = r.sample.size(), r.width = 3;
  return r;
}
}  // namespace

TEST(Anomaly, HoldoutKeepsWholeSamplesStratifiedAndSeeded) {
  std::vector<float> x;
  auto rows = recordings(x, 10, 7, 4);
  auto held = learn::holdout_rows(rows, 0.2, 1);
  EXPECT_EQ(held, learn::holdout_rows(rows, 0.2, 1)) << "deterministic with a seed";
  EXPECT_NE(held, learn::holdout_rows(rows, 0.2, 2)) << "another seed, another split";
  std::map<int64_t, std::set<bool>> sides;
  std::map<std::string, std::set<int64_t>> out;
  for (size_t r = 0; r < rows.n; ++r) {
    sides[rows.sample[r]].insert(held[r]);
    if (held[r]) out[rows.label[r]].insert(rows.sample[r]);
  }
  for (auto& [id, s] : sides) EXPECT_EQ(s.size(), 1u) << "sample " << id << " lies on both sides";
  ASSERT_EQ(out.size(), 3u);
  for (auto& [label, ids] : out) EXPECT_EQ(ids.size(), 2u) << label << ": round(0.2 x 10) samples held out";
  // A label with 2 samples gives 1; a label with 1 sample gives none; fraction 0 holds out nothing.
  learn::AnomalyRows few = rows;
  few.sample = {1, 1, 2, 3};
  few.label = {"a", "a", "a", "b"};
  few.n = 4;
  auto h = learn::holdout_rows(few, 0.2, 1);
  EXPECT_EQ(h[0], h[1]);
  EXPECT_NE(h[0], h[2]);
  EXPECT_FALSE(h[3]);
  EXPECT_EQ(learn::holdout_rows(rows, 0, 1), std::vector<bool>(rows.n, false));
}

TEST(Anomaly, ThresholdAtRateLeavesFloorOfRateAbove) {
  std::vector<double> v(250);
  for (size_t i = 0; i < v.size(); ++i) v[i] = double((i * 37) % 250);  // 0..249, shuffled
  EXPECT_EQ(learn::threshold_at_rate(v, 0.01), 247.0f);                 // floor(2.5) = 2 above: 248, 249
  EXPECT_EQ(learn::threshold_at_rate(v, 0.0), 249.0f);                  // none above: the largest
  EXPECT_EQ(learn::threshold_at_rate(v, 0.1), 224.0f);                  // 25 above
  EXPECT_EQ(learn::threshold_at_rate(std::vector<double>(100, 1.0), 0.05), 1.0f) << "ties: none above";
  EXPECT_EQ(learn::threshold_at_rate(std::vector<double>(10, 0.5), 0.29), 0.5f);
  std::vector<double> hundred(100);
  for (size_t i = 0; i < 100; ++i) hundred[i] = double(i);
  EXPECT_EQ(learn::threshold_at_rate(hundred, 0.07), 92.0f) << "7 above despite 0.07 x 100 rounding";
}

TEST(Anomaly, ThresholdComesFromHeldOutWindowsAtTheStatedRate) {
  std::vector<float> x;
  auto rows = recordings(x, 20, 10, 5);  // 60 samples, 600 windows; 12 samples (120 windows) held out
  for (std::string type : {"kmeans", "gmm"}) {
    for (double rate : {0.01, 0.05}) {
      json params = type == "kmeans" ? json{{"clusters", 3}} : json{{"components", 3}};
      params["false_positive_rate"] = rate;
      auto m = learn::fit_anomaly(type, params, "impulse.learn.a", rows);
      ASSERT_EQ(m.threshold_rule, "holdout");
      const auto& s = m.score;
      EXPECT_EQ(s.holdout_samples, 12u);
      EXPECT_EQ(s.holdout_windows, 120u);
      EXPECT_EQ(s.fit_windows, 480u);
      EXPECT_EQ(s.fit_samples, 48u);
      // Score the held-out windows again: exactly floor(rate x 120) lie above the threshold.
      auto held = learn::holdout_rows(rows, 0.2, 1);
      size_t above = 0;
      for (size_t r = 0; r < rows.n; ++r)
        if (held[r]) above += learn::anomaly_score(m, x.data() + 3 * r) > m.threshold;
      EXPECT_EQ(above, static_cast<size_t>(std::floor(rate * 120 + 1e-9))) << type << " " << rate;
      EXPECT_DOUBLE_EQ(s.fpr, above / 120.0);
      EXPECT_EQ(s.threshold, m.threshold);
      EXPECT_TRUE(std::isfinite(s.separation) && s.separation > 0) << type;
      float outside[] = {0, 12, 1.0f};
      EXPECT_GT(learn::anomaly_score(m, outside), m.threshold) << type;
      // The tuner's entry point gives the same figures; the JSON round trip keeps rule and threshold.
      auto t = learn::score_anomaly_holdout(type, params, "impulse.learn.a", rows);
      EXPECT_EQ(t.threshold, s.threshold);
      EXPECT_EQ(t.fpr, s.fpr);
      EXPECT_EQ(t.separation, s.separation);
      auto back = learn::anomaly_from_json(learn::anomaly_to_json(m));
      EXPECT_EQ(back.threshold, m.threshold);
      EXPECT_EQ(back.threshold_rule, "holdout");
      EXPECT_EQ(back.false_positive_rate, rate);
    }
  }
  // Deterministic with a seed; another seed holds out other samples.
  auto a = learn::score_anomaly_holdout("kmeans", {{"clusters", 3}, {"seed", 7}}, "b", rows);
  auto b = learn::score_anomaly_holdout("kmeans", {{"clusters", 3}, {"seed", 7}}, "b", rows);
  EXPECT_EQ(a.threshold, b.threshold);
  EXPECT_EQ(a.separation, b.separation);
}

TEST(Anomaly, OldThresholdParamsStillWorkAndMixingIsRefused) {
  std::vector<float> x;
  auto rows = recordings(x, 10, 5, 6);
  auto m = learn::fit_anomaly("kmeans", {{"clusters", 3}, {"threshold_percentile", 95}}, "b", rows);
  EXPECT_EQ(m.threshold_rule, "training");
  EXPECT_EQ(m.score.fit_windows, rows.n) << "fits on every training window";
  std::vector<double> scores;
  for (size_t r = 0; r < rows.n; ++r) scores.push_back(learn::anomaly_score(m, x.data() + 3 * r));
  double p = learn::percentile(scores, 95), med = learn::percentile(scores, 50);
  EXPECT_FLOAT_EQ(m.threshold, static_cast<float>(p + 2 * (p - med)));
  EXPECT_EQ(learn::anomaly_from_json(learn::anomaly_to_json(m)).threshold_rule, "training");
  EXPECT_EQ(learn::fit_anomaly("kmeans", {{"holdout", 0}}, "b", rows).threshold_rule, "training");
  // A stored model from before the hold-out (no threshold_rule) reads as the training rule.
  json old = learn::anomaly_to_json(m);
  old.erase("threshold_rule");
  EXPECT_EQ(learn::anomaly_from_json(old).threshold_rule, "training");

  auto refused = [&](const json& params, const std::string& field) {
    try {
      learn::check_anomaly_params("kmeans", params, "impulse.learn.anomaly", 3);
      ADD_FAILURE() << params.dump() << " was accepted";
    } catch (const Error& e) {
      std::string msg = e.what();
      EXPECT_NE(msg.find("impulse.learn.anomaly.params." + field), std::string::npos) << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
    }
  };
  refused({{"false_positive_rate", 0.6}}, "false_positive_rate");
  refused({{"false_positive_rate", "1%"}}, "false_positive_rate");
  refused({{"holdout", 0.95}}, "holdout");
  refused({{"holdout", -0.1}}, "holdout");
  refused({{"threshold_percentile", 99}, {"false_positive_rate", 0.01}}, "false_positive_rate");
  refused({{"threshold_margin", 1}, {"holdout", 0.3}}, "holdout");
  refused({{"holdout", 0}, {"false_positive_rate", 0.01}}, "false_positive_rate");
  refused({{"percentile", 99}}, "percentile");
  // Nothing to hold out: every label has a single sample.
  learn::AnomalyRows one = rows;
  one.sample.assign(rows.n, 1);
  one.label.assign(rows.n, "a");
  try {
    learn::fit_anomaly("kmeans", {{"clusters", 2}}, "impulse.learn.anomaly", one);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("impulse.learn.anomaly.params.holdout"), std::string::npos) << e.what();
  }
}
