// Jobs over HTTP: submit, list, read, cancel, and follow one live over Server-Sent Events.
#include "core/error.h"
#include "serve/http.h"

using nlohmann::json;

namespace mote::serve {

namespace {

std::string sse(const std::string& event, const json& data, const std::string& id = "") {
  std::string out;
  if (!id.empty()) out += "id: " + id + "\n";
  out += "event: " + event + "\ndata: " + data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
  return out;
}

void events(Api& api, const httplib::Request& req, httplib::Response& res) {
  int64_t id = path_id(req);
  auto job = api.jobs.get(id);
  if (!job) throw HttpError{404, "job " + std::to_string(id) + ": no such job"};
  struct Cursor {
    size_t next_line = 0;
    double progress = -1;
    bool sent_snapshot = false;
    int idle_rounds = 0;
  };
  // Each open stream holds one of the server's threads: keep half of them for everything else.
  if (api.streams.fetch_add(1) >= api.max_streams) {
    api.streams--;
    throw HttpError{503, "too many open event streams; close one or poll GET /api/jobs/{id}"};
  }
  auto cur = std::make_shared<Cursor>();
  // An EventSource that reconnects says which log line it saw last: resume after it.
  std::string last = req.get_header_value("Last-Event-ID");
  if (!last.empty() && last.size() < 10 && last.find_first_not_of("0123456789") == std::string::npos)
    cur->next_line = static_cast<size_t>(std::stoul(last)) + 1;
  JobQueue* jobs = &api.jobs;
  auto stopping = api.stopping;
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  std::atomic<int>* streams = &api.streams;
  res.set_chunked_content_provider(
      "text/event-stream",
      [jobs, id, cur, stopping](size_t, httplib::DataSink& sink) {
    if (stopping()) {
      sink.done();
      return true;
    }
    std::string out;
    if (!cur->sent_snapshot) {
      auto j = jobs->get(id);
      if (j) out += sse("job", j->to_json(false));
      cur->sent_snapshot = true;
    }
    std::vector<JobEvent> evs;
    if (!jobs->poll_events(id, &cur->next_line, &cur->progress, &evs, std::chrono::milliseconds(250))) {
      sink.done();
      return true;
    }
    bool final = false;
    for (auto& e : evs) {
      if (e.type == JobEvent::Log) out += sse("log", {{"line", e.line}}, std::to_string(e.index));
      else if (e.type == JobEvent::Progress) out += sse("progress", {{"progress", e.progress}});
      else {
        auto j = jobs->get(id);
        json state = j ? j->to_json(false) : json{{"id", id}, {"state", job_state_name(e.state)}};
        state.erase("result");  // can be large (a projection): GET /api/jobs/{id} has it
        out += sse("state", state);
        final = true;
      }
    }
    // A comment now and then keeps proxies from closing an idle stream and notices a gone client.
    if (out.empty() && ++cur->idle_rounds >= 60) {
      out = ": keep-alive\n\n";
      cur->idle_rounds = 0;
    }
    if (!out.empty() && !sink.write(out.data(), out.size())) return false;
    if (final) sink.done();
    return true;
      },
      [streams](bool) { (*streams)--; });
}

}  // namespace

void add_job_routes(std::vector<Route>& r) {
  r.push_back({"POST", "/api/jobs", "/api/jobs", "{kind, params?}: queue a job (kinds: GET /api/project)",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 json b = body_json(req);
                 if (!b.contains("kind") || !b["kind"].is_string()) throw HttpError{400, "field 'kind' must name a job kind"};
                 json params = b.value("params", json::object());
                 int64_t id = api.jobs.submit(b["kind"].get<std::string>(), params);
                 reply_json(res, {{"success", true}, {"id", id}, {"events", "/api/jobs/" + std::to_string(id) + "/events"}}, 202);
               }});
  r.push_back({"GET", "/api/jobs", "/api/jobs?limit=&kind=&state=", "recent jobs, newest first (without logs)",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 std::optional<JobState> state;
                 if (req.has_param("state")) {
                   state = parse_job_state(req.get_param_value("state"));
                   if (!state) throw HttpError{400, "state: one of queued, running, done, failed, cancelled"};
                 }
                 json list = json::array();
                 for (auto& j : api.jobs.list(query_int(req, "limit", 50, 1, 1000), req.get_param_value("kind"), state))
                   list.push_back(j.to_json(false));
                 reply_json(res, {{"jobs", list}});
               }});
  r.push_back({"GET", R"(/api/jobs/(\d+))", "/api/jobs/{id}", "one job with its log and result",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 auto j = api.jobs.get(path_id(req));
                 if (!j) throw HttpError{404, "job " + req.matches[1].str() + ": no such job"};
                 reply_json(res, j->to_json(true));
               }});
  r.push_back({"POST", R"(/api/jobs/(\d+)/cancel)", "/api/jobs/{id}/cancel", "cancel a queued or running job",
               [](Api& api, const httplib::Request& req, httplib::Response& res) {
                 int64_t id = path_id(req);
                 if (!api.jobs.cancel(id)) throw HttpError{404, "job " + std::to_string(id) + ": no such job"};
                 reply_json(res, {{"success", true}, {"job", api.jobs.get(id)->to_json(false)}});
               }});
  r.push_back({"GET", R"(/api/jobs/(\d+)/events)", "/api/jobs/{id}/events",
               "Server-Sent Events: job (snapshot), log, progress, state (final, then the stream ends)", events});
}

}  // namespace mote::serve
