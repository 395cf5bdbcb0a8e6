// The anomaly block for the studio: every window's features the block reads, standardized as its scorer sees
// them, over two chosen features, with the k-means centres (and radii) or GMM means; and the windows' anomaly
// scores as a histogram against the threshold.
#include <algorithm>
#include <cmath>
#include <set>

#include "learn/anomaly.h"
#include "learn/pipeline.h"
#include "serve/http.h"

using nlohmann::json;

namespace mote::serve {

namespace {

constexpr size_t kMaxPoints = 4000;  // beyond this the scatter shows every n-th window
constexpr size_t kBins = 40;

// "spectral[12]": the DSP block and the index inside its output for column c of the block's input.
std::string column_name(const Impulse& impulse, const BlockSpec& block, size_t c) {
  const auto& dsp = impulse.spec().dsp;
  for (const auto& in : block.inputs)
    for (size_t i = 0; i < dsp.size(); ++i) {
      if (dsp[i].name != in) continue;
      size_t n = impulse.blocks()[i]->output_size();
      if (c < n) return in + "[" + std::to_string(c) + "]";
      c -= n;
    }
  return "feature " + std::to_string(c);
}

void anomaly_view(Api& api, const httplib::Request& req, httplib::Response& res) {
  Project p = Project::open(api.pool.dir());  // the impulse as it is now
  if (p.config()["impulse"].is_null()) throw HttpError{404, "no impulse yet: design one with an anomaly block (kmeans or gmm)"};
  ImpulseSpec spec = load_impulse(p);
  Impulse impulse(spec, impulse_axes(p, spec));
  std::string want = req.get_param_value("block");
  const BlockSpec* block = nullptr;
  std::vector<std::string> names;
  for (auto& b : spec.learn)
    if (b.type == "kmeans" || b.type == "gmm") {
      names.push_back(b.name);
      if (!block && (want.empty() || want == b.name)) block = &b;
    }
  if (!block) throw HttpError{404, names.empty() ? "the impulse has no anomaly block (kmeans or gmm)" : "no anomaly block '" + want + "'"};
  learn::TrainedBlock trained;
  for (auto& m : learn::current_models(p.store(), impulse))  // says to train when missing or stale
    if (m.name == block->name) trained = m;
  learn::AnomalyModel m = learn::anomaly_from_json(trained.model);
  const size_t dim = m.select.size();
  const int64_t x = query_int(req, "x", 0, 0, static_cast<int64_t>(dim) - 1);
  const int64_t y = query_int(req, "y", dim > 1 ? 1 : 0, 0, static_cast<int64_t>(dim) - 1);

  FeatureTable table = generate_features(p.store(), impulse, SampleFilter{}, true);
  learn::BlockColumns cols = learn::block_columns(impulse, *block);
  std::vector<size_t> all(table.rows.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  std::vector<float> rows = learn::gather(table, cols, all);

  // Training labels: testing windows of other labels are the ones the anomaly block should flag.
  std::set<std::string> known;
  for (auto& r : table.rows)
    if (r.category == Category::Training) known.insert(r.label);
  std::vector<double> scores(table.rows.size());
  double top = m.threshold;
  for (size_t i = 0; i < table.rows.size(); ++i) {
    scores[i] = learn::anomaly_score(m, rows.data() + i * cols.width);
    if (std::isfinite(scores[i])) top = std::max(top, scores[i]);
  }
  auto standardized = [&](size_t row, size_t j) { return (rows[row * cols.width + m.select[j]] - m.mean[j]) * m.inv_scale[j]; };
  const size_t step = (table.rows.size() + kMaxPoints - 1) / kMaxPoints;
  json points = json::array();
  for (size_t i = 0; i < table.rows.size(); i += std::max<size_t>(1, step)) {
    const auto& r = table.rows[i];
    points.push_back({{"sample_id", r.sample_id}, {"label", r.label}, {"category", category_name(r.category)},
                      {"start_ms", r.start_ms}, {"x", standardized(i, x)}, {"y", standardized(i, y)}, {"score", scores[i]}});
  }
  json centers = json::array();
  for (int k = 0; k < m.k; ++k) {
    json c = {{"x", m.centers[k * dim + x]}, {"y", m.centers[k * dim + y]}};
    if (m.type == "kmeans" && k < static_cast<int>(m.inv_radius.size()) && m.inv_radius[k] > 0) c["radius"] = 1.0 / m.inv_radius[k];
    centers.push_back(c);
  }
  // Histogram of the scores: training windows, testing windows of trained labels, and of other labels.
  const double width = top > 0 ? top * 1.05 / kBins : 1.0 / kBins;
  std::vector<int> train(kBins), test_known(kBins), test_other(kBins);
  for (size_t i = 0; i < scores.size(); ++i) {
    if (!std::isfinite(scores[i])) continue;
    size_t b = std::min(kBins - 1, static_cast<size_t>(std::max(0.0, scores[i]) / width));
    const auto& r = table.rows[i];
    (r.category == Category::Training ? train : known.count(r.label) ? test_known : test_other)[b]++;
  }
  json features = json::array();
  for (size_t j = 0; j < dim; ++j) features.push_back({{"index", j}, {"column", m.select[j]}, {"name", column_name(impulse, *block, m.select[j])}});
  reply_json(res, {{"block", block->name}, {"blocks", names}, {"type", m.type}, {"k", m.k}, {"threshold", m.threshold},
                   {"features", features}, {"x", x}, {"y", y}, {"windows", table.rows.size()}, {"points", points},
                   {"centers", centers},
                   {"histogram", {{"bin_width", width}, {"training", train}, {"testing_known", test_known}, {"testing_other", test_other}}}});
}

}  // namespace

void add_anomaly_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/api/anomaly", "/api/anomaly?block=&x=&y=",
               "the anomaly block's windows over two of its features (standardized) with its centres, and the score histogram",
               anomaly_view});
}

}  // namespace mote::serve
