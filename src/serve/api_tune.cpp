// The tuner's page: stored runs (tune_runs) with their best candidate, one run's candidates (tune::show_tune:
// score, RAM, flash, instructions, latency, fits), applying a candidate (tune::apply_candidate). A search is
// the `tune` job (job_tune.cpp).
#include "core/error.h"
#include "serve/http.h"
#include "store/sql.h"
#include "tune/search.h"

using nlohmann::json;

namespace mote::serve {

namespace {

json runs(Project& p) {
  json out = json::array();
  sql::Stmt st(p.store().db(), "SELECT id FROM tune_runs ORDER BY id DESC LIMIT 50");
  std::vector<int64_t> ids;
  while (st.step()) ids.push_back(st.int64(0));
  for (int64_t id : ids) {
    json shown = tune::show_tune(p, id);
    json row = {{"run", id}, {"created_at", shown["created_at"]}, {"options", shown["options"]}, {"summary", shown["summary"]},
                {"candidates", shown["candidates"].size()}};
    if (!shown["candidates"].empty()) {
      const json& b = shown["candidates"][0];
      row["best"] = {{"index", b["index"]}, {"score", b.value("score", json())}, {"fits", b.value("fits", json())},
                     {"description", b["description"]}};
    }
    out.push_back(row);
  }
  return out;
}

}  // namespace

void add_tune_routes(std::vector<Route>& r) {
  r.push_back({"GET", "/api/tune/runs", "/api/tune/runs", "tuner runs, newest first, with their best candidate",
               [](Api& api, const httplib::Request&, httplib::Response& res) {
                 auto p = api.pool.acquire();
                 reply_json(res, {{"runs", runs(*p)}});
               }});
  r.push_back({"GET", R"(/api/tune/runs/(\d+))", "/api/tune/runs/{run}",
               "one run: options, summary, candidates best first (score, profile, fits, latency)",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 auto p = api.pool.acquire();
                 try {
                   reply_json(res, tune::show_tune(*p, path_id(req)));
                 } catch (const Error& e) {
                   throw HttpError{404, e.what()};
                 }
               }});
  r.push_back({"POST", R"(/api/tune/runs/(\d+)/apply)", "/api/tune/runs/{run}/apply",
               "{index}: write that candidate's impulse into mote.json (train it next)",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 json b = body_json(req);
                 if (!b.contains("index") || !b["index"].is_number_unsigned())
                   throw error_at("index", "missing; name the candidate to apply (its # in the run's table)");
                 auto p = api.pool.acquire();
                 std::lock_guard<std::mutex> lk(api.write_lock);
                 tune::apply_candidate(*p, path_id(req), b["index"].get<size_t>());
                 reply_json(res, {{"applied", b["index"]}, {"impulse", p->config()["impulse"]}});
               }});
}

}  // namespace mote::serve
