// Evaluation of the trained blocks on the testing set (`mote test`) and on one sample (`mote classify`).
// Models run through ir::run_float, the float reference that quantized and generated code are held to.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "core/error.h"
#include "core/files.h"
#include "quant/executor.h"
#include "core/plot.h"
#include "learn/anomaly.h"
#include "learn/metrics.h"
#include "learn/block_net.h"
#include "learn/label_suggest.h"
#include "learn/pipeline.h"
#include "learn/tree_block.h"

using nlohmann::json;

namespace mote::learn {

namespace {

json num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json distribution(std::vector<double> v) {
  if (v.empty()) return {{"count", 0}};
  return {{"count", v.size()}, {"min", percentile(v, 0)}, {"p50", percentile(v, 50)}, {"p90", percentile(v, 90)},
          {"p99", percentile(v, 99)}, {"max", percentile(v, 100)}};
}

// Windows grouped by sample, in first-seen order.
struct SampleRows {
  int64_t id;
  std::string label;
  std::vector<size_t> rows;
};
std::vector<SampleRows> by_sample(const FeatureTable& t) {
  std::vector<SampleRows> out;
  std::map<int64_t, size_t> at;
  for (size_t i = 0; i < t.rows.size(); ++i) {
    auto [it, added] = at.emplace(t.rows[i].sample_id, out.size());
    if (added) out.push_back({t.rows[i].sample_id, t.rows[i].label, {}});
    out[it->second].rows.push_back(i);
  }
  return out;
}

// One forward pass of a network: the float reference or the int8 model through the device kernels.
using Runner = std::function<std::vector<float>(const float*)>;

// Outputs of a network for every listed row.
std::vector<std::vector<float>> run_rows(const Runner& run, const FeatureTable& t, const BlockColumns& cols,
                                         const std::vector<size_t>& rows) {
  std::vector<float> x = gather(t, cols, rows);
  std::vector<std::vector<float>> out;
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(run(x.data() + i * cols.width));
  return out;
}

// `window_pred` (optional) receives every window's argmax in sample order, for float/int8 agreement.
json test_classifier(Project& p, const TrainedBlock& tb, const std::vector<std::string>& classes, const FeatureTable& t,
                     const BlockColumns& cols, const std::vector<SampleRows>& samples, std::vector<int64_t>* unknown_ids, const Runner& run,
                     const std::string& plot_suffix = "", std::vector<size_t>* window_pred = nullptr) {
  double min_conf = tb.model.value("min_confidence", 0.6);
  Confusion c = make_confusion(classes, {"uncertain"});
  size_t win_right = 0, win_total = 0, uncertain = 0, unknown = 0;
  json detail = json::array();
  for (const auto& s : samples) {
    auto it = std::find(classes.begin(), classes.end(), s.label);
    bool known = it != classes.end();
    if (!known) {
      ++unknown;
      unknown_ids->push_back(s.id);
    }
    auto outs = run_rows(run, t, cols, s.rows);
    std::vector<double> mean(classes.size(), 0);
    for (auto& o : outs) {
      size_t best = std::max_element(o.begin(), o.end()) - o.begin();
      if (window_pred) window_pred->push_back(best);
      if (known) win_right += best == static_cast<size_t>(it - classes.begin()), ++win_total;
      for (size_t k = 0; k < classes.size(); ++k) mean[k] += o[k] / outs.size();
    }
    size_t pred = std::max_element(mean.begin(), mean.end()) - mean.begin();
    bool unsure = mean[pred] < min_conf;
    if (known) {
      c.add(it - classes.begin(), unsure ? classes.size() : pred);
      uncertain += unsure;
    }
    detail.push_back({{"sample_id", s.id}, {"label", s.label}, {"prediction", unsure ? "uncertain" : classes[pred]},
                      {"confidence", mean[pred]}, {"windows", s.rows.size()}});
  }
  json per_class = json::array();
  for (auto& k : class_metrics(c))
    per_class.push_back({{"label", k.label}, {"precision", k.precision}, {"recall", k.recall}, {"f1", k.f1}, {"support", k.support}});
  auto plot = p.out_dir() / (tb.name + "-confusion" + plot_suffix + ".svg");
  std::filesystem::create_directories(p.out_dir());
  write_file_atomic(plot, heatmap_svg(tb.name + ": confusion matrix (testing samples" + (plot_suffix.empty() ? "" : ", int8") + ")",
                                      "true label", "predicted", c.rows, c.cols, c.matrix));
  return {{"block", tb.name}, {"type", tb.type}, {"accuracy", num(accuracy(c))},
          {"window_accuracy", num(win_total ? double(win_right) / win_total : NAN)}, {"samples", samples.size() - unknown},
          {"windows", win_total}, {"uncertain", uncertain}, {"min_confidence", min_conf}, {"unknown_label_samples", unknown},
          {"classes", per_class}, {"confusion", {{"rows", c.rows}, {"cols", c.cols}, {"matrix", c.matrix}}},
          {"plot", plot.string()}, {"predictions", detail}};
}

json test_regression(const TrainedBlock& tb, const FeatureTable& t, const BlockColumns& cols, const std::vector<SampleRows>& samples,
                     const Runner& run, std::vector<float>* window_values = nullptr) {
  double se = 0, ae = 0, wse = 0;
  size_t n = 0, windows = 0;
  for (const auto& s : samples) {
    char* end = nullptr;
    double truth = std::strtod(s.label.c_str(), &end);
    if (s.label.empty() || *end) throw error_at("sample " + std::to_string(s.id), "label '" + s.label + "' is not a number");
    double mean = 0;
    for (auto& o : run_rows(run, t, cols, s.rows)) {
      if (window_values) window_values->push_back(o[0]);
      mean += o[0] / s.rows.size();
      wse += (o[0] - truth) * (o[0] - truth);
      ++windows;
    }
    se += (mean - truth) * (mean - truth);
    ae += std::fabs(mean - truth);
    ++n;
  }
  return {{"block", tb.name}, {"type", tb.type}, {"samples", n}, {"rmse", num(n ? std::sqrt(se / n) : NAN)},
          {"mae", num(n ? ae / n : NAN)}, {"window_rmse", num(windows ? std::sqrt(wse / windows) : NAN)}};
}

// Score histograms (share of each group per bin) with the threshold as a vertical line.
std::string score_plot(const std::string& title, const std::vector<std::pair<std::string, const std::vector<double>*>>& groups,
                       double threshold) {
  double lo = threshold, hi = threshold;
  for (auto& [name, v] : groups)
    for (double x : *v) lo = std::min(lo, x), hi = std::max(hi, x);
  const int bins = 40;
  double width = std::max(1e-12, (hi - lo) / bins);
  std::vector<LineSeries> series;
  float top = 0;
  for (auto& [name, v] : groups) {
    if (v->empty()) continue;
    std::vector<float> share(bins, 0);
    for (double x : *v) share[std::min(bins - 1, static_cast<int>((x - lo) / width))] += 1.0f / v->size();
    LineSeries s{name + " (" + std::to_string(v->size()) + ")", {}, {}};
    for (int b = 0; b < bins; ++b) {
      s.x.push_back(static_cast<float>(lo + (b + 0.5) * width));
      s.y.push_back(share[b]);
      top = std::max(top, share[b]);
    }
    series.push_back(std::move(s));
  }
  series.push_back({"threshold", {static_cast<float>(threshold), static_cast<float>(threshold)}, {0.0f, top}});
  return line_svg(title, "anomaly score", "share per bin", series);
}

json test_anomaly(Project& p, const TrainedBlock& tb, const FeatureTable& train, const FeatureTable& t, const BlockColumns& cols,
                  const std::vector<SampleRows>& samples, const std::set<int64_t>& unknown) {
  AnomalyModel m = anomaly_from_json(tb.model);
  std::vector<double> train_scores;
  if (!train.rows.empty()) {
    std::vector<size_t> all(train.rows.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    std::vector<float> x = gather(train, cols, all);
    for (size_t i = 0; i < all.size(); ++i) train_scores.push_back(anomaly_score(m, x.data() + i * cols.width));
  }
  std::vector<double> pos, neg, pos_win, neg_win;
  for (const auto& s : samples) {
    std::vector<float> x = gather(t, cols, s.rows);
    double worst = -INFINITY;
    for (size_t i = 0; i < s.rows.size(); ++i) {
      double v = anomaly_score(m, x.data() + i * cols.width);
      worst = std::max(worst, v);
      (unknown.count(s.id) ? pos_win : neg_win).push_back(v);
    }
    (unknown.count(s.id) ? pos : neg).push_back(worst);
  }
  auto above = [&](const std::vector<double>& v) {
    return v.empty() ? NAN : double(std::count_if(v.begin(), v.end(), [&](double s) { return s > m.threshold; })) / v.size();
  };
  auto plot = p.out_dir() / (tb.name + "-scores.svg");
  std::filesystem::create_directories(p.out_dir());
  write_file_atomic(plot, score_plot(tb.name + ": anomaly scores", {{"training windows", &train_scores}, {"normal samples", &neg},
                                                                    {"anomalous samples", &pos}}, m.threshold));
  json r = {{"block", tb.name}, {"type", tb.type}, {"threshold", m.threshold}, {"threshold_rule", m.threshold_rule}, {"plot", plot.string()},
          {"anomalous_samples", pos.size()}, {"normal_samples", neg.size()}, {"roc_auc", num(roc_auc(pos, neg))},
          {"window_roc_auc", num(roc_auc(pos_win, neg_win))}, {"detection_rate", num(above(pos))},
          {"window_detection_rate", num(above(pos_win))}, {"false_positive_rate", num(above(neg))},
          {"window_false_positive_rate", num(above(neg_win))},
          {"scores", {{"training_windows", distribution(train_scores)}, {"normal_samples", distribution(neg)},
                      {"anomalous_samples", distribution(pos)}}}};
  if (m.threshold_rule == "holdout") r["stated_false_positive_rate"] = m.false_positive_rate;
  else r["percentile"] = m.percentile;
  return r;
}

// Calibration inputs for int8 quantization: the block's columns of the training windows, at most
// kMaxCalibration of them, evenly spaced (TFLite's representative dataset, bounded so big projects stay quick).
constexpr size_t kMaxCalibration = 2000;
std::vector<std::vector<float>> calibration_rows(const FeatureTable& train, const BlockColumns& cols) {
  size_t n = train.rows.size(), step = std::max<size_t>(1, (n + kMaxCalibration - 1) / kMaxCalibration);
  std::vector<std::vector<float>> out;
  for (size_t r = 0; r < n; r += step) {
    std::vector<float> x;
    x.reserve(cols.width);
    for (auto [b, e] : cols.ranges) x.insert(x.end(), train.row(r) + b, train.row(r) + e);
    out.push_back(std::move(x));
  }
  return out;
}

size_t int8_weight_bytes(const quant::QModel& q) {
  size_t n = 0;
  for (auto& l : q.layers) n += l.weights.size() + 4 * l.bias.size();
  return n;
}

// How the model input became int8: one scale (TFLite's way) or mote's per-channel map (quant::InputScaling).
std::string input_scaling(const quant::QModel& q) {
  return q.input_gain.empty() ? "per-tensor" : "per-channel (" + std::to_string(q.input_gain.size()) + " channels)";
}

Runner int8_runner(const quant::QModel& q) {
  return [&q](const float* x) { return quant::run_quantized(q, x); };
}

// The int8 model as the reports see it: how to run it, its constant bytes, how its input became int8.
struct Int8Model {
  Runner run;
  size_t weight_bytes = 0;
  std::string input_scaling;
};
Int8Model int8_model(const quant::QModel& q) { return {int8_runner(q), int8_weight_bytes(q), input_scaling(q)}; }

// The int8 model's report beside the float one: accuracy and F1 as `mote test` computes them, how often the
// two predict the same (per sample and per window), and the accuracy lost in percentage points.
json int8_classifier(Project& p, const TrainedBlock& tb, const std::vector<std::string>& classes, const json& fl,
                     const std::vector<size_t>& float_windows,
                     const FeatureTable& t, const BlockColumns& cols, const std::vector<SampleRows>& samples,
                     const Int8Model& q, size_t calibration) {
  std::vector<int64_t> ignored;
  std::vector<size_t> windows;
  json r = test_classifier(p, tb, classes, t, cols, samples, &ignored, q.run, "-int8", &windows);
  size_t agree = 0, win_agree = 0;
  for (size_t k = 0; k < samples.size(); ++k) agree += fl["predictions"][k]["prediction"] == r["predictions"][k]["prediction"];
  for (size_t k = 0; k < windows.size(); ++k) win_agree += windows[k] == float_windows.at(k);
  double drop = fl["accuracy"].is_number() && r["accuracy"].is_number()
                    ? 100.0 * (fl["accuracy"].get<double>() - r["accuracy"].get<double>()) : NAN;
  return {{"accuracy", r["accuracy"]}, {"window_accuracy", r["window_accuracy"]}, {"uncertain", r["uncertain"]},
          {"classes", r["classes"]}, {"confusion", r["confusion"]}, {"plot", r["plot"]}, {"predictions", r["predictions"]},
          {"agreement", num(samples.empty() ? NAN : double(agree) / samples.size())}, {"agreeing_samples", agree},
          {"window_agreement", num(windows.empty() ? NAN : double(win_agree) / windows.size())},
          {"agreeing_windows", win_agree}, {"compared_windows", windows.size()}, {"accuracy_drop_pp", num(drop)}, {"calibration_windows", calibration},
          {"weight_bytes", q.weight_bytes}, {"input_scaling", q.input_scaling}};
}

json int8_regression(const TrainedBlock& tb, const json& fl, const std::vector<float>& float_values, const FeatureTable& t,
                     const BlockColumns& cols, const std::vector<SampleRows>& samples, const Int8Model& q,
                     size_t calibration) {
  std::vector<float> values;
  json r = test_regression(tb, t, cols, samples, q.run, &values);
  double sum = 0, worst = 0;
  for (size_t k = 0; k < values.size(); ++k) {
    double d = std::fabs(values[k] - float_values.at(k));
    sum += d, worst = std::max(worst, d);
  }
  return {{"rmse", r["rmse"]}, {"mae", r["mae"]}, {"window_rmse", r["window_rmse"]},
          {"mean_abs_difference", num(values.empty() ? NAN : sum / values.size())}, {"max_abs_difference", worst},
          {"rmse_change", num(r["rmse"].is_number() && fl["rmse"].is_number() ? r["rmse"].get<double>() - fl["rmse"].get<double>() : NAN)},
          {"calibration_windows", calibration}, {"weight_bytes", q.weight_bytes}, {"input_scaling", q.input_scaling}};
}

FeatureTable training_features(Project& p, const Impulse& impulse, bool quiet) {
  SampleFilter tf;
  tf.category = Category::Training;
  return labelled_rows(generate_features(p.store(), impulse, tf, quiet));
}

}  // namespace

json test_impulse(Project& p, bool quiet, bool int8) {
  ImpulseSpec spec = load_impulse(p);
  Impulse impulse(spec, impulse_axes(p, spec));
  auto models = current_models(p.store(), impulse);
  SampleFilter f;
  f.category = Category::Testing;
  FeatureTable t = labelled_rows(generate_features(p.store(), impulse, f, quiet));  // unlabelled: nothing to score against
  if (t.rows.empty()) throw Error("test: the testing set has no windows; import testing data (--category testing or split)");
  auto samples = by_sample(t);
  bool has_anomaly = std::any_of(models.begin(), models.end(), [](auto& m) { return m.type == "kmeans" || m.type == "gmm"; });
  FeatureTable train;
  if (has_anomaly || int8) train = training_features(p, impulse, quiet);
  json blocks = json::array();
  std::vector<int64_t> unknown_ids;
  std::set<std::string> trained_labels;
  for (size_t i = 0; i < models.size(); ++i) {
    BlockColumns cols = block_columns(impulse, impulse.spec().learn[i]);
    const std::string role = block_role(models[i]);
    if (role != "classifier" && role != "regression") continue;
    const BlockNet net = block_net(models[i]);
    Runner run_float = [&net](const float* x) { return net.run(x); };
    std::optional<quant::QModel> qm;
    std::optional<Int8Model> q;
    std::optional<trees::Tables> tables;
    std::vector<std::vector<float>> calibration;
    if (int8 && net.trees) {  // a tree block's int8 form: its tables through runtime/trees
      tables = trees::make_tables(*net.trees);
      q = Int8Model{[&net, &tables](const float* x) { return trees::dequantize(*net.trees, trees::predict_int8(*net.trees, *tables, x)); },
                    tables->const_bytes(), "per-feature (" + std::to_string(net.trees->width) + " features)"};
    } else if (int8) {
      calibration = calibration_rows(train, cols);
      if (calibration.empty() && !net.fixed) throw Error("test --int8: the training set has no windows to calibrate quantization with");
      qm = net.int8(calibration, trained_quantize_options(models[i]));
      q = int8_model(*qm);
    }
    if (role == "classifier") {
      std::vector<size_t> windows;
      blocks.push_back(test_classifier(p, models[i], net.labels, t, cols, samples, &unknown_ids, run_float, "", &windows));
      if (net.trees) blocks.back()["task"] = "classification";
      for (auto& l : net.labels) trained_labels.insert(l);
      if (q) blocks.back()["int8"] = int8_classifier(p, models[i], net.labels, blocks.back(), windows, t, cols, samples, *q, calibration.size());
    } else {
      std::vector<float> values;
      blocks.push_back(test_regression(models[i], t, cols, samples, run_float, &values));
      if (net.trees) blocks.back()["task"] = "regression";
      if (q) blocks.back()["int8"] = int8_regression(models[i], blocks.back(), values, t, cols, samples, *q, calibration.size());
    }
  }
  for (size_t i = 0, k = 0; i < models.size(); ++i)  // say which results come from an imported model
    if (block_role(models[i]) == "classifier" || block_role(models[i]) == "regression") {
      if (models[i].model.contains("imported")) blocks[k]["imported"] = models[i].model["imported"];
      ++k;
    }
  bool any_classifier = !trained_labels.empty();
  if (!any_classifier) {  // without a classifier, labels seen in training are the normal ones
    SampleFilter tf;
    tf.category = Category::Training;
    for (auto& s : p.store().list(tf)) trained_labels.insert(s.label);
  }
  std::set<int64_t> unknown;
  for (auto& s : samples)
    if (!trained_labels.count(s.label)) unknown.insert(s.id);
  for (size_t i = 0; i < models.size(); ++i)
    if (models[i].type == "kmeans" || models[i].type == "gmm")
      blocks.push_back(test_anomaly(p, models[i], train, t, block_columns(impulse, impulse.spec().learn[i]), samples, unknown));
  return {{"testing_samples", samples.size()}, {"testing_windows", t.rows.size()}, {"int8", int8}, {"blocks", blocks}};
}

struct SampleClassifier::Loaded {
  Impulse impulse;
  std::vector<TrainedBlock> models;
  std::vector<BlockColumns> cols;               // per model
  std::vector<std::optional<BlockNet>> nets;    // classifier/regression models, built once
  std::vector<std::optional<AnomalyModel>> anomaly;
};

SampleClassifier::SampleClassifier(Project& p) {
  ImpulseSpec spec = load_impulse(p);
  Impulse impulse(spec, impulse_axes(p, spec));
  auto models = current_models(p.store(), impulse);
  loaded_ = std::unique_ptr<Loaded>(new Loaded{std::move(impulse), std::move(models), {}, {}, {}});
  for (size_t i = 0; i < loaded_->models.size(); ++i) {
    const TrainedBlock& tb = loaded_->models[i];
    loaded_->cols.push_back(block_columns(loaded_->impulse, loaded_->impulse.spec().learn[i]));
    const bool net = block_role(tb) == "classifier" || block_role(tb) == "regression";
    loaded_->nets.push_back(net ? std::optional<BlockNet>(block_net(tb)) : std::nullopt);
    loaded_->anomaly.push_back(net ? std::nullopt : std::optional<AnomalyModel>(anomaly_from_json(tb.model)));
  }
}

SampleClassifier::~SampleClassifier() = default;

json SampleClassifier::classify(const Sample& s) const {
  const Impulse& impulse = loaded_->impulse;
  FeatureTable t = sample_features(s, impulse);
  if (t.rows.empty()) throw error_at(s.name, "is shorter than one window and the impulse does not zero-pad; record longer");
  json windows = json::array();
  for (size_t r = 0; r < t.rows.size(); ++r) windows.push_back({{"start_ms", t.rows[r].start_ms}});
  json summary = json::object();
  std::vector<size_t> all(t.rows.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  for (size_t i = 0; i < loaded_->models.size(); ++i) {
    const TrainedBlock& tb = loaded_->models[i];
    const BlockColumns& cols = loaded_->cols[i];
    std::vector<float> x = gather(t, cols, all);
    if (loaded_->nets[i]) {
      const BlockNet& m = *loaded_->nets[i];
      std::vector<double> mean(m.outputs(), 0);
      for (size_t r = 0; r < all.size(); ++r) {
        auto o = m.run(x.data() + r * cols.width);
        json scores = json::object();
        for (size_t k = 0; k < o.size(); ++k) scores[m.labels.at(k)] = o[k], mean[k] += o[k] / all.size();
        windows[r][tb.name] = scores;
      }
      if (m.regression) {
        summary[tb.name] = {{"value", mean[0]}};
      } else {
        size_t best = std::max_element(mean.begin(), mean.end()) - mean.begin();
        double min_conf = tb.model.value("min_confidence", 0.6);
        json scores = json::object();
        for (size_t k = 0; k < mean.size(); ++k) scores[m.labels[k]] = mean[k];
        summary[tb.name] = {{"label", mean[best] < min_conf ? "uncertain" : m.labels[best]}, {"confidence", mean[best]}, {"scores", scores}};
      }
    } else {
      const AnomalyModel& m = *loaded_->anomaly[i];
      double worst = -INFINITY;
      for (size_t r = 0; r < all.size(); ++r) {
        double v = anomaly_score(m, x.data() + r * cols.width);
        windows[r][tb.name] = {{"score", v}, {"anomalous", v > m.threshold}};
        worst = std::max(worst, v);
      }
      summary[tb.name] = {{"max_score", worst}, {"threshold", m.threshold}, {"anomalous", worst > m.threshold}};
    }
  }
  return {{"sample", s.name}, {"windows", windows}, {"summary", summary}};
}

json classify_sample(Project& p, const Sample& s) { return SampleClassifier(p).classify(s); }

}  // namespace mote::learn
