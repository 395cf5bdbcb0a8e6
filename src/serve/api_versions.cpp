// Named versions of the impulse and its trained models (learn/versions.h): save, list, compare, restore,
// delete; the studio's Versions page and `mote version` share the same functions.
#include "core/error.h"
#include "learn/versions.h"
#include "serve/http.h"

using nlohmann::json;

namespace mote::serve {

namespace {

constexpr const char* kName = R"(/api/versions/([A-Za-z0-9_.-]{1,64}))";

}  // namespace

void add_version_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/api/versions", "/api/versions", "saved versions, newest first, with their metrics",
               [](Api& api, const httplib::Request&, httplib::Response& res) {
                 auto p = api.pool.acquire();
                 reply_json(res, {{"versions", learn::list_versions(*p)}});
               }});
  r.push_back({"POST", "/api/versions", "/api/versions",
               "{name}: save the impulse and its current models (evaluated on the testing set now) as a version",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 json b = body_json(req);
                 if (!b.contains("name") || !b["name"].is_string()) throw error_at("name", "missing; name the version (letters, digits, '_', '.', '-')");
                 auto p = api.pool.acquire();
                 std::lock_guard<std::mutex> lk(api.write_lock);
                 reply_json(res, learn::save_version(*p, b["name"].get<std::string>()), 201);
               }});
  r.push_back({"GET", "/api/versions/compare", "/api/versions/compare?a=A&b=B",
               "two versions side by side: metric rows and the impulse parameters that differ",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 const std::string a = req.get_param_value("a"), b = req.get_param_value("b");
                 if (a.empty() || b.empty()) throw error_at("a, b", "name two versions: /api/versions/compare?a=A&b=B");
                 auto p = api.pool.acquire();
                 try {
                   reply_json(res, learn::compare_versions(*p, a, b));
                 } catch (const Error& e) {
                   throw HttpError{404, e.what()};
                 }
               }});
  r.push_back({"GET", kName, "/api/versions/{name}", "one version: impulse, models, metrics",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 auto p = api.pool.acquire();
                 try {
                   reply_json(res, learn::show_version(*p, req.matches[1]));
                 } catch (const Error& e) {
                   throw HttpError{404, e.what()};
                 }
               }});
  r.push_back({"POST", std::string(kName) + "/restore", "/api/versions/{name}/restore",
               "make the version current: its impulse into mote.json, its models the current ones",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 auto p = api.pool.acquire();
                 std::lock_guard<std::mutex> lk(api.write_lock);
                 reply_json(res, learn::restore_version(*p, req.matches[1]));
               }});
  r.push_back({"DELETE", kName, "/api/versions/{name}", "delete a version (the current impulse and models stay)",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 auto p = api.pool.acquire();
                 std::lock_guard<std::mutex> lk(api.write_lock);
                 learn::delete_version(*p, req.matches[1]);
                 reply_json(res, {{"deleted", std::string(req.matches[1])}});
               }});
}

}  // namespace mote::serve
