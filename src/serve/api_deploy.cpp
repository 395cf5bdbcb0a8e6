// Deployment over HTTP: the formats, the packages built by deploy jobs (as zip downloads), the boards and the
// last profile per core (out/profile-<target>.json, which profile jobs, `mote profile` and `mote demo` write)
// with a board's fits / does not fit.
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "deploy/boards.h"
#include "deploy/formats.h"
#include "deploy/impulse_codegen.h"
#include "deploy/model_formats.h"
#include "deploy/targets.h"
#include "serve/archive.h"
#include "serve/http.h"

using nlohmann::json;
namespace fs = std::filesystem;

namespace mote::serve {

namespace {

bool known_format(const std::string& f) {
  for (const auto& d : deploy::deploy_formats())
    if (f == d.name) return true;
  for (const auto& m : deploy::model_formats())
    if (f == m.name) return true;
  return false;
}

fs::path package_dir(Api& api, const std::string& format) { return api.pool.dir() / "out" / "deploy" / format; }

}  // namespace

void add_deploy_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/api/deploy", "/api/deploy", "deploy formats and the packages built so far (files, bytes, download link)",
               [](Api& api, const httplib::Request&, httplib::Response& res) {
                 json formats = json::array(), packages = json::array();
                 for (const auto& d : deploy::deploy_formats()) formats.push_back({{"name", d.name}, {"help", d.help}, {"kind", "package"}});
                 for (const auto& m : deploy::model_formats()) formats.push_back({{"name", m.name}, {"help", m.help}, {"kind", "model"}});
                 for (auto& f : formats) {
                   std::string name = f["name"];
                   fs::path dir = package_dir(api, name);
                   std::error_code ec;
                   if (!fs::is_directory(dir, ec)) continue;
                   size_t files = 0, bytes = 0;
                   for (auto& e : fs::recursive_directory_iterator(dir, ec))
                     if (e.is_regular_file(ec)) ++files, bytes += e.file_size(ec);
                   if (files == 0) continue;
                   packages.push_back({{"format", name}, {"files", files}, {"bytes", bytes}, {"download", "/api/deploy/" + name + "/download"}});
                 }
                 reply_json(res, {{"formats", formats}, {"packages", packages}});
               }});
  r.push_back({"GET", R"(/api/deploy/([a-z0-9_-]+)/download)", "/api/deploy/{format}/download",
               "the package a deploy job built, as <project>-<format>.zip",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 std::string format = req.matches[1].str();
                 if (!known_format(format)) throw HttpError{404, "no deploy format '" + format + "' (GET /api/deploy lists them)"};
                 fs::path dir = package_dir(api, format);
                 std::error_code ec;
                 if (!fs::is_directory(dir, ec) || fs::is_empty(dir, ec))
                   throw HttpError{404, "no " + format + " package yet; start one with POST /api/jobs {\"kind\":\"deploy\",\"params\":{\"format\":\"" + format + "\"}}"};
                 std::string project = api.pool.dir().filename().string();
                 if (project.empty() || project == "." || project.find_first_of("\"\\/") != std::string::npos) project = "mote";
                 std::string name = project + "-" + format;
                 res.set_header("Content-Disposition", "attachment; filename=\"" + name + ".zip\"");
                 res.set_content(zip_folder(dir, name), "application/zip");
               }});
  // The wasm package is also what the studio runs in the browser (Live classification): its files, and whether it
  // is of the impulse the current models would deploy.
  r.push_back({"GET", "/api/deploy/wasm", "/api/deploy/wasm",
               "the browser's build of the impulse (deploy format wasm): built, its impulse_hash, windows, current (of the deployable impulse)",
               [](Api& api, const httplib::Request&, httplib::Response& res) {
                 json out = {{"built", false}, {"current", false}, {"current_impulse_hash", nullptr}};
                 try {
                   Project p = Project::open(api.pool.dir());
                   out["current_impulse_hash"] = deploy::generate_impulse(deploy::load_deployable(p)).hash;
                 } catch (const Error& e) {  // untrained or stale models: say what to do
                   out["not_deployable"] = e.what();
                 }
                 const fs::path dir = package_dir(api, "wasm");
                 std::ifstream in(dir / "testing.json");
                 std::error_code ec;
                 if (in && fs::exists(dir / "mote_impulse.wasm", ec)) {
                   const json t = json::parse(in, nullptr, false);
                   if (!t.is_discarded()) {
                     out["built"] = true;
                     out["impulse_hash"] = t.value("impulse_hash", "");
                     out["windows"] = t.value("count", 0);
                     out["wasm_bytes"] = fs::file_size(dir / "mote_impulse.wasm", ec);
                     out["current"] = out["impulse_hash"] == out["current_impulse_hash"];
                   }
                 }
                 reply_json(res, out);
               }});
  r.push_back({"GET", R"(/api/deploy/wasm/files/(mote_impulse\.mjs|mote_impulse\.wasm|testing\.json))", "/api/deploy/wasm/files/{name}",
               "a file of the wasm package (mote_impulse.mjs, mote_impulse.wasm, testing.json), for the studio to import",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 const std::string name = req.matches[1].str();
                 std::ifstream in(package_dir(api, "wasm") / name, std::ios::binary);
                 if (!in) throw HttpError{404, "no wasm package yet; start one with POST /api/jobs {\"kind\":\"deploy\",\"params\":{\"format\":\"wasm\"}}"};
                 std::ostringstream text;
                 text << in.rdbuf();
                 const std::string ext = fs::path(name).extension().string();
                 res.set_header("Cache-Control", "no-store");  // rebuilt in place by every deploy job
                 res.set_content(text.str(), ext == ".wasm" ? "application/wasm" : ext == ".mjs" ? "text/javascript" : "application/json");
               }});
  r.push_back({"GET", "/api/boards", "/api/boards", "the boards (targets/boards.def): core, clock, RAM, flash",
               [](Api&, const httplib::Request&, httplib::Response& res) {
                 json list = json::array();
                 for (const auto& b : deploy::boards())
                   list.push_back({{"name", b.name}, {"target", b.target}, {"clock_mhz", b.clock_hz / 1e6}, {"ram_bytes", b.ram_bytes},
                                   {"flash_bytes", b.flash_bytes}, {"description", b.help}});
                 reply_json(res, {{"boards", list}});
               }});
  r.push_back({"GET", "/api/profile", "/api/profile?board=&target=",
               "the last profile on a core (default cortex-m4; a board's core; out/profile-<target>.json): RAM, flash, instructions per "
               "stage, parity, the founding claim; with a board, fits / does not fit and the latency at its clock",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 const deploy::Board* board = nullptr;
                 std::string target = req.has_param("target") ? req.get_param_value("target") : "cortex-m4";
                 try {
                   if (req.has_param("board")) board = &deploy::find_board(req.get_param_value("board")), target = board->target;
                   deploy::find_target(target);  // a known name, so it is safe in a file name
                 } catch (const Error& e) {
                   throw HttpError{400, e.what()};
                 }
                 std::ifstream in(api.pool.dir() / "out" / ("profile-" + target + ".json"));
                 if (!in)
                   throw HttpError{404, "not profiled on " + target + " yet; start one with POST /api/jobs {\"kind\":\"profile\", \"params\": {\"target\": \"" +
                                            target + "\"}} (or run mote profile --target " + target + ")"};
                 json out = json::parse(in);
                 // A profile of an older impulse says so: the page asks to profile again.
                 out["current_impulse_hash"] = nullptr;
                 try {
                   Project p = Project::open(api.pool.dir());
                   out["current_impulse_hash"] = deploy::generate_impulse(deploy::load_deployable(p)).hash;
                 } catch (const Error&) {  // not deployable now (untrained, stale models): nothing to compare
                 }
                 out["current"] = out["current_impulse_hash"] == out["impulse_hash"];
                 if (board)  // the impulse's own cost, as mote profile --board reports it
                   out["board_fit"] = deploy::board_fit(*board, out["impulse"]["ram_bytes"].get<long>(), out["impulse"]["flash_bytes"].get<long>(),
                                                        out["instructions"]);
                 reply_json(res, out);
               }});
}

}  // namespace mote::serve
