#include "learn/import_model.h"

#include <set>

#include "core/crypto.h"
#include "core/error.h"
#include "core/files.h"
#include "deploy/model_file.h"
#include "learn/trees/foreign.h"
#include "quant/quantize.h"

using nlohmann::json;

namespace mote::learn {

namespace fs = std::filesystem;

std::string imported_file(const BlockSpec& b) {
  return b.params.is_object() && b.params.contains("imported") && b.params["imported"].is_string() ? b.params["imported"].get<std::string>()
                                                                                                  : std::string();
}

namespace {

// The block to fill: the named one, or the impulse's only classifier/regression block.
size_t pick_block(const ImpulseSpec& spec, const std::string& name) {
  std::vector<size_t> neural;
  for (size_t i = 0; i < spec.learn.size(); ++i) {
    const bool nn = spec.learn[i].type == "classifier" || spec.learn[i].type == "regression";
    if (!name.empty() && spec.learn[i].name == name) {
      if (!nn) throw error_at("--block " + name, "is a " + spec.learn[i].type + " block; a model file replaces a classifier or regression block");
      return i;
    }
    if (nn) neural.push_back(i);
  }
  if (!name.empty()) throw error_at("--block " + name, "is not a learning block of the impulse (mote impulse show lists them)");
  if (neural.empty())
    throw error_at("impulse.learn", "has no classifier or regression block for the model; add one (mote impulse set) and import again");
  if (neural.size() > 1) throw Error("the impulse has " + std::to_string(neural.size()) + " neural blocks; say which one with --block NAME");
  return neural[0];
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

TrainedBlock import_model(Project& p, const fs::path& file, const ImportOptions& o) {
  return import_model(p, file.string(), read_file(file, uint64_t{1} << 31), o);
}

namespace {

// XGBoost JSON / LightGBM text: a gradient_boosting block's model, moved onto int8 codes over the block's
// training windows (the changes that makes to their predictions are counted and stored in the metrics).
TrainedBlock import_trees(Project& p, const std::string& file, const std::string& bytes, const ImportOptions& o) {
  ImpulseSpec spec = load_impulse(p);
  size_t index = spec.learn.size();
  for (size_t i = 0; i < spec.learn.size(); ++i) {
    const bool fits = spec.learn[i].type == "gradient_boosting";
    if (!o.block.empty() && spec.learn[i].name == o.block) {
      if (!fits) throw error_at("--block " + o.block, "is a " + spec.learn[i].type + " block; a boosted-trees file fills a gradient_boosting block");
      index = i;
    } else if (o.block.empty() && fits) {
      if (index != spec.learn.size()) throw Error("the impulse has more than one gradient_boosting block; say which one with --block NAME");
      index = i;
    }
  }
  if (index == spec.learn.size())
    throw error_at(o.block.empty() ? "impulse.learn" : "--block " + o.block,
                   o.block.empty() ? "has no gradient_boosting block for the model; add one (mote impulse set) and import again"
                                   : "is not a learning block of the impulse (mote impulse show lists them)");
  BlockSpec& b = spec.learn[index];
  Impulse impulse(spec, impulse_axes(p, spec));
  const BlockColumns cols = block_columns(impulse, b);
  const std::string name = fs::path(file).filename().string();
  const trees::ForeignModel m = trees::parse_foreign_trees(bytes, file);
  if (m.features != cols.width)
    throw Error(file + ": the model reads " + std::to_string(m.features) + " features but block '" + b.name + "' gets " +
                std::to_string(cols.width) + " from its DSP blocks; change the impulse's DSP so they agree, or import a model for this input");
  std::vector<std::string> labels = o.labels;
  if (m.regression) {
    labels = {"value"};
  } else if (labels.empty()) {
    std::set<std::string> seen;
    for (const auto& lc : p.store().label_counts())
      if (lc.training > 0) seen.insert(lc.label);
    labels.assign(seen.begin(), seen.end());
  }
  if (!m.regression && labels.size() != m.classes)
    throw Error(file + ": the model has " + std::to_string(m.classes) + " classes but " +
                (o.labels.empty() ? "the training set has " + std::to_string(labels.size()) + " labels (" + join(labels) + ")"
                                  : "--labels names " + std::to_string(labels.size())) + "; pass --labels with one name per class, in the model's order");
  SampleFilter f;
  f.category = Category::Training;
  const FeatureTable t = generate_features(p.store(), impulse, f, true);
  if (t.rows.empty()) throw Error("import: the training set has no windows to map the model's features to int8 with; import training data first");
  std::vector<size_t> rows(t.rows.size());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  const std::vector<float> x = gather(t, cols, rows);
  trees::QuantChanges c;
  const trees::Ensemble e = trees::to_ensemble(m, labels, x.data(), rows.size(), &c);
  json imported = {{"file", name}, {"format", m.format}, {"dtype", "float32"}, {"sha256", sha256_hex(bytes)},
                   {"calibration", "training set"}};
  TrainedBlock tb;
  tb.name = b.name;
  tb.type = b.type;
  tb.model = {{"trees", trees::to_json(e)}, {"imported", imported}};
  if (!m.regression) tb.model["min_confidence"] = b.params.value("min_confidence", 0.6);
  tb.metrics = {{"imported", imported}, {"labels", labels}, {"trees", e.trees.size()}, {"decision_nodes", e.internal_nodes()},
                {"quantization", {{"rows", c.rows}, {"threshold_changes", c.threshold_changes}, {"int8_changes", c.int8_changes}}}};
  b.params["imported"] = name;
  tb.features_hash = impulse.hash();
  tb.spec_hash = block_spec_hash(b);
  save_trained(p.store(), tb);
  save_impulse(p, spec);
  return tb;
}

}  // namespace

TrainedBlock import_model(Project& p, const std::string& file, const std::string& bytes, const ImportOptions& o) {
  if (trees::looks_like_foreign_trees(bytes)) return import_trees(p, file, bytes, o);
  ImpulseSpec spec = load_impulse(p);
  const size_t index = pick_block(spec, o.block);
  BlockSpec& b = spec.learn[index];
  const bool regression = b.type == "regression";
  Impulse impulse(spec, impulse_axes(p, spec));
  const BlockColumns cols = block_columns(impulse, b);
  const std::string name = fs::path(file).filename().string();

  deploy::ModelFile m = deploy::parse_model_file(bytes, file);
  const size_t inputs = m.quantized ? m.q.input_shape.size() : m.f.input.size();
  const size_t outputs = m.quantized ? m.q.output_shape().size() : m.f.output().size();
  if (inputs != cols.width)
    throw Error(file + ": the model reads " + std::to_string(inputs) + " values but block '" + b.name + "' gets " +
                std::to_string(cols.width) + " features from its DSP blocks; change the impulse's DSP so they agree, or import a model for this input");
  std::vector<std::string> labels = o.labels;
  if (regression) {
    if (outputs != 1)
      throw Error(file + ": the model has " + std::to_string(outputs) + " outputs; regression block '" + b.name + "' needs one");
    labels = {"value"};
  } else {
    if (labels.empty()) {
      std::set<std::string> seen;
      for (const auto& lc : p.store().label_counts())
        if (lc.training > 0) seen.insert(lc.label);
      labels.assign(seen.begin(), seen.end());
    }
    if (labels.size() != outputs)
      throw Error(file + ": the model has " + std::to_string(outputs) + " outputs but " +
                  (o.labels.empty() ? "the training set has " + std::to_string(labels.size()) + " labels (" + join(labels) + ")"
                                    : "--labels names " + std::to_string(labels.size())) +
                  "; pass --labels with one name per output, in the model's order");
  }

  json imported = {{"file", name}, {"format", m.format}, {"dtype", m.quantized ? "int8" : "float32"},
                   {"sha256", sha256_hex(bytes)}};
  TrainedBlock tb;
  tb.name = b.name;
  tb.type = b.type;
  if (m.quantized) {
    m.q.labels = labels;
    m.q.regression = regression;
    tb.model["int8"] = quant::to_json(m.q);
  } else if (!o.calibration.empty()) {  // the user's calibration: quantized now and kept as is
    m.f.labels = labels;
    m.f.regression = regression;
    const auto rows = deploy::read_calibration(o.calibration, inputs);
    tb.model["int8"] = quant::to_json(quant::quantize(m.f, rows, quant::QuantizeOptions{false, quant::InputScaling::PerTensor}));
    imported["calibration"] = {{"path", o.calibration.string()}, {"inputs", rows.size()}};
  } else {  // quantized on the training windows whenever int8 is wanted, like a model mote trained
    m.f.labels = labels;
    m.f.regression = regression;
    tb.model["ir"] = ir::to_json(m.f);
    imported["calibration"] = "training set";
  }
  tb.model["int8_input"] = "per-tensor";  // an imported model reads its inputs as they are
  if (!regression) tb.model["min_confidence"] = b.params.value("min_confidence", 0.6);
  tb.model["imported"] = imported;
  tb.metrics = {{"imported", imported}, {"labels", labels}, {"input", {inputs}}, {"outputs", outputs}};

  b.params["imported"] = name;
  tb.features_hash = impulse.hash();
  tb.spec_hash = block_spec_hash(b);
  save_trained(p.store(), tb);  // first: until mote.json names the import, this row matches no impulse
  save_impulse(p, spec);
  return tb;
}

}  // namespace mote::learn
