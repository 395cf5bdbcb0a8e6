#include "tune/candidate.h"

#include <algorithm>
#include <optional>
#include <chrono>
#include <cmath>
#include <regex>
#include <map>
#include <set>

#include "core/error.h"
#include "deploy/impulse_codegen.h"
#include "deploy/profile.h"
#include "impulse/features.h"
#include "learn/anomaly.h"
#include "learn/pipeline.h"
#include "learn/metrics.h"
#include "learn/rotate.h"
#include "learn/tree_block.h"
#include "learn/trees/block.h"
#include "learn/train.h"
#include "quant/executor.h"
#include "quant/quantize.h"
#include "tune/estimate.h"

using nlohmann::json;

namespace mote::tune {

std::map<int64_t, std::string> sample_groups(Project& p, const std::string& group_by) {
  SampleFilter f;
  f.category = Category::Training;
  std::map<int64_t, std::string> out;
  std::optional<std::regex> re;
  try {
    if (!group_by.empty()) re.emplace(group_by);
  } catch (const std::regex_error& e) {
    throw error_at("--group-by", "'" + group_by + "' is not a regular expression (" + e.what() + ")");
  }
  size_t matched = 0;
  for (const auto& s : p.store().list(f)) {
    std::smatch m;
    if (re && std::regex_search(s.name, m, *re)) {
      out[s.id] = m.size() > 1 && m[1].matched ? m[1].str() : m[0].str();
      ++matched;
    } else {
      out[s.id] = "#" + std::to_string(s.id);  // its own group
    }
  }
  if (re && matched == 0) throw error_at("--group-by", "'" + group_by + "' matches no training sample's name; check it with mote samples");
  return out;
}

namespace {

double macro_f1(const std::vector<int>& truth, const std::vector<int>& pred, int classes) {
  double sum = 0;
  int counted = 0;
  for (int c = 0; c < classes; ++c) {
    size_t tp = 0, fp = 0, fn = 0;
    for (size_t i = 0; i < truth.size(); ++i) tp += truth[i] == c && pred[i] == c, fp += truth[i] != c && pred[i] == c, fn += truth[i] == c && pred[i] != c;
    if (tp + fn == 0) continue;  // a class absent from validation
    sum += tp ? 2.0 * tp / (2.0 * tp + fp + fn) : 0.0;
    ++counted;
  }
  return counted ? sum / counted : 0;
}

// The score over every held-out window, judged per sample as `mote test` does: the mean of its windows'
// int8 probabilities, "uncertain" (wrong) below min_confidence. Loss: the samples' mean cross-entropy of
// those means, which still ranks candidates that classify every sample right.
json score_held_out(const learn::Dataset& d, const FeatureTable& t, const std::vector<std::vector<float>>& held_out, bool regression,
                    int classes, double min_conf, const std::string& metric) {
  if (regression) {
    double se = 0;
    size_t n = 0;
    for (size_t i = 0; i < d.size(); ++i)
      if (!held_out[i].empty()) se += (held_out[i][0] - d.target[i]) * (held_out[i][0] - d.target[i]), ++n;
    const double rmse = std::sqrt(se / static_cast<double>(n));
    return {{"rmse", rmse}, {"score", -rmse}, {"validation_windows_scored", n}};
  }
  std::map<int64_t, std::pair<int, std::vector<double>>> samples;  // sample id -> (label, summed probabilities)
  size_t right = 0, n = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    const auto& y = held_out[i];
    if (y.empty()) continue;
    ++n;
    right += static_cast<int>(std::max_element(y.begin(), y.end()) - y.begin()) == d.y[i];
    auto& [label, sum] = samples[t.rows[i].sample_id];
    label = d.y[i];
    sum.resize(y.size());
    for (size_t c = 0; c < y.size(); ++c) sum[c] += y[c];
  }
  std::vector<int> truth, pred;
  double loss = 0;
  for (auto& [id, ls] : samples) {
    auto& [label, sum] = ls;
    double total = 0;
    for (double v : sum) total += v;
    const int best = static_cast<int>(std::max_element(sum.begin(), sum.end()) - sum.begin());
    truth.push_back(label);
    pred.push_back(sum[best] / total < min_conf ? -1 : best);  // -1: uncertain, wrong for every class
    loss -= std::log(std::max(1.0 / 256, sum[label] / total)) / static_cast<double>(samples.size());  // 1/256: int8 softmax's step
  }
  size_t sample_right = 0;
  for (size_t i = 0; i < truth.size(); ++i) sample_right += truth[i] == pred[i];
  const double accuracy = static_cast<double>(sample_right) / truth.size(), f1 = macro_f1(truth, pred, classes);
  return {{"accuracy", accuracy}, {"f1", f1}, {"loss", loss}, {"score", metric == "f1" ? f1 : accuracy},
          {"window_accuracy", static_cast<double>(right) / n}, {"samples_scored", truth.size()}, {"validation_windows_scored", n}};
}

// The folds asked for, at most one per group; at least two groups are needed to hold one out.
int fold_count(size_t groups, int asked) {
  const int folds = static_cast<int>(std::min<size_t>(std::max(2, asked), groups));
  if (folds < 2) throw Error("tune: one sample (group) only; add training samples so that some can be held out");
  return folds;
}

// What the folds are dealt by: each row's group (its sample's group, or the sample) and label.
struct SplitRows {
  std::map<int64_t, std::string> groups;
  std::map<std::string, int64_t> group_id;
  const std::vector<std::string>& classes;
  bool regression;
  SplitRows(Project& p, const std::string& group_by, const std::vector<std::string>& c, bool r)
      : groups(sample_groups(p, group_by)), classes(c), regression(r) {
    for (const auto& [id, g] : groups) group_id.emplace(g, static_cast<int64_t>(group_id.size()));
  }
  void add(learn::Dataset& d, const FeatureRow& r) const {
    auto it = groups.find(r.sample_id);
    d.group.push_back(it == groups.end() ? -1 - r.sample_id : group_id.at(it->second));
    if (regression) d.target.push_back(std::strtof(r.label.c_str(), nullptr));
    else d.y.push_back(static_cast<int>(std::lower_bound(classes.begin(), classes.end(), r.label) - classes.begin()));
  }
};

std::vector<std::string> class_names(const FeatureTable& t, bool regression) {
  std::set<std::string> seen;
  if (!regression)
    for (const auto& r : t.rows) seen.insert(r.label);
  return {seen.begin(), seen.end()};
}

// A tree candidate (random_forest / gradient_boosting): trained per fold on the other folds' windows, its
// int8 model (the device's kernel) run on the held-out windows and scored like a network.
json score_trees(Project& p, const Impulse& impulse, const BlockSpec& b, const FeatureTable& t, const CandidateOptions& o) {
  const learn::BlockColumns cols = learn::block_columns(impulse, b);
  const std::string where = "impulse.learn." + b.name;
  learn::trees::TreeConfig cfg = learn::trees::parse_tree_config(b.type, b.params, cols.width, where);
  cfg.seed = o.seed;
  std::vector<size_t> rows(t.rows.size());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  const std::vector<float> x = learn::gather(t, cols, rows);
  const std::vector<std::string> classes = class_names(t, cfg.regression);
  learn::Dataset d;
  const SplitRows split(p, o.group_by, classes, cfg.regression);
  for (const auto& r : t.rows) split.add(d, r);
  const size_t groups = std::set<int64_t>(d.group.begin(), d.group.end()).size();
  const int folds = fold_count(groups, o.folds);
  std::vector<std::vector<float>> held_out(d.size());
  json out;
  for (int k = 0; k < (o.all_folds ? folds : 1); ++k) {
    const std::vector<bool> is_val = learn::fold_split(d, folds, k, o.seed, cfg.regression);
    std::vector<float> tx;
    learn::trees::TreeData td;
    for (size_t i = 0; i < d.size(); ++i)
      if (!is_val[i]) tx.insert(tx.end(), x.begin() + i * cols.width, x.begin() + (i + 1) * cols.width), td.labels.push_back(t.rows[i].label);
    td.x = tx.data(), td.rows = td.labels.size(), td.width = cols.width;
    const learn::trees::TreeTrained tt = learn::trees::train_trees(cfg, td, where);
    const learn::trees::Tables tables = learn::trees::make_tables(tt.model);
    for (size_t i = 0; i < d.size(); ++i)
      if (is_val[i]) held_out[i] = learn::trees::dequantize(tt.model, learn::trees::predict_int8(tt.model, tables, x.data() + i * cols.width));
    if (k == 0)
      out = {{"groups", groups}, {"folds", folds}, {"windows", t.rows.size()}, {"train_windows", td.rows},
             {"validation_windows", d.size() - td.rows}, {"nodes", tt.model.internal_nodes()}, {"table_bytes", tables.const_bytes()}};
  }
  out.update(score_held_out(d, t, held_out, cfg.regression, static_cast<int>(classes.size()), o.all_folds ? cfg.min_confidence : 0.0, o.metric));
  return out;
}

// A neural candidate: trained per fold (see CandidateOptions), scored on the held-out samples in int8.
struct NetworkRun {
  learn::NetworkConfig cfg;
  learn::TrainResult trained;  // fold 0's: the model a finalist deploys
  double min_confidence = 0.6;
};

json score_network(Project& p, const Impulse& impulse, const BlockSpec& nn, const FeatureTable& t, const CandidateOptions& o, NetworkRun* run) {
  const learn::BlockColumns cols = learn::block_columns(impulse, nn);
  const bool regression = nn.type == "regression";

  std::vector<size_t> rows(t.rows.size());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  const std::vector<std::string> classes = class_names(t, regression);
  learn::NetworkConfig& cfg = run->cfg;
  cfg = learn::parse_network_config(nn.params, cols.info, static_cast<int>(classes.size()), regression,
                                                         "impulse.learn." + nn.name);
  if (o.epochs > 0) cfg.epochs = o.epochs;
  cfg.seed = o.seed;
  cfg.threads = 1;
  // Rotation augmentation, as mote train does it: rotated copies of the raw samples as extra windows, marked
  // synthetic (trained on only where their sample is not held out; never scored).
  FeatureTable turned;
  if (cfg.augment.rotate > 0) {
    std::vector<int64_t> ids;
    for (const auto& r : t.rows)
      if (ids.empty() || ids.back() != r.sample_id) ids.push_back(r.sample_id);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    turned = learn::rotated_features(p.store(), impulse, ids, cfg.augment.rotate, cfg.augment.rotate_copies, cfg.seed,
                                     "impulse.learn." + nn.name + ".params.augment.rotate");
  }
  learn::Dataset d;
  d.shape = cfg.input;
  d.x = learn::gather(t, cols, rows);
  std::vector<size_t> turned_rows(turned.rows.size());
  for (size_t i = 0; i < turned_rows.size(); ++i) turned_rows[i] = i;
  const std::vector<float> extra = learn::gather(turned, cols, turned_rows);
  d.x.insert(d.x.end(), extra.begin(), extra.end());
  d.synthetic.assign(t.rows.size(), false);
  d.synthetic.resize(t.rows.size() + turned.rows.size(), true);
  const SplitRows split(p, o.group_by, classes, regression);
  for (const auto& r : t.rows) split.add(d, r);
  for (const auto& r : turned.rows) split.add(d, r);
  // The split: k folds of whole samples (or groups). Lower rungs hold out fold 0; the last rung trains once
  // per fold, so that every training sample is predicted once by a model that never saw it (a score that a
  // small validation set does not saturate). Every candidate sees the same folds (the seed).
  const size_t groups = std::set<int64_t>(d.group.begin(), d.group.end()).size();
  const int folds = fold_count(groups, o.folds);
  const size_t width = cols.width;
  // The "uncertain" rule at full epochs only: a short run's probabilities are still soft, and a rung must rank
  // a slow learner by what it gets right, not by how sure it already is.
  const double min_conf = run->min_confidence = cfg.resolved.value("min_confidence", 0.6);
  const double scored_min_conf = o.all_folds ? min_conf : 0.0;
  json out, per_fold = json::array();
  std::vector<std::vector<float>> held_out(d.size());  // int8 outputs of each row, from the fold that held it out
  for (int k = 0; k < (o.all_folds ? folds : 1); ++k) {
    learn::NetworkConfig fc = cfg;
    fc.folds = folds, fc.fold = k;
    learn::TrainResult r = learn::train_network(d, fc);
    r.model.labels = regression ? std::vector<std::string>{"value"} : classes;

    // int8, calibrated on (up to 2000 of) the training windows, run on the held-out windows.
    const std::vector<bool> is_val = learn::fold_split(d, folds, k, fc.seed, regression);
    std::vector<std::vector<float>> cal;
    size_t train_n = 0, val_n = 0;
    for (size_t i = 0; i < d.size(); ++i) (is_val[i] ? val_n += !d.synthetic[i] : ++train_n);
    const size_t step = std::max<size_t>(1, train_n / 2000);
    for (size_t i = 0, n = 0; i < d.size(); ++i)
      if (!is_val[i] && n++ % step == 0) cal.emplace_back(d.x.begin() + i * width, d.x.begin() + (i + 1) * width);
    if (val_n == 0) throw Error("tune: no validation windows; add training samples (or groups) so that some can be held out");
    quant::QuantizeOptions qo;
    qo.input_scaling = cfg.int8_input == "per-tensor" ? quant::InputScaling::PerTensor
                       : cfg.int8_input == "per-channel" ? quant::InputScaling::PerChannel : quant::InputScaling::Auto;
    const quant::QModel q = quant::quantize(r.model, cal, qo);
    for (size_t i = 0; i < t.rows.size(); ++i)  // recorded windows only: rotated copies are never scored
      if (is_val[i]) held_out[i] = quant::run_quantized(q, d.x.data() + i * width);
    per_fold.push_back({{"train_windows", train_n}, {"validation_windows", val_n}, {"epochs_run", r.curve.size()}, {"best_epoch", r.best_epoch}});
    if (k == 0) {
      out = {{"groups", groups}, {"folds", folds}, {"windows", t.rows.size()}, {"epochs", cfg.epochs}, {"macs", ir::model_macs(q)}, {"weight_bytes", ir::weight_bytes(q)}};
      run->trained = std::move(r);
    }
  }
  out.update(score_held_out(d, t, held_out, regression, static_cast<int>(classes.size()), scored_min_conf, o.metric));
  out.update(per_fold[0]);
  if (per_fold.size() > 1) out["per_fold"] = per_fold;
  return out;
}

// An anomaly-only candidate, fitted as mote train fits it (whole samples held out; the threshold at the stated
// false-positive rate from them). Scored by ROC AUC of the held-out normal windows against the testing set's
// windows of labels never trained on, where it has some (the only measure of detection there is); otherwise
// by how compact the held-out normal scores sit below the threshold (-separation), a weaker proxy.
json score_anomaly(Project& p, const Impulse& impulse, const ImpulseSpec& spec, const FeatureTable& t) {
  const BlockSpec* ab = nullptr;
  for (const auto& b : spec.learn)
    if (!ab && (b.type == "kmeans" || b.type == "gmm")) ab = &b;
  const learn::BlockColumns cols = learn::block_columns(impulse, *ab);
  std::vector<size_t> rows(t.rows.size());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  std::vector<float> x;
  const learn::AnomalyRows in = learn::anomaly_rows(t, cols, rows, &x);
  const learn::AnomalyModel m = learn::fit_anomaly(ab->type, ab->params, "impulse.learn." + ab->name, in);
  std::vector<double> normal;  // the held-out normal windows' scores (every window's, for the "training" rule)
  const bool holdout = m.threshold_rule == "holdout";
  const std::vector<bool> held = holdout ? learn::holdout_rows(in, m.holdout, m.params.value("seed", uint64_t{1})) : std::vector<bool>(in.n, true);
  for (size_t i = 0; i < in.n; ++i)
    if (held[i]) normal.push_back(learn::anomaly_score(m, x.data() + i * in.width));

  std::set<std::string> known;
  for (const auto& r : t.rows) known.insert(r.label);
  SampleFilter testing;
  testing.category = Category::Testing;
  const FeatureTable tt = generate_features(p.store(), impulse, testing, true);
  std::vector<size_t> unseen;
  for (size_t i = 0; i < tt.rows.size(); ++i)
    if (!known.count(tt.rows[i].label)) unseen.push_back(i);
  const std::vector<float> ux = learn::gather(tt, cols, unseen);
  std::vector<double> anomalous;
  size_t detected = 0;
  for (size_t i = 0; i < unseen.size(); ++i) {
    anomalous.push_back(learn::anomaly_score(m, ux.data() + i * cols.width));
    detected += anomalous.back() > m.threshold;
  }
  auto finite = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  json out = {{"anomaly", {{"block", ab->name}, {"rule", m.threshold_rule}, {"threshold", m.threshold},
                           {"holdout_false_positive_rate", finite(m.score.fpr)}, {"separation", finite(m.score.separation)},
                           {"holdout_windows", normal.size()}, {"anomalous_windows", anomalous.size()}}},
              {"windows", t.rows.size()}};
  if (!anomalous.empty() && !normal.empty()) {
    const double auc = learn::roc_auc(anomalous, normal);
    out["anomaly"]["roc_auc"] = auc;
    out["anomaly"]["detection_rate"] = static_cast<double>(detected) / anomalous.size();
    out["score"] = auc;
  } else {
    out["score"] = std::isfinite(m.score.separation) ? -m.score.separation : -1e9;
  }
  return out;
}

}  // namespace

FeatureTable thin_windows(const FeatureTable& t, size_t max_windows) {
  if (max_windows == 0 || t.rows.size() <= max_windows) return t;
  std::vector<size_t> starts;  // rows come grouped by sample
  for (size_t i = 0; i < t.rows.size(); ++i)
    if (i == 0 || t.rows[i].sample_id != t.rows[i - 1].sample_id) starts.push_back(i);
  starts.push_back(t.rows.size());
  const double keep = static_cast<double>(max_windows) / static_cast<double>(t.rows.size());
  FeatureTable out;
  out.width = t.width;
  for (size_t s = 0; s + 1 < starts.size(); ++s) {
    const size_t n = starts[s + 1] - starts[s];
    const size_t k = std::max<size_t>(1, static_cast<size_t>(std::floor(static_cast<double>(n) * keep)));
    for (size_t j = 0; j < k; ++j) {  // the middle of each of k equal stretches of the sample's windows
      const size_t i = starts[s] + (2 * j + 1) * n / (2 * k);
      out.rows.push_back(t.rows[i]);
      out.data.insert(out.data.end(), t.row(i), t.row(i) + t.width);
    }
  }
  return out;
}

json evaluate_candidate(Project& p, const json& impulse_json, const CandidateOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const ImpulseSpec spec = parse_impulse(impulse_json);
  const Impulse impulse(spec, impulse_axes(p, spec));
  const BlockSpec* nn = nullptr;
  for (const auto& b : spec.learn)
    if (b.type == "classifier" || b.type == "regression") nn = &b;
  if (!nn && std::none_of(spec.learn.begin(), spec.learn.end(), [](const BlockSpec& b) { return b.type == "kmeans" || b.type == "gmm" || learn::trees::is_tree_type(b.type); }))
    throw error_at("impulse.learn", "has no classifier, regression, tree or anomaly block to tune");
  SampleFilter training;
  training.category = Category::Training;
  const FeatureTable all = generate_features(p.store(), impulse, training, true);
  if (all.rows.empty()) throw Error("tune: the training set has no windows for this impulse");
  FeatureTable thinned;  // only when over the cap: the common case reads `all` without a copy
  const FeatureTable& t = o.max_windows && all.rows.size() > o.max_windows ? (thinned = thin_windows(all, o.max_windows)) : all;
  std::vector<size_t> rows(t.rows.size());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  NetworkRun net;
  const BlockSpec* tree = nullptr;
  for (const auto& b : spec.learn)
    if (learn::trees::is_tree_type(b.type)) tree = &b;
  json out = nn ? score_network(p, impulse, *nn, t, o, &net) : tree ? score_trees(p, impulse, *tree, t, o) : score_anomaly(p, impulse, spec, t);

  if (o.profile) {  // a finalist: the whole impulse as the device would run it, measured on QEMU
    std::vector<learn::TrainedBlock> models;
    for (const auto& b : spec.learn) {
      learn::TrainedBlock tb;
      tb.name = b.name;
      tb.type = b.type;
      tb.features_hash = impulse.hash();
      tb.spec_hash = learn::block_spec_hash(b);
      if (learn::trees::is_tree_type(b.type)) {  // trained on every training window, as mote train trains it
        tb = learn::train_tree_block(b, learn::block_columns(impulse, b), t, rows, true);
        tb.features_hash = impulse.hash();
        tb.spec_hash = learn::block_spec_hash(b);
      } else if (&b == nn) {
        tb.model = {{"ir", ir::to_json(net.trained.model)}, {"int8_input", net.cfg.int8_input}, {"min_confidence", net.min_confidence}};
      } else if (b.type == "kmeans" || b.type == "gmm") {
        const learn::BlockColumns ac = learn::block_columns(impulse, b);
        const std::vector<float> x = learn::gather(t, ac, rows);
        learn::AnomalyRows in;  // whole samples held out, as mote train does
        in.x = x.data(), in.n = rows.size(), in.width = ac.width;
        for (size_t r : rows) in.sample.push_back(t.rows[r].sample_id), in.label.push_back(t.rows[r].label);
        const learn::AnomalyModel am = learn::fit_anomaly(b.type, b.params, "impulse.learn." + b.name, in);
        tb.model = learn::anomaly_to_json(am);
        auto finite = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
        if (!out.contains("anomaly"))  // an anomaly-only candidate has it already, with its ROC AUC
          out["anomaly"] = {{"block", b.name}, {"rule", am.threshold_rule}, {"threshold", am.threshold},
                            {"holdout_false_positive_rate", finite(am.score.fpr)}, {"separation", finite(am.score.separation)},
                            {"holdout_windows", am.score.holdout_windows}};
      } else {
        throw error_at("impulse.learn." + b.name, "a tuner candidate holds one neural or tree block and k-means/GMM anomaly blocks");
      }
      models.push_back(std::move(tb));
    }
    const deploy::DeployableImpulse di = deploy::make_deployable(p, spec, models);
    deploy::ProfileOptions po;
    po.target = o.target;
    po.deployable = &di;
    po.work = std::filesystem::temp_directory_path() / ("mote-tune-" + impulse.hash() + "-" + std::to_string(::getpid()));
    const json rep = deploy::profile_impulse(p, po);
    std::filesystem::remove_all(po.work);
    out["profile"] = {{"ram_bytes", rep["impulse"]["ram_bytes"]}, {"flash_bytes", rep["impulse"]["flash_bytes"]},
                      {"instructions", rep["instructions"]}, {"parity_ok", rep["parity"]["ok"]}};
    // The estimator on the model as deployed (the search's own estimate, made before training, is conservative).
    std::optional<TreeWork> tw;
    if (di.trees) {  // its comparisons counted on up to 1000 training windows, evenly spread
      const BlockSpec& tb = *std::find_if(spec.learn.begin(), spec.learn.end(), [](const BlockSpec& b) { return learn::trees::is_tree_type(b.type); });
      std::vector<size_t> some;
      for (size_t i = 0, n = std::min<size_t>(rows.size(), 1000); i < n; ++i) some.push_back(rows[i * rows.size() / n]);
      const std::vector<float> x = learn::gather(t, learn::block_columns(impulse, tb), some);
      tw = tree_work(*di.trees, di.tree_form, x.data(), some.size());
    }
    const Footprint f = estimate_impulse(*di.impulse, di.has_nn && !di.trees ? &di.q : nullptr, di.has_anomaly ? static_cast<size_t>(di.anomaly.k) : 0,
                                         di.has_anomaly ? (di.anomaly.select.empty() ? di.anomaly.input_width : di.anomaly.select.size()) : 0, o.target,
                                         tw ? &*tw : nullptr);
    out["estimate"] = {{"ram_bytes", f.ram_bytes}, {"flash_bytes", f.flash_bytes},
                       {"instructions", {{"dsp", f.dsp_instructions}, {"nn", f.nn_instructions}, {"anomaly", f.anomaly_instructions}, {"total", f.instructions()}}}};
  }
  if (t.rows.size() < all.rows.size()) out["windows_thinned_from"] = all.rows.size();
  out["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace mote::tune
