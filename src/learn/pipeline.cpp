// Training over a project and the model store; evaluation lives in evaluate.cpp.
#include "learn/pipeline.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <unistd.h>

#include "core/crypto.h"
#include "core/error.h"
#include "core/files.h"
#include "core/plot.h"
#include "core/progress.h"
#include "learn/anomaly.h"
#include "learn/import_model.h"
#include "learn/label_suggest.h"
#include "learn/rotate.h"
#include "learn/speed.h"
#include "learn/tree_block.h"
#include "learn/trees/block.h"
#include "store/sql.h"

using nlohmann::json;

namespace mote::learn {

bool is_learn_type(const std::string& t) {
  return t == "classifier" || t == "regression" || t == "kmeans" || t == "gmm" || trees::is_tree_type(t);
}

BlockColumns block_columns(const Impulse& impulse, const BlockSpec& block) {
  BlockColumns c;
  const auto& dsp = impulse.spec().dsp;
  std::vector<size_t> shape;
  std::string kind = "other";
  for (const auto& name : block.inputs) {
    size_t i = 0;
    while (i < dsp.size() && dsp[i].name != name) ++i;
    if (i == dsp.size()) throw error_at("impulse.learn." + block.name + ".dsp", "'" + name + "' is not a DSP block");
    size_t n = impulse.blocks()[i]->output_size();
    c.ranges.push_back({impulse.offset(i), impulse.offset(i) + n});
    c.width += n;
    shape = impulse.blocks()[i]->output_shape();
    const std::string& t = dsp[i].type;
    kind = t == "mfcc" || t == "mfe" || t == "spectrogram" ? "audio" : t == "image" ? "image" : t == "spectral" ? "spectral" : "other";
  }
  if (block.inputs.size() != 1) shape = {c.width}, kind = block.inputs.empty() ? "other" : kind;
  c.info.shape = shape;
  c.info.kind = kind;
  return c;
}

std::vector<float> gather(const FeatureTable& t, const BlockColumns& cols, const std::vector<size_t>& rows) {
  std::vector<float> out;
  out.reserve(rows.size() * cols.width);
  for (size_t r : rows) {
    const float* row = t.row(r);
    for (auto [b, e] : cols.ranges) out.insert(out.end(), row + b, row + e);
  }
  return out;
}

std::string block_spec_hash(const BlockSpec& b) {
  json params = b.params.is_null() ? json::object() : b.params;  // as mote.json writes it
  return sha256_hex(json({{"name", b.name}, {"type", b.type}, {"dsp", b.inputs}, {"params", params}}).dump());
}

void save_trained(Store& store, TrainedBlock& b) {
  sql::Stmt st(store.db(),
               "INSERT INTO models(block, type, features_hash, spec_hash, model, metrics, created_at) "
               "VALUES(?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))");
  st.bind(1, b.name).bind(2, b.type).bind(3, b.features_hash).bind(4, b.spec_hash).bind(5, b.model.dump()).bind(6, b.metrics.dump());
  st.run();
}

namespace {
std::atomic<size_t> model_reads{0};
}  // namespace

size_t trained_model_reads() { return model_reads.load(); }

std::vector<TrainedBlock> load_trained(Store& store) {
  ++model_reads;
  sql::Stmt st(store.db(),
               "SELECT block, type, features_hash, spec_hash, model, metrics, created_at FROM models m "
               "WHERE id = (SELECT MAX(id) FROM models WHERE block = m.block) ORDER BY block");
  std::vector<TrainedBlock> out;
  while (st.step()) {
    TrainedBlock b;
    b.name = st.text(0), b.type = st.text(1), b.features_hash = st.text(2), b.spec_hash = st.text(3);
    b.model = json::parse(st.text(4));
    b.metrics = json::parse(st.text(5));
    b.created_at = st.text(6);
    out.push_back(std::move(b));
  }
  return out;
}

std::vector<TrainedBlock> current_models(Store& store, const Impulse& impulse) {
  auto stored = load_trained(store);
  std::vector<TrainedBlock> out;
  if (impulse.spec().learn.empty()) throw error_at("impulse.learn", "has no learning block; add a classifier (see docs/learn.md)");
  for (const auto& b : impulse.spec().learn) {
    auto it = std::find_if(stored.begin(), stored.end(), [&](const TrainedBlock& t) { return t.name == b.name; });
    if (it == stored.end()) throw error_at("learning block '" + b.name + "'", "is not trained yet; run mote train");
    if (it->features_hash != impulse.hash() || it->spec_hash != block_spec_hash(b) || it->type != b.type)
      throw error_at("learning block '" + b.name + "'", imported_file(b).empty() ? "was trained on another version of the impulse; run mote train"
                                                       : "holds a model imported for another version of the impulse; import it again (mote model import)");
    out.push_back(*it);
  }
  return out;
}

quant::QuantizeOptions trained_quantize_options(const TrainedBlock& b) {
  quant::QuantizeOptions o;
  const std::string s = b.model.value("int8_input", std::string("auto"));  // models trained before it: auto
  o.input_scaling = s == "per-tensor" ? quant::InputScaling::PerTensor
                    : s == "per-channel" ? quant::InputScaling::PerChannel : quant::InputScaling::Auto;
  return o;
}

ir::Model trained_ir(const TrainedBlock& b) {
  if (b.type != "classifier" && b.type != "regression") throw error_at("learning block '" + b.name + "'", "is not a neural network");
  if (!b.model.contains("ir"))
    throw error_at("learning block '" + b.name + "'", "holds an imported int8 model, not a float one; use the file it was imported from");
  return ir::from_json(b.model.at("ir"));
}

AnomalyRows anomaly_rows(const FeatureTable& t, const BlockColumns& cols, const std::vector<size_t>& rows, std::vector<float>* x) {
  *x = gather(t, cols, rows);
  AnomalyRows in;
  in.x = x->data(), in.n = rows.size(), in.width = cols.width;
  for (size_t r : rows) in.sample.push_back(t.rows[r].sample_id), in.label.push_back(t.rows[r].label);
  return in;
}

namespace {

double parse_number(const std::string& label, const std::string& where) {
  char* end = nullptr;
  double v = std::strtod(label.c_str(), &end);
  if (label.empty() || end != label.c_str() + label.size() || !std::isfinite(v))
    throw error_at(where, "label '" + label + "' is not a number; a regression block needs numeric labels");
  return v;
}

std::string pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, std::isfinite(v) ? "%.1f%%" : "-", 100 * v);
  return buf;
}

TrainedBlock train_network_block(Project& p, const Impulse& impulse, const BlockSpec& b, const BlockColumns& cols, const FeatureTable& t,
                                 const std::vector<size_t>& rows, const TrainOptions& opts) {
  const std::string where = "impulse.learn." + b.name;
  bool regression = b.type == "regression";
  Dataset d;
  std::vector<std::string> classes;
  if (!regression) {
    std::set<std::string> seen;
    for (size_t r : rows) seen.insert(t.rows[r].label);
    classes.assign(seen.begin(), seen.end());
    if (classes.size() < 2) throw error_at(where, "needs at least two labels in the training set; import more classes");
  }
  NetworkConfig cfg = parse_network_config(b.params, cols.info, static_cast<int>(classes.size()), regression, where);
  d.shape = cfg.input;
  d.x = gather(t, cols, rows);
  FeatureTable turned;  // rotation and speed augmentation: extra windows from changed copies of the training samples
  if (cfg.augment.rotate > 0 || cfg.augment.speed > 0) {
    std::vector<int64_t> ids;
    for (size_t r : rows)
      if (ids.empty() || ids.back() != t.rows[r].sample_id) ids.push_back(t.rows[r].sample_id);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    if (cfg.augment.rotate > 0)
      turned = rotated_features(p.store(), impulse, ids, cfg.augment.rotate, cfg.augment.rotate_copies, cfg.seed, where + ".params.augment.rotate");
    if (cfg.augment.speed > 0) {
      FeatureTable sped = speed_features(p.store(), impulse, ids, cfg.augment.speed, where + ".params.augment.speed");
      turned.width = sped.width;
      turned.data.insert(turned.data.end(), sped.data.begin(), sped.data.end());
      turned.rows.insert(turned.rows.end(), sped.rows.begin(), sped.rows.end());
    }
  }
  std::vector<size_t> all_turned(turned.rows.size());
  for (size_t i = 0; i < all_turned.size(); ++i) all_turned[i] = i;
  std::vector<float> extra = gather(turned, cols, all_turned);
  d.x.insert(d.x.end(), extra.begin(), extra.end());
  d.synthetic.assign(rows.size(), false);
  d.synthetic.resize(rows.size() + turned.rows.size(), true);
  auto rows_of = [&](auto&& each) {
    for (size_t r : rows) each(t.rows[r]);
    for (auto& row : turned.rows) each(row);
  };
  rows_of([&](const FeatureRow& row) {
    d.group.push_back(row.sample_id);
    if (regression) {
      d.target.push_back(static_cast<float>(parse_number(row.label, "sample " + std::to_string(row.sample_id))));
    } else {
      d.y.push_back(static_cast<int>(std::lower_bound(classes.begin(), classes.end(), row.label) - classes.begin()));
    }
  });
  if (!opts.quiet)
    std::printf("%s (%s): %zu training windows, input %dx%dx%d, %d epochs\n", b.name.c_str(), b.type.c_str(), d.size(),
                cfg.input.h, cfg.input.w, cfg.input.c, cfg.epochs);
  Progress progress("train " + b.name, static_cast<uint64_t>(cfg.epochs), opts.quiet);
  auto on_epoch = [&](const EpochStats& e) {
    if (opts.on_epoch) opts.on_epoch(b.name, e, cfg.epochs);
    if (!opts.quiet) {
      if (isatty(1)) std::printf("\r\033[K");  // clear the progress bar's line before the epoch line
      if (regression)
        std::printf("  epoch %3d/%d  loss %.4f  rmse %.4g  val_loss %.4f  val_rmse %.4g\n", e.epoch, cfg.epochs, e.loss,
                    e.accuracy, e.val_loss, e.val_accuracy);
      else
        std::printf("  epoch %3d/%d  loss %.4f  acc %s  val_loss %.4f  val_acc %s\n", e.epoch, cfg.epochs, e.loss,
                    pct(e.accuracy).c_str(), e.val_loss, pct(e.val_accuracy).c_str());
      std::fflush(stdout);
    }
    progress.advance();
  };
  TrainResult r = train_network(d, cfg, on_epoch);
  progress.finish();
  r.model.labels = regression ? std::vector<std::string>{"value"} : classes;

  TrainedBlock out;
  out.name = b.name;
  out.type = b.type;
  out.model = {{"ir", ir::to_json(r.model)}};
  if (!regression) out.model["min_confidence"] = cfg.resolved.value("min_confidence", 0.6);
  out.model["int8_input"] = cfg.int8_input;
  json curve = json::array();
  LineSeries loss{"training loss", {}, {}}, val_loss{"validation loss", {}, {}}, acc{regression ? "training RMSE" : "training accuracy", {}, {}},
      val_acc{regression ? "validation RMSE" : "validation accuracy", {}, {}};
  for (auto& e : r.curve) {
    auto num = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
    curve.push_back({{"epoch", e.epoch}, {"loss", e.loss}, {regression ? "rmse" : "accuracy", e.accuracy},
                     {"val_loss", num(e.val_loss)}, {regression ? "val_rmse" : "val_accuracy", num(e.val_accuracy)}});
    for (auto* s : {&loss, &val_loss, &acc, &val_acc}) s->x.push_back(static_cast<float>(e.epoch));
    loss.y.push_back(e.loss), val_loss.y.push_back(e.val_loss), acc.y.push_back(e.accuracy), val_acc.y.push_back(e.val_accuracy);
  }
  const EpochStats& best = r.curve.at(r.best_epoch > 0 ? r.best_epoch - 1 : r.curve.size() - 1);
  auto plot = p.out_dir() / (b.name + "-training.svg");
  std::filesystem::create_directories(p.out_dir());
  write_file_atomic(plot, line_svg(b.name + ": training curves", "epoch", regression ? "loss / RMSE" : "loss / accuracy",
                                   {loss, val_loss, acc, val_acc}));
  out.metrics = {{"params", cfg.resolved}, {"input", {cfg.input.h, cfg.input.w, cfg.input.c}}, {"curve", curve},
                 {"best_epoch", r.best_epoch}, {"stopped_early", r.stopped_early}, {"epochs_run", r.curve.size()},
                 {"train_windows", r.train_examples}, {"validation_windows", r.val_examples},
                 {"export_max_error", r.export_error}, {"plot", plot.string()}, {"labels", r.model.labels},
                 {"loss", best.loss}, {"val_loss", std::isfinite(best.val_loss) ? json(best.val_loss) : json(nullptr)}};
  out.metrics[regression ? "val_rmse" : "val_accuracy"] = std::isfinite(best.val_accuracy) ? json(best.val_accuracy) : json(nullptr);
  out.metrics[regression ? "rmse" : "accuracy"] = best.accuracy;
  if (!opts.quiet) {
    std::printf("  kept epoch %d%s; validation %s %s; curves: %s\n", r.best_epoch, r.stopped_early ? " (stopped early)" : "",
                regression ? "RMSE" : "accuracy", regression ? std::to_string(best.val_accuracy).c_str() : pct(best.val_accuracy).c_str(),
                plot.string().c_str());
  }
  return out;
}

TrainedBlock train_anomaly_block(const BlockSpec& b, const BlockColumns& cols, const FeatureTable& t,
                                 const std::vector<size_t>& rows, const TrainOptions& opts) {
  std::vector<float> x;
  AnomalyModel m = fit_anomaly(b.type, b.params, "impulse.learn." + b.name, anomaly_rows(t, cols, rows, &x));
  std::vector<double> scores(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) scores[i] = anomaly_score(m, x.data() + i * cols.width);
  TrainedBlock out;
  out.name = b.name;
  out.type = b.type;
  out.model = anomaly_to_json(m);
  const AnomalyScore& s = m.score;
  auto num = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  out.metrics = {{"params", m.params}, {"train_windows", rows.size()}, {"features", m.select.size()}, {"threshold", m.threshold},
                 {"threshold_rule", m.threshold_rule}, {"fit_windows", s.fit_windows},
                 {"scores", {{"p50", percentile(scores, 50)}, {"p90", percentile(scores, 90)}, {"p99", percentile(scores, 99)},
                             {"max", percentile(scores, 100)}}}};
  if (m.threshold_rule == "holdout")
    out.metrics["holdout"] = {{"samples", s.holdout_samples}, {"windows", s.holdout_windows}, {"fit_samples", s.fit_samples},
                              {"false_positive_rate", s.fpr}, {"stated_false_positive_rate", m.false_positive_rate},
                              {"separation", num(s.separation)}, {"p50", s.median}, {"p99", s.p99}, {"max", s.max}};
  if (!opts.quiet) {
    std::printf("%s (%s): %d %s on %zu features of %zu training windows; ", b.name.c_str(), b.type.c_str(), m.k,
                b.type == "kmeans" ? "clusters" : "components", m.select.size(), s.fit_windows);
    if (m.threshold_rule == "holdout")
      std::printf("threshold %.4g: %.1f %% of %zu held-out windows (%zu samples) above it (stated %g %%), separation %.2f\n",
                  m.threshold, 100 * s.fpr, s.holdout_windows, s.holdout_samples, 100 * m.false_positive_rate, s.separation);
    else
      std::printf("threshold %.4g (%gth percentile of the training windows, margin %g)\n", m.threshold, m.percentile, m.margin);
  }
  return out;
}

}  // namespace

TrainReport train_impulse(Project& p, const TrainOptions& opts) {
  auto t0 = std::chrono::steady_clock::now();
  ImpulseSpec spec = load_impulse(p);
  if (spec.learn.empty()) throw error_at("impulse.learn", "has no learning block; add a classifier (see docs/learn.md)");
  for (size_t i = 0; i < spec.learn.size(); ++i)
    if (!is_learn_type(spec.learn[i].type))
      throw error_at("impulse.learn[" + std::to_string(i) + "].type",
                     "'" + spec.learn[i].type + "' is not a learning block; use classifier, regression, kmeans, gmm, random_forest or gradient_boosting");
  Impulse impulse(spec, impulse_axes(p, spec));
  SampleFilter f;
  f.category = Category::Training;
  TrainReport rep;
  FeatureTable t = labelled_rows(generate_features(p.store(), impulse, f, opts.quiet, &rep.features));  // unlabelled wait
  if (t.rows.empty()) throw Error("train: the training set has no windows; import training data (mote import)");
  std::vector<size_t> rows(t.rows.size());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  const auto stored = load_trained(p.store());
  for (const auto& b : impulse.spec().learn) {
    if (const std::string file = imported_file(b); !file.empty()) {  // kept, not trained over
      auto it = std::find_if(stored.begin(), stored.end(), [&](const TrainedBlock& s) { return s.name == b.name; });
      if (it == stored.end() || it->features_hash != impulse.hash() || it->spec_hash != block_spec_hash(b))
        throw error_at("learning block '" + b.name + "'", "holds a model imported for another impulse (" + file +
                       "); import it again (mote model import FILE --block " + b.name + ") or remove params.imported to train it");
      if (!opts.quiet) std::printf("%s: keeps its imported model %s (remove params.imported to train it)\n", b.name.c_str(), file.c_str());
      rep.blocks.push_back(*it);
      continue;
    }
    BlockColumns cols = block_columns(impulse, b);
    TrainedBlock tb = b.type == "classifier" || b.type == "regression" ? train_network_block(p, impulse, b, cols, t, rows, opts)
                      : trees::is_tree_type(b.type)                     ? train_tree_block(b, cols, t, rows, opts.quiet)
                                                                        : train_anomaly_block(b, cols, t, rows, opts);
    tb.features_hash = impulse.hash();
    tb.spec_hash = block_spec_hash(b);
    save_trained(p.store(), tb);
    rep.blocks.push_back(std::move(tb));
  }
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

}  // namespace mote::learn
