// Jobs over HTTP: features run and stream their log over SSE; cancellation; restart after a crash.
#include <atomic>
#include <thread>

#include "demo/motion.h"
#include "serve_support.h"
#include "store/sql.h"

using nlohmann::json;
using mote::test::ServeTest;

namespace {

std::atomic<int> g_wait_started{0};

// A test kind that logs until it is cancelled (or the server stops).
json wait_job(mote::serve::JobContext& ctx) {
  g_wait_started++;
  for (int i = 0;; ++i) {
    ctx.log("tick " + std::to_string(i));
    ctx.progress(std::min(0.99, i / 1000.0));
    ctx.check_cancelled();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

struct Sse {
  std::vector<std::pair<std::string, json>> events;  // (event, data)
  int count(const std::string& name) const {
    int n = 0;
    for (auto& e : events) n += e.first == name;
    return n;
  }
};

// Reads an SSE stream to its end and parses the events.
Sse read_events(httplib::Client& c, const std::string& path, const httplib::Headers& h = {}) {
  std::string raw;
  auto r = c.Get(path.c_str(), h, [&](const char* d, size_t n) {
    raw.append(d, n);
    return true;
  });
  EXPECT_TRUE(r);
  if (r) EXPECT_EQ(r->get_header_value("Content-Type"), "text/event-stream");
  Sse out;
  size_t pos = 0;
  while (true) {
    size_t end = raw.find("\n\n", pos);
    if (end == std::string::npos) break;
    std::string block = raw.substr(pos, end - pos);
    pos = end + 2;
    std::string event, data;
    size_t lp = 0;
    while (lp < block.size()) {
      size_t nl = block.find('\n', lp);
      if (nl == std::string::npos) nl = block.size();
      std::string line = block.substr(lp, nl - lp);
      if (line.rfind("event: ", 0) == 0) event = line.substr(7);
      if (line.rfind("data: ", 0) == 0) data = line.substr(6);
      lp = nl + 1;
    }
    if (!event.empty()) out.events.push_back({event, json::parse(data)});
  }
  return out;
}

json wait_final(httplib::Client& c, int64_t id) {
  for (int i = 0; i < 3000; ++i) {
    auto r = c.Get(("/api/jobs/" + std::to_string(id)).c_str());
    json j = json::parse(r->body);
    if (j["state"] != "queued" && j["state"] != "running") return j;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return nullptr;
}

class JobsTest : public ServeTest {
 protected:
  void SetUp() override {
    ServeTest::SetUp();
    add_motion(3, 4, 1);
  }
  mote::serve::ServeOptions with_wait_kind() {
    auto o = options();
    o.extra_job_kinds = {{"wait", "logs until cancelled (test)", wait_job}};
    return o;
  }
};

}  // namespace

TEST_F(JobsTest, FeaturesJobRunsAndStreamsItsLog) {
  start();
  EXPECT_EQ(client->Get("/api/features")->status, 404);
  auto r = client->Post("/api/jobs", with_key(), R"({"kind":"features"})", "application/json");
  ASSERT_EQ(r->status, 202) << r->body;
  int64_t id = body(r)["id"];
  Sse sse = read_events(*client, "/api/jobs/" + std::to_string(id) + "/events");
  ASSERT_GE(sse.events.size(), 3u);
  EXPECT_EQ(sse.events.front().first, "job");
  EXPECT_EQ(sse.events.back().first, "state");
  EXPECT_EQ(sse.events.back().second["state"], "done");
  EXPECT_EQ(sse.count("state"), 1);
  EXPECT_GE(sse.count("log"), 3);
  EXPECT_GE(sse.count("progress"), 1);
  bool saw_chunk = false;
  for (auto& [ev, data] : sse.events)
    if (ev == "log" && data["line"].get<std::string>().rfind("features: 13/13 samples", 0) == 0) saw_chunk = true;
  EXPECT_TRUE(saw_chunk);

  json job = body(client->Get(("/api/jobs/" + std::to_string(id)).c_str()));
  EXPECT_EQ(job["state"], "done");
  EXPECT_DOUBLE_EQ(job["progress"].get<double>(), 1.0);
  EXPECT_NE(job["log"].get<std::string>().find("features: done"), std::string::npos);
  size_t windows = job["result"]["windows"];
  EXPECT_GT(windows, 0u);
  EXPECT_EQ(job["result"]["samples"], 13);
  EXPECT_EQ(job["result"]["projection"]["points"].size(), windows);

  json features = body(client->Get("/api/features"));
  EXPECT_EQ(features["job"], id);
  EXPECT_EQ(features["windows"], windows);
  EXPECT_EQ(features["stale"], false);
  json spec = body(client->Get("/api/impulse"))["impulse"];
  spec["input"]["window_ms"] = spec["input"]["window_ms"].get<double>() / 2;
  ASSERT_EQ(client->Put("/api/impulse", with_key(), spec.dump(), "application/json")->status, 200);
  EXPECT_EQ(body(client->Get("/api/features"))["stale"], true);
  spec["input"]["window_ms"] = spec["input"]["window_ms"].get<double>() * 2;
  ASSERT_EQ(client->Put("/api/impulse", with_key(), spec.dump(), "application/json")->status, 200);
  // A second run reads every sample from the features cache.
  int64_t again = body(client->Post("/api/jobs", with_key(), R"({"kind":"features"})", "application/json"))["id"];
  json second = wait_final(*client, again);
  EXPECT_EQ(second["state"], "done");
  EXPECT_EQ(second["result"]["cached"], 13);
  // A finished job's stream replays its log and ends.
  Sse replay = read_events(*client, "/api/jobs/" + std::to_string(id) + "/events");
  EXPECT_EQ(replay.count("log"), sse.count("log"));
  EXPECT_EQ(replay.events.back().second["state"], "done");
  // A reconnecting EventSource resumes after the last line it saw.
  Sse resumed = read_events(*client, "/api/jobs/" + std::to_string(id) + "/events", {{"Last-Event-ID", "1"}});
  EXPECT_EQ(resumed.count("log"), sse.count("log") - 2);

  json list = body(client->Get("/api/jobs"));
  ASSERT_EQ(list["jobs"].size(), 2u);
  EXPECT_EQ(list["jobs"][0]["id"], again);  // newest first
  EXPECT_EQ(body(client->Get("/api/jobs?kind=features&state=done&limit=1"))["jobs"][0]["id"], again);
  EXPECT_EQ(body(client->Get("/api/jobs?state=failed"))["jobs"].size(), 0u);
  EXPECT_EQ(client->Get("/api/jobs?state=sleeping")->status, 400);
  EXPECT_EQ(client->Post("/api/jobs", with_key(), R"({"kind":"bake"})", "application/json")->status, 400);
  EXPECT_EQ(client->Get("/api/jobs/999")->status, 404);
}

TEST_F(JobsTest, RunningJobIsCancelledCooperatively) {
  start(with_wait_kind());
  int before = g_wait_started;
  int64_t id = body(client->Post("/api/jobs", with_key(), R"({"kind":"wait"})", "application/json"))["id"];
  while (g_wait_started == before) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  // Follow the stream on another connection while this one cancels.
  Sse sse;
  std::thread follower([&] {
    httplib::Client c("127.0.0.1", server->port());
    sse = read_events(c, "/api/jobs/" + std::to_string(id) + "/events");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(client->Post(("/api/jobs/" + std::to_string(id) + "/cancel").c_str(), "", "application/json")->status, 401);
  auto c = client->Post(("/api/jobs/" + std::to_string(id) + "/cancel").c_str(), with_key(), "", "application/json");
  EXPECT_EQ(c->status, 200);
  follower.join();
  ASSERT_FALSE(sse.events.empty());
  EXPECT_EQ(sse.events.back().first, "state");
  EXPECT_EQ(sse.events.back().second["state"], "cancelled");
  EXPECT_GE(sse.count("log"), 2);
  json job = wait_final(*client, id);
  EXPECT_EQ(job["state"], "cancelled");
  EXPECT_NE(job["log"].get<std::string>().find("tick 0"), std::string::npos);
}

TEST_F(JobsTest, QueuedJobCancelledBeforeItStarts) {
  auto o = with_wait_kind();
  o.job_workers = 1;
  start(o);
  int64_t busy = body(client->Post("/api/jobs", with_key(), R"({"kind":"wait"})", "application/json"))["id"];
  int64_t queued = body(client->Post("/api/jobs", with_key(), R"({"kind":"features"})", "application/json"))["id"];
  EXPECT_EQ(body(client->Get(("/api/jobs/" + std::to_string(queued)).c_str()))["state"], "queued");
  client->Post(("/api/jobs/" + std::to_string(queued) + "/cancel").c_str(), with_key(), "", "application/json");
  EXPECT_EQ(body(client->Get(("/api/jobs/" + std::to_string(queued)).c_str()))["state"], "cancelled");
  client->Post(("/api/jobs/" + std::to_string(busy) + "/cancel").c_str(), with_key(), "", "application/json");
  EXPECT_EQ(wait_final(*client, busy)["state"], "cancelled");
  EXPECT_EQ(body(client->Get(("/api/jobs/" + std::to_string(queued)).c_str()))["started_at"], nullptr);
}

TEST_F(JobsTest, RestartMarksRunningJobsFailedAndRunsQueuedOnes) {
  // What a crashed server leaves behind: one job `running`, one still `queued`.
  {
    mote::Project p = mote::Project::open(proj);
    p.store().db().exec(
        "INSERT INTO jobs(kind, state, log, created_at, started_at) VALUES('features', 'running', 'features: started\n', "
        "'2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z');"
        "INSERT INTO jobs(kind, state, created_at) VALUES('features', 'queued', '2026-01-01T00:00:02Z');");
  }
  start();
  json crashed = body(client->Get("/api/jobs/1"));
  EXPECT_EQ(crashed["state"], "failed");
  EXPECT_NE(crashed["error"].get<std::string>().find("server stopped"), std::string::npos);
  EXPECT_NE(crashed["log"].get<std::string>().find("features: started"), std::string::npos);
  EXPECT_EQ(wait_final(*client, 2)["state"], "done");

  // A job running when the server stops (gracefully) is failed too, not left `running`.
  stop();
  start(with_wait_kind());
  int before = g_wait_started;
  int64_t id = body(client->Post("/api/jobs", with_key(), R"({"kind":"wait"})", "application/json"))["id"];
  while (g_wait_started == before) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  // While it runs, its log reaches the store (what a crash would leave behind).
  std::string stored_log;
  for (int i = 0; i < 1000 && stored_log.find("tick 0") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    mote::Project q = mote::Project::open(proj);
    mote::sql::Stmt st(q.store().db(), "SELECT log FROM jobs WHERE id = ? AND state = 'running'");
    st.bind(1, id);
    if (st.step()) stored_log = st.text(0);
  }
  EXPECT_NE(stored_log.find("tick 0"), std::string::npos);
  stop();
  mote::Project p = mote::Project::open(proj);
  mote::sql::Stmt st(p.store().db(), "SELECT state, error FROM jobs WHERE id = ?");
  st.bind(1, id);
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.text(0), "failed");
  EXPECT_NE(st.text(1).find("server stopped"), std::string::npos);
}
