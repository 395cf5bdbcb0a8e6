// Samples (list, values, edits), labels and split, the impulse, features: the studio's data views.
#include <map>

#include "core/error.h"
#include "impulse/features.h"
#include "impulse/suggest.h"
#include "ingest/acquisition.h"
#include "ingest/image.h"
#include "ingest/split.h"
#include "learn/label_suggest.h"
#include "serve/http.h"
#include "store/crop.h"

using nlohmann::json;

namespace mote::serve {

namespace {

Sample require_sample(Store& store, int64_t id, bool with_data) {
  SampleFilter f;
  f.ids = {id};
  auto v = store.list(f, with_data);
  if (v.empty()) throw HttpError{404, "sample " + std::to_string(id) + ": no such sample"};
  return std::move(v.front());
}

std::string text_field(const json& j, const char* key, bool required = true) {
  if (!j.contains(key)) {
    if (!required) return "";
    throw HttpError{400, std::string("field '") + key + "' is missing"};
  }
  if (!j[key].is_string()) throw HttpError{400, std::string("field '") + key + "' must be a string"};
  return j[key].get<std::string>();
}

// A label or name: non-empty, printable, bounded (they end up in file names on export).
std::string checked_text(const std::string& s, const char* what) {
  if (s.empty() || s.size() > 200) throw HttpError{400, std::string(what) + " must be 1 to 200 characters"};
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) throw HttpError{400, std::string(what) + " holds control characters"};
  return s;
}

std::vector<int64_t> ids_field(const json& j) {
  if (!j.contains("ids") || !j["ids"].is_array() || j["ids"].empty())
    throw HttpError{400, "field 'ids' must be a non-empty array of sample ids"};
  std::vector<int64_t> ids;
  for (auto& v : j["ids"]) {
    if (!v.is_number_integer() || v.get<int64_t>() <= 0) throw HttpError{400, "field 'ids' holds a value that is not a sample id"};
    ids.push_back(v.get<int64_t>());
  }
  return ids;
}

SampleFilter filter_from_query(const httplib::Request& req) {
  SampleFilter f;
  if (req.has_param("label")) f.label = req.get_param_value("label");
  if (req.has_param("category")) {
    try {
      f.category = parse_category(req.get_param_value("category"), "category");
    } catch (const Error& e) {
      throw HttpError{400, e.what()};
    }
  }
  if (req.has_param("name")) f.name_contains = req.get_param_value("name");
  return f;
}

// Applies an edit to every id in one transaction: all change, or none (404 names the missing one).
template <typename Edit>
void edit_each(Api& api, const std::vector<int64_t>& ids, httplib::Response& res, Edit edit) {
  auto p = api.pool.acquire();
  Store& store = p->store();
  sql::Transaction tx(store.db());
  for (int64_t id : ids) {
    require_sample(store, id, false);
    edit(store, id);
  }
  tx.commit();
  reply_json(res, {{"success", true}, {"changed", ids.size()}});
}

// The explorer's points as the store holds them now: labels and categories edited since the features job
// (relabelled from the explorer) show at once, deleted samples' windows go; per-label counts follow.
void refresh_points(Store& store, json& features) {
  std::map<int64_t, std::pair<std::string, std::string>> now;
  for (auto& s : store.list(SampleFilter{})) now[s.id] = {s.label, category_name(s.category)};
  json kept = json::array(), labels = json::object();
  for (auto& pt : features["projection"]["points"]) {
    auto it = now.find(pt.value("sample_id", int64_t{0}));
    if (it == now.end()) continue;
    pt["label"] = it->second.first, pt["category"] = it->second.second;
    json& c = labels[it->second.first];
    if (c.is_null()) c = {{"training", 0}, {"testing", 0}};
    c[it->second.second] = c[it->second.second].get<int>() + 1;
    kept.push_back(std::move(pt));
  }
  features["projection"]["points"] = std::move(kept);
  features["labels"] = std::move(labels);
}

json samples_page(Api& api, const httplib::Request& req) {
  SampleFilter f = filter_from_query(req);
  f.limit = query_int(req, "limit", 100, 1, 1000);
  f.offset = query_int(req, "offset", 0, 0, INT64_MAX);
  auto p = api.pool.acquire();
  auto samples = p->store().list(f);
  SampleFilter all = f;
  all.limit = -1;
  all.offset = 0;
  json list = json::array();
  for (auto& s : samples) list.push_back(sample_summary_json(s));
  return {{"total", p->store().count(all)}, {"offset", f.offset}, {"limit", f.limit}, {"samples", list}};
}

json one_sample(Api& api, int64_t id) {
  auto p = api.pool.acquire();
  Sample s = require_sample(p->store(), id, true);
  json j = sample_summary_json(s);
  if (s.kind == SampleKind::TimeSeries) {
    // values[frame][axis], as in the acquisition format.
    json frames = json::array();
    size_t axes = s.axes();
    for (size_t f = 0; f < s.frames(); ++f) {
      json row = json::array();
      for (size_t a = 0; a < axes; ++a) row.push_back(s.values[f * axes + a]);
      frames.push_back(std::move(row));
    }
    j["values"] = std::move(frames);
  } else {
    j["image"] = "/api/samples/" + std::to_string(id) + "/image.png";
  }
  return j;
}

json impulse_view(Project& p) {
  bool set = !p.config()["impulse"].is_null();
  std::vector<std::string> why;
  ImpulseSpec spec;
  if (set) {
    spec = load_impulse(p, &why);
  } else {
    // Show the suggestion without saving it: a read changes nothing.
    SampleFilter any;
    if (p.store().count(any) == 0) throw HttpError{404, "no impulse set and no samples to suggest one from; upload data first"};
    Suggestion s = suggest_impulse(p.store());
    spec = s.spec;
    why = s.why;
  }
  Impulse impulse(spec, impulse_axes(p, spec));
  json blocks = json::array();
  for (size_t i = 0; i < impulse.blocks().size(); ++i)
    blocks.push_back({{"name", spec.dsp[i].name}, {"features", impulse.blocks()[i]->output_size()},
                      {"shape", impulse.blocks()[i]->output_shape()}, {"ram_bytes", impulse.blocks()[i]->ram_bytes()}});
  return {{"impulse", impulse_to_json(impulse.spec())}, {"set", set}, {"why", why},
          {"features_per_window", impulse.width()}, {"blocks", blocks}, {"hash", impulse.hash()}};
}

}  // namespace

void add_sample_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/api/project", "/api/project", "project name, sample and job counts, schema version",
               [](Api& api, const httplib::Request&, httplib::Response& res) {
                 auto p = api.pool.acquire();
                 SampleFilter all;
                 reply_json(res, {{"name", p->config().value("name", "")},
                                  {"samples", p->store().count(all)},
                                  {"schema", p->store().schema_version()},
                                  {"job_kinds", api.jobs.kind_names()}});
               }});
  r.push_back({"GET", "/api/samples", "/api/samples?label=&category=&name=&limit=&offset=",
               "samples (metadata), filtered and paged (limit <= 1000)",
               [](Api& api, const httplib::Request& req, httplib::Response& res) { reply_json(res, samples_page(api, req)); }});
  r.push_back({"GET", R"(/api/samples/(\d+))", "/api/samples/{id}", "one sample with its values (frames x axes)",
               [](Api& api, const httplib::Request& req, httplib::Response& res) { reply_json(res, one_sample(api, path_id(req))); }});
  r.push_back({"GET", R"(/api/samples/(\d+)/image\.png)", "/api/samples/{id}/image.png", "an image sample as PNG",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 auto p = api.pool.acquire();
                 Sample s = require_sample(p->store(), path_id(req), true);
                 if (s.kind != SampleKind::Image) throw HttpError{400, "sample " + std::to_string(s.id) + " is not an image"};
                 res.set_content(encode_png(s), "image/png");
               }});
  r.push_back({"GET", R"(/api/samples/(\d+)/acquisition\.json)", "/api/samples/{id}/acquisition.json",
               "a time series in the Edge Impulse acquisition format (unsigned)",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 auto p = api.pool.acquire();
                 Sample s = require_sample(p->store(), path_id(req), true);
                 if (s.kind != SampleKind::TimeSeries) throw HttpError{400, "sample " + std::to_string(s.id) + " is an image; GET its image.png"};
                 res.set_header("Content-Disposition", "attachment; filename=\"sample-" + std::to_string(s.id) + ".json\"");
                 res.set_content(write_acquisition_json(s, std::nullopt), "application/json");
               }});
  r.push_back({"POST", "/api/samples/label", "/api/samples/label", "{ids, label}: relabel samples (all or none)",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 json b = body_json(req);
                 std::string label = checked_text(text_field(b, "label"), "label");
                 edit_each(api, ids_field(b), res, [&](Store& s, int64_t id) { s.set_label(id, label); });
               }});
  r.push_back({"POST", "/api/samples/labels", "/api/samples/labels",
               "{labels: [{id, label}]}: a label per sample (accepting suggestions), all or none",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 json b = body_json(req);
                 if (!b.contains("labels") || !b["labels"].is_array() || b["labels"].empty())
                   throw HttpError{400, "field 'labels' must be a non-empty array of {id, label}"};
                 std::map<int64_t, std::string> want;
                 for (auto& e : b["labels"]) {
                   if (!e.is_object() || !e.contains("id") || !e["id"].is_number_integer() || e["id"].get<int64_t>() <= 0)
                     throw HttpError{400, "field 'labels' holds an entry without a sample id: " + e.dump()};
                   want[e["id"].get<int64_t>()] = checked_text(text_field(e, "label"), "label");
                 }
                 std::vector<int64_t> ids;
                 for (auto& [id, l] : want) ids.push_back(id);
                 edit_each(api, ids, res, [&](Store& s, int64_t id) { s.set_label(id, want[id]); });
               }});
  r.push_back({"GET", "/api/samples/suggest-labels", "/api/samples/suggest-labels?method=cluster|model",
               "unlabelled samples with a suggested label and its confidence (nearest labelled cluster, or the classifier)",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 const std::string method = req.has_param("method") ? req.get_param_value("method") : "cluster";
                 Project p = Project::open(api.pool.dir());  // fresh mote.json: the impulse decides the features
                 reply_json(res, learn::suggest_labels(p, method));
               }});
  r.push_back({"POST", "/api/samples/move", "/api/samples/move", "{ids, category}: move samples to training or testing",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 json b = body_json(req);
                 Category c = parse_category(text_field(b, "category"), "category");
                 edit_each(api, ids_field(b), res, [&](Store& s, int64_t id) { s.set_category(id, c); });
               }});
  r.push_back({"POST", "/api/samples/remove", "/api/samples/remove", "{ids}: delete samples",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 edit_each(api, ids_field(body_json(req)), res, [](Store& s, int64_t id) { s.remove(id); });
               }});
  r.push_back({"DELETE", R"(/api/samples/(\d+))", "/api/samples/{id}", "delete one sample",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 edit_each(api, {path_id(req)}, res, [](Store& s, int64_t id) { s.remove(id); });
               }});
  r.push_back({"POST", R"(/api/samples/(\d+)/rename)", "/api/samples/{id}/rename", "{name}: rename a sample",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 std::string name = checked_text(text_field(body_json(req), "name"), "name");
                 edit_each(api, {path_id(req)}, res, [&](Store& s, int64_t id) { s.rename(id, name); });
               }});
  r.push_back({"POST", R"(/api/samples/(\d+)/crop)", "/api/samples/{id}/crop", "{start_ms, end_ms}: keep a time range",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 json b = body_json(req);
                 auto num = [&](const char* k, double d) {
                   if (!b.contains(k) || b[k].is_null()) return d;
                   if (!b[k].is_number()) throw HttpError{400, std::string("field '") + k + "' must be a number (ms)"};
                   return b[k].get<double>();
                 };
                 double start = num("start_ms", 0), end = num("end_ms", -1);
                 if (b.contains("end_ms") && !b["end_ms"].is_null() && end < 0) throw HttpError{400, "field 'end_ms' must be >= 0"};
                 int64_t id = path_id(req);
                 auto p = api.pool.acquire();
                 Sample s = require_sample(p->store(), id, true);
                 CropRange cr = crop_time_series(s, start, end, "sample " + std::to_string(id));
                 p->store().replace_data(s);
                 reply_json(res, {{"success", true}, {"first_frame", cr.first}, {"last_frame", cr.last},
                                  {"sample", sample_summary_json(require_sample(p->store(), id, false))}});
               }});
  r.push_back({"POST", "/api/samples/split", "/api/samples/split",
               "{fraction, label?, category?, name?}: stratified re-split by content hash",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 json b = body_json(req);
                 double fraction = b.value("fraction", 0.2);
                 if (!(fraction >= 0 && fraction <= 1)) throw HttpError{400, "field 'fraction' must be in 0..1"};
                 SampleFilter f;
                 if (b.contains("label")) f.label = text_field(b, "label");
                 if (b.contains("category")) f.category = parse_category(text_field(b, "category"), "category");
                 if (b.contains("name")) f.name_contains = text_field(b, "name");
                 auto p = api.pool.acquire();
                 Store& store = p->store();
                 sql::Transaction tx(store.db());
                 auto samples = store.list(f);
                 std::vector<SplitItem> items;
                 for (auto& s : samples) items.push_back({s.label, s.hash});
                 auto cats = stratified_split(items, fraction);
                 int64_t testing = 0;
                 for (size_t i = 0; i < samples.size(); ++i) {
                   if (samples[i].category != cats[i]) store.set_category(samples[i].id, cats[i]);
                   testing += cats[i] == Category::Testing;
                 }
                 tx.commit();
                 reply_json(res, {{"success", true},
                                  {"training", static_cast<int64_t>(samples.size()) - testing},
                                  {"testing", testing}});
               }});
  r.push_back({"GET", "/api/labels", "/api/labels", "per label: training and testing counts; the split ratio",
               [](Api& api, const httplib::Request&, httplib::Response& res) {
                 auto p = api.pool.acquire();
                 json labels = json::array();
                 int64_t train = 0, test = 0;
                 for (auto& c : p->store().label_counts()) {
                   labels.push_back({{"label", c.label}, {"training", c.training}, {"testing", c.testing}});
                   train += c.training;
                   test += c.testing;
                 }
                 reply_json(res, {{"labels", labels},
                                  {"training", train},
                                  {"testing", test},
                                  {"test_fraction", train + test ? static_cast<double>(test) / static_cast<double>(train + test) : 0.0}});
               }});
  r.push_back({"GET", "/api/impulse", "/api/impulse", "the impulse (or the suggested one, not saved) with block sizes",
               [](Api& api, const httplib::Request&, httplib::Response& res) {
                 Project p = Project::open(api.pool.dir());  // fresh mote.json: it may have changed
                 reply_json(res, impulse_view(p));
               }});
  r.push_back({"PUT", "/api/impulse", "/api/impulse", "{input, dsp, learn}: check and save the impulse",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 json b = body_json(req);
                 if (b.contains("impulse")) b = b["impulse"];
                 Project p = Project::open(api.pool.dir());
                 save_impulse(p, parse_impulse(b));
                 reply_json(res, impulse_view(p));
               }});
  r.push_back({"GET", "/api/features", "/api/features",
               "the last finished features job's result (summary + 2-D projection); POST /api/jobs to refresh",
               [](Api& api, const httplib::Request&, httplib::Response& res) {
                 for (auto& j : api.jobs.list(1, "features", JobState::Done)) {
                   json out = j.result;
                   out["job"] = j.id;
                   out["finished_at"] = j.finished_at;
                   // Stale when the impulse changed since: the studio offers to regenerate.
                   Project p = Project::open(api.pool.dir());
                   if (!p.config()["impulse"].is_null()) {
                     ImpulseSpec spec = parse_impulse(p.config()["impulse"]);
                     out["stale"] = Impulse(spec, impulse_axes(p, spec)).hash() != out.value("impulse_hash", "");
                   }
                   refresh_points(p.store(), out);
                   reply_json(res, out);
                   return;
                 }
                 throw HttpError{404, "no features yet; start a job with POST /api/jobs {\"kind\":\"features\"}"};
               }});
}

}  // namespace mote::serve
