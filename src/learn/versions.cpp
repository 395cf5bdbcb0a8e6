#include "learn/versions.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <tuple>
#include <vector>

#include "core/error.h"
#include "core/files.h"
#include "deploy/impulse_codegen.h"
#include "impulse/features.h"
#include "learn/pipeline.h"

using nlohmann::json;
namespace fs = std::filesystem;

namespace mote::learn {

namespace {

std::vector<std::string> version_names(Store& s) {
  sql::Stmt st(s.db(), "SELECT name FROM versions ORDER BY id");
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  return out;
}

// The version's row id; throws naming the versions there are.
int64_t version_id(Store& s, const std::string& name) {
  sql::Stmt st(s.db(), "SELECT id FROM versions WHERE name = ?");
  st.bind(1, name);
  if (st.step()) return st.int64(0);
  auto names = version_names(s);
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
  throw error_at("version '" + name + "'", names.empty() ? "does not exist; there are no versions yet (mote version save NAME)"
                                                         : "does not exist; the versions are: " + known);
}

// What a block's testing result says in a few numbers (test_impulse's per-block entry).
json testing_summary(const json& b) {
  json out;
  for (const char* k : {"accuracy", "window_accuracy", "rmse", "mae", "roc_auc", "detection_rate", "false_positive_rate", "samples"})
    if (b.contains(k) && b[k].is_number()) out[k] = b[k];
  // Macro F1 over the labels the testing set holds (a trained label with no testing sample has no F1).
  double f1 = 0;
  int labels = 0;
  for (const auto& c : b.value("classes", json::array()))
    if (c.contains("support") && c["support"].is_number() && c["support"].get<double>() > 0)
      f1 += c.contains("f1") && c["f1"].is_number() ? c["f1"].get<double>() : 0.0, ++labels;
  if (labels > 0) out["macro_f1"] = f1 / labels;
  return out;
}

json training_summary(const TrainedBlock& b) {
  json out;
  for (const char* k : {"val_accuracy", "val_loss", "best_epoch", "epochs_run", "threshold", "train_windows"})
    if (b.metrics.contains(k) && b.metrics[k].is_number()) out[k] = b.metrics[k];
  return out;
}

// The device profiles in out/ of exactly this deployable impulse: per target its RAM, flash, instructions.
json matching_profiles(Project& p) {
  json out = json::object();
  std::string hash;
  try {
    hash = deploy::generate_impulse(deploy::load_deployable(p)).hash;
  } catch (const Error&) {  // not deployable (an image impulse, a tree on its own): no device figures
    return out;
  }
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(p.out_dir(), ec)) {
    const std::string f = e.path().filename().string();
    if (f.rfind("profile-", 0) != 0 || e.path().extension() != ".json") continue;
    std::ifstream in(e.path());
    json r = json::parse(in, nullptr, false);
    try {  // a report edited by hand or cut short is skipped, not a failed save
      if (!r.is_object() || r.value("impulse_hash", "") != hash || !r.contains("impulse")) continue;
      out[r.value("target", f)] = {{"ram_bytes", r["impulse"].value("ram_bytes", 0L)},
                                   {"flash_bytes", r["impulse"].value("flash_bytes", 0L)},
                                   {"instructions", r.value("instructions", json::object()).value("total", 0.0)},
                                   {"parity_ok", r.value("parity", json::object()).value("ok", false)}};
    } catch (const json::exception&) {
    }
  }
  return out;
}

json load_version(Store& s, const std::string& name) {
  const int64_t id = version_id(s, name);
  sql::Stmt st(s.db(), "SELECT name, impulse, created_at, metrics, CASE WHEN labels = '' THEN 0 ELSE 1 END FROM versions WHERE id = ?");
  st.bind(1, id);
  st.step();
  json v = {{"name", st.text(0)}, {"impulse", json::parse(st.text(1))}, {"created_at", st.text(2)}, {"metrics", json::parse(st.text(3))}};
  v["labels_kept"] = st.int64(4) != 0;  // restore gives the samples their labels and split back
  sql::Stmt m(s.db(), "SELECT block, type, created_at FROM version_models WHERE version = ? ORDER BY idx");
  m.bind(1, id);
  v["blocks"] = json::array();
  while (m.step()) v["blocks"].push_back({{"block", m.text(0)}, {"type", m.text(1)}, {"trained_at", m.text(2)}});
  return v;
}

// Leaves of a JSON value as "path" -> value ("impulse.dsp[0].params.fft_length").
void flatten(const json& j, const std::string& path, std::map<std::string, json>* out) {
  if (j.is_object() && !j.empty()) {
    for (auto it = j.begin(); it != j.end(); ++it) flatten(it.value(), path + "." + it.key(), out);
  } else if (j.is_array() && !j.empty() && (j[0].is_object() || j[0].is_array())) {
    for (size_t i = 0; i < j.size(); ++i) flatten(j[i], path + "[" + std::to_string(i) + "]", out);
  } else {
    (*out)[path] = j;
  }
}

}  // namespace

void check_version_name(const std::string& name) {
  // Starting with a letter or digit: "." and ".." would be path segments in /api/versions/{name}.
  const bool ok = !name.empty() && name.size() <= 64 && std::isalnum(static_cast<unsigned char>(name[0])) &&
                  std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '.' || c == '-'; });
  if (!ok) throw error_at("version name '" + name + "'", "use 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit");
}

json save_version(Project& p, const std::string& name) {
  check_version_name(name);
  if (p.config()["impulse"].is_null()) throw error_at("impulse", "none designed yet; design and train one first (mote impulse, mote train)");
  {
    sql::Stmt st(p.store().db(), "SELECT 1 FROM versions WHERE name = ?");
    st.bind(1, name);
    if (st.step()) throw error_at("version '" + name + "'", "exists already; choose another name or delete it first (mote version delete " + name + ")");
  }
  const ImpulseSpec spec = load_impulse(p);
  const Impulse impulse(spec, impulse_axes(p, spec));
  std::vector<TrainedBlock> models;
  try {
    models = current_models(p.store(), impulse);
  } catch (const Error& e) {
    throw Error(std::string(e.what()) + " before saving a version");
  }
  json metrics = {{"blocks", json::object()}, {"profiles", matching_profiles(p)}};
  for (const auto& m : models) metrics["blocks"][m.name] = {{"type", m.type}, {"training", training_summary(m)}};
  SampleFilter testing;
  testing.category = Category::Testing;
  if (p.store().count(testing) > 0) {
    json tested = test_impulse(p, /*quiet=*/true);
    for (const auto& b : tested["blocks"])
      if (metrics["blocks"].contains(b.value("block", ""))) metrics["blocks"][b["block"].get<std::string>()]["testing"] = testing_summary(b);
    metrics["testing_samples"] = tested.value("testing_samples", 0);
  }
  metrics["impulse_hash"] = impulse.hash();

  sql::Transaction tx(p.store().db());
  // The dataset's labels and split ({"<sample id>": [label, category]}), restored with the version (migration 8).
  json labels = json::object();
  {
    sql::Stmt st(p.store().db(), "SELECT id, label, category FROM samples ORDER BY id");
    while (st.step()) labels[std::to_string(st.int64(0))] = {st.text(1), st.text(2)};
  }
  sql::Stmt ins(p.store().db(),
                "INSERT INTO versions(name, impulse, metrics, labels, created_at) VALUES(?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))");
  ins.bind(1, name).bind(2, p.config()["impulse"].dump()).bind(3, metrics.dump()).bind(4, labels.dump());
  ins.run();
  const int64_t id = p.store().db().last_insert_id();
  for (size_t i = 0; i < models.size(); ++i) {
    const TrainedBlock& m = models[i];
    sql::Stmt st(p.store().db(),
                 "INSERT INTO version_models(version, idx, block, type, features_hash, spec_hash, model, metrics, created_at) "
                 "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, id).bind(2, static_cast<int64_t>(i)).bind(3, m.name).bind(4, m.type).bind(5, m.features_hash).bind(6, m.spec_hash)
        .bind(7, m.model.dump()).bind(8, m.metrics.dump()).bind(9, m.created_at);
    st.run();
  }
  tx.commit();
  json v = load_version(p.store(), name);
  v.erase("impulse");
  return v;
}

json list_versions(Project& p) {
  json out = json::array();
  auto names = version_names(p.store());
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    json v = load_version(p.store(), *it);
    v["impulse_hash"] = v["metrics"].value("impulse_hash", "");
    v.erase("impulse");
    out.push_back(std::move(v));
  }
  return out;
}

json show_version(Project& p, const std::string& name) { return load_version(p.store(), name); }

json compare_versions(Project& p, const std::string& a, const std::string& b) {
  const json va = load_version(p.store(), a), vb = load_version(p.store(), b);
  // Metric rows in a stable order: per block testing then training, then per target the device figures.
  std::vector<std::string> order;
  std::map<std::string, std::pair<json, json>> rows;
  auto add = [&](const std::string& metric, const json& value, bool first) {
    if (!rows.count(metric)) order.push_back(metric), rows[metric] = {nullptr, nullptr};
    (first ? rows[metric].first : rows[metric].second) = value;
  };
  for (const json* v : {&va, &vb}) {
    const bool first = v == &va;
    const json& m = (*v)["metrics"];
    const json blocks = m.value("blocks", json::object()), profiles = m.value("profiles", json::object());  // items() needs them alive
    for (auto& [block, bm] : blocks.items()) {
      for (const char* part : {"testing", "training"}) {
        const json values = bm.value(part, json::object());
        for (auto& [k, val] : values.items()) add(block + " " + part + " " + k, val, first);
      }
    }
    for (auto& [target, pm] : profiles.items())
      for (const char* k : {"ram_bytes", "flash_bytes", "instructions"})
        if (pm.contains(k)) add(target + " " + k, pm[k], first);
  }
  json out = {{"a", a}, {"b", b}, {"rows", json::array()}, {"impulse_changes", json::array()}};
  out["created_at"] = {va["created_at"], vb["created_at"]};
  for (const auto& k : order) out["rows"].push_back({{"metric", k}, {"a", rows[k].first}, {"b", rows[k].second}});
  std::map<std::string, json> fa, fb;
  flatten(va["impulse"], "impulse", &fa);
  flatten(vb["impulse"], "impulse", &fb);
  std::map<std::string, std::pair<json, json>> changed;
  for (auto& [k, v] : fa) if (!fb.count(k) || fb[k] != v) changed[k] = {v, fb.count(k) ? fb[k] : json()};
  for (auto& [k, v] : fb) if (!fa.count(k)) changed[k] = {json(), v};
  for (auto& [k, ab] : changed) out["impulse_changes"].push_back({{"path", k}, {"a", ab.first}, {"b", ab.second}});
  return out;
}

json restore_version(Project& p, const std::string& name) {
  const int64_t id = version_id(p.store(), name);
  json impulse, labels;
  {
    sql::Stmt st(p.store().db(), "SELECT impulse, labels FROM versions WHERE id = ?");
    st.bind(1, id);
    st.step();
    impulse = json::parse(st.text(0));
    if (!st.text(1).empty()) labels = json::parse(st.text(1));
  }
  const json before = p.config();
  sql::Transaction tx(p.store().db());
  // The labels and split of the samples the version knew, in the same transaction; samples added since keep
  // theirs, samples deleted since stay deleted. A version saved before migration 8 kept none.
  json relabelled = nullptr;
  if (labels.is_object()) {
    size_t changed = 0, same = 0, added = 0, present = 0;
    std::vector<std::tuple<int64_t, std::string, std::string>> updates;
    {
      sql::Stmt st(p.store().db(), "SELECT id, label, category FROM samples");
      while (st.step()) {
        auto it = labels.find(std::to_string(st.int64(0)));
        if (it == labels.end()) {
          ++added;
          continue;
        }
        ++present;
        const std::string label = (*it)[0], category = (*it)[1];
        if (label == st.text(1) && category == st.text(2)) ++same;
        else updates.emplace_back(st.int64(0), label, category);
      }
    }
    for (const auto& [sid, label, category] : updates) {
      sql::Stmt up(p.store().db(), "UPDATE samples SET label = ?, category = ? WHERE id = ?");
      up.bind(1, label).bind(2, category).bind(3, sid).run();
      ++changed;
    }
    relabelled = {{"restored", changed}, {"unchanged", same}, {"added_since", added}, {"deleted_since", labels.size() - present}};
  }
  sql::Stmt copy(p.store().db(),
                 "INSERT INTO models(block, type, features_hash, spec_hash, model, metrics, created_at) "
                 "SELECT block, type, features_hash, spec_hash, model, metrics, created_at FROM version_models "
                 "WHERE version = ? ORDER BY idx");
  copy.bind(1, id);
  copy.run();
  p.config()["impulse"] = impulse;
  p.config().erase("impulse_why");
  try {
    p.save_config();  // written whole (temp file + rename) before the models commit
    tx.commit();
  } catch (...) {
    p.config() = before;
    write_file_atomic(p.dir() / "mote.json", before.dump(2) + "\n");  // the old file back if the commit failed
    throw;
  }
  return {{"name", name}, {"impulse", impulse}, {"labels", relabelled}};
}

void delete_version(Project& p, const std::string& name) {
  const int64_t id = version_id(p.store(), name);
  sql::Transaction tx(p.store().db());
  sql::Stmt m(p.store().db(), "DELETE FROM version_models WHERE version = ?");
  m.bind(1, id);
  m.run();
  sql::Stmt v(p.store().db(), "DELETE FROM versions WHERE id = ?");
  v.bind(1, id);
  v.run();
  tx.commit();
}

}  // namespace mote::learn
