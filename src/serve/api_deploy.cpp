// Deployment over HTTP: the formats, the packages built by deploy jobs (as zip downloads), the boards and the
// last profile per core (out/profile-<target>.json, which profile jobs, `mote profile` and `mote demo` write)
// with a board's fits / does not fit.
#include <fstream>

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
