// The learning results over HTTP: the stored models' training metrics and the last test run's evaluation.
#include "learn/import_model.h"
#include "learn/pipeline.h"
#include "serve/paths.h"
#include "serve/http.h"
#include "serve/job_kinds.h"

using nlohmann::json;

namespace mote::serve {

void add_model_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/api/models", "/api/models",
               "the stored models per learning block: training metrics and curves; current = trained on this impulse",
               [](Api& api, const httplib::Request&, httplib::Response& res) {
                 Project p = Project::open(api.pool.dir());  // fresh mote.json: the impulse may have changed
                 json models = trained_models_json(p);
                 std::string hash;
                 std::vector<BlockSpec> learn;
                 if (!p.config()["impulse"].is_null()) {
                   ImpulseSpec spec = parse_impulse(p.config()["impulse"]);
                   hash = Impulse(spec, impulse_axes(p, spec)).hash();
                   learn = spec.learn;
                 }
                 auto stored = learn::load_trained(p.store());
                 for (size_t i = 0; i < models.size(); ++i) {
                   bool current = false;
                   for (auto& b : learn)
                     if (b.name == stored[i].name)
                       current = stored[i].features_hash == hash && stored[i].spec_hash == learn::block_spec_hash(b) && stored[i].type == b.type;
                   models[i]["current"] = current;
                 }
                 reply_json(res, {{"models", models}});
               }});
  r.push_back({"POST", "/api/models/import", "/api/models/import",
               "multipart: field 'model' (.tflite int8/float32 or .onnx float32), optional 'block' and 'labels' (comma-separated): "
               "the model of a neural block, as mote model import",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 if (!req.is_multipart_form_data()) throw HttpError{400, "send multipart/form-data with the model file in field 'model'"};
                 const httplib::MultipartFormData* file = nullptr;
                 learn::ImportOptions o;
                 for (auto& [field, part] : req.files) {
                   if (field == "model") file = &part;
                   if (field == "block") o.block = part.content;
                   if (field == "labels")
                     for (size_t at = 0; at <= part.content.size() && !part.content.empty();) {
                       const size_t comma = std::min(part.content.find(',', at), part.content.size());
                       o.labels.push_back(part.content.substr(at, comma - at));
                       at = comma + 1;
                     }
                 }
                 if (!file || file->content.empty()) throw HttpError{400, "multipart body has no model file in field 'model'"};
                 const std::string name = checked_file_name(file->filename, "multipart field 'model' filename");
                 Project p = Project::open(api.pool.dir());
                 const learn::TrainedBlock b = learn::import_model(p, name, file->content, o);
                 reply_json(res, {{"block", b.name}, {"type", b.type}, {"created_at", b.created_at}, {"metrics", b.metrics}});
               }});
  r.push_back({"GET", "/api/test", "/api/test",
               "the last finished test job's evaluation: accuracy, confusion matrix, per-class F1, per-sample results, anomaly scores",
               [](Api& api, const httplib::Request&, httplib::Response& res) {
                 for (auto& j : api.jobs.list(1, "test", JobState::Done)) {
                   json out = j.result;
                   out["job"] = j.id;
                   out["finished_at"] = j.finished_at;
                   reply_json(res, out);
                   return;
                 }
                 throw HttpError{404, "no test results yet; start a job with POST /api/jobs {\"kind\":\"test\"}"};
               }});
  r.push_back({"GET", R"(/api/samples/(\d+)/classify)", "/api/samples/{id}/classify",
               "run the impulse and the current models on one stored sample: per-window results and the summary",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 int64_t id = path_id(req);
                 Project p = Project::open(api.pool.dir());  // the impulse as it is now
                 SampleFilter f;
                 f.ids = {id};
                 auto found = p.store().list(f, true);
                 if (found.empty()) throw HttpError{404, "sample " + std::to_string(id) + ": no such sample"};
                 json out = learn::classify_sample(p, found.front());
                 out["sample_id"] = id;
                 out["label"] = found.front().label;
                 reply_json(res, out);
               }});
}

}  // namespace mote::serve
