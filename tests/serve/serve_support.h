// A real `mote serve` in-process on 127.0.0.1 and an ephemeral port, over a fresh project, with an API key.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "demo/motion.h"
#include "serve/keys.h"
#include "serve/server.h"
#include "store/project.h"
#include "store/sql.h"
#include "support/test_support.h"

namespace mote::test {

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    proj = dir / "proj";
    Project p = Project::init(proj);
    key = serve::create_api_key(p.store(), "test").key;
    hmac = p.hmac_key();
  }
  void TearDown() override { stop(); }

  serve::ServeOptions options() const {
    serve::ServeOptions o;
    o.project = proj;
    o.port = 0;
    o.session_token = "test-session-token";
    o.job_workers = 2;
    o.http_threads = 4;
    o.web_dir = dir / "no-studio";
    return o;
  }
  void start(serve::ServeOptions o) {
    server = std::make_unique<serve::Server>(std::move(o));
    server->start();
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
    client->set_read_timeout(30, 0);
  }
  void start() { start(options()); }
  void stop() {
    client.reset();
    server.reset();
  }
  httplib::Headers with_key(httplib::Headers h = {}) const {
    h.emplace("x-api-key", key);
    return h;
  }
  int64_t stored_samples() {
    Project p = Project::open(proj);
    return p.store().count(SampleFilter{});
  }
  static nlohmann::json body(const httplib::Result& r) { return nlohmann::json::parse(r->body); }
  // Generated motion recordings (src/demo) stored in the project in one transaction, as an import would.
  void add_motion(int recordings_per_class, double recording_s, int anomalies) {
    Project p = Project::open(proj);
    MotionOptions mo;
    mo.recordings_per_class = recordings_per_class;
    mo.recording_s = recording_s;
    mo.anomalies = anomalies;
    sql::Transaction tx(p.store().db());
    for (auto& s : generate_motion(mo)) p.store().insert(s);
    tx.commit();
  }
  // Queues a job through the API and polls it until it leaves queued/running (a failure after `timeout_s`).
  nlohmann::json run_job(const std::string& kind, const nlohmann::json& params = nlohmann::json::object(), int timeout_s = 60) {
    auto r = client->Post("/api/jobs", with_key(), nlohmann::json({{"kind", kind}, {"params", params}}).dump(), "application/json");
    EXPECT_EQ(r->status, 202) << r->body;
    const int64_t id = body(r)["id"];
    for (auto end = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s); std::chrono::steady_clock::now() < end;) {
      nlohmann::json j = body(client->Get(("/api/jobs/" + std::to_string(id)).c_str()));
      if (j["state"] != "queued" && j["state"] != "running") return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << kind << " job did not finish in " << timeout_s << " s";
    return nullptr;
  }

  TempDir dir;
  std::filesystem::path proj;
  std::string key, hmac;
  std::unique_ptr<serve::Server> server;
  std::unique_ptr<httplib::Client> client;
};

}  // namespace mote::test
