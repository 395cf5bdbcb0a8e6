// The tuner's endpoints and job against a real server on 127.0.0.1: runs listed and shown, a small search as
// the `tune` job (mote tune as a child process, its lines in the job's log), refusals naming the field.
#include <thread>

#include "demo/motion.h"
#include "impulse/features.h"
#include "serve_support.h"
#include "store/sql.h"

using nlohmann::json;
using mote::test::ServeTest;

namespace {

class TuneApi : public ServeTest {
 protected:
  json run_tune(const json& params) { return run_job("tune", params, 150); }
  void SetUp() override {
    ServeTest::SetUp();
    add_motion(3, 4, 0);
    mote::Project p = mote::Project::open(proj);
    mote::save_impulse(p, mote::parse_impulse(json::parse(R"({"input":{"type":"time-series","window_ms":2000,"stride_ms":500,
      "frequency_hz":62.5},"dsp":[{"name":"spectral","type":"spectral"}],
      "learn":[{"name":"classifier","type":"classifier","params":{"epochs":3,"layers":[{"type":"dense","units":8}]}}]})")));
    start();
  }
};

}  // namespace

TEST_F(TuneApi, RefusalsNameTheField) {
  EXPECT_EQ(body(client->Get("/api/tune/runs"))["runs"], json::array());
  auto r = client->Get("/api/tune/runs/3");
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(body(r)["error"].get<std::string>().find("there is no run 3"), std::string::npos) << r->body;
  r = client->Post("/api/tune/runs/1/apply", with_key(), "{}", "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(body(r)["error"], "index: missing; name the candidate to apply (its # in the run's table)");
  json j = run_tune({{"candidates", 0}});
  EXPECT_EQ(j["state"], "failed");
  EXPECT_NE(j["error"].get<std::string>().find("params.candidates: "), std::string::npos) << j.dump();
}

TEST_F(TuneApi, ASmallSearchStreamsItsCandidatesAndIsStored) {
  json j = run_tune({{"candidates", 2}, {"finalists", 0}, {"folds", 2}, {"time_s", 120}});
  ASSERT_EQ(j["state"], "done") << j.dump();
  const std::string log = j["log"];
  EXPECT_NE(log.find("mote tune --candidates 2"), std::string::npos) << log;
  EXPECT_NE(log.find("  #0 "), std::string::npos) << "each evaluated candidate is a log line: " << log;
  const int64_t run = j["result"]["run"];
  EXPECT_EQ(run, 1);
  json runs = body(client->Get("/api/tune/runs"))["runs"];
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0]["candidates"], 2);
  json shown = body(client->Get("/api/tune/runs/1"));
  ASSERT_EQ(shown["candidates"].size(), 2u);
  EXPECT_TRUE(shown["candidates"][0].contains("score"));
  // No finalist was measured on the device: nothing may be applied.
  auto r = client->Post("/api/tune/runs/1/apply", with_key(), json({{"index", 0}}).dump(), "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(body(r)["error"].get<std::string>().find("was not measured on the device"), std::string::npos) << r->body;
}

TEST_F(TuneApi, CancellingKeepsTheFinishedCandidates) {
  auto r = client->Post("/api/jobs", with_key(), json({{"kind", "tune"}, {"params", {{"candidates", 60}, {"finalists", 0}, {"time_s", 600}}}}).dump(),
                        "application/json");
  ASSERT_EQ(r->status, 202) << r->body;
  const std::string job = "/api/jobs/" + std::to_string(body(r)["id"].get<int64_t>());
  json j;
  for (int i = 0; i < 1200; ++i) {  // until the first candidate is in the log
    j = body(client->Get(job.c_str()));
    if (j["log"].get<std::string>().find("  #") != std::string::npos || (j["state"] != "running" && j["state"] != "queued")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(j["state"], "running") << j.dump();
  EXPECT_EQ(client->Post((job + "/cancel").c_str(), with_key(), "", "application/json")->status, 200);
  for (int i = 0; i < 600 && (j["state"] == "running" || j["state"] == "queued"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    j = body(client->Get(job.c_str()));
  }
  EXPECT_EQ(j["state"], "cancelled") << j.dump();
  EXPECT_NE(j["log"].get<std::string>().find("cancelling: the finished candidates are kept"), std::string::npos);
  json shown = body(client->Get("/api/tune/runs/1"));
  EXPECT_GE(shown["candidates"].size(), 1u) << "the candidates finished before the cancel are stored";
  EXPECT_EQ(shown["summary"].value("interrupted", false), true) << shown["summary"].dump();
}

// A board: its RAM, flash and clock are the budgets not given and its core profiles the finalists; an unknown one
// is refused naming the field.
TEST_F(TuneApi, ABoardSetsTheBudgetsAndTheTarget) {
  json bad = run_tune({{"board", "arduino-uno"}});
  EXPECT_EQ(bad["state"], "failed");
  EXPECT_NE(bad["error"].get<std::string>().find("params.board: unknown board 'arduino-uno'"), std::string::npos) << bad.dump();
  json j = run_tune({{"board", "microbit"}, {"candidates", 1}, {"finalists", 0}, {"folds", 2}, {"time_s", 120}, {"flash_bytes", 131072}});
  ASSERT_EQ(j["state"], "done") << j.dump();
  const std::string log = j["log"];
  EXPECT_NE(log.find("--ram 16384 --flash 131072 --latency-ms 100 --clock-mhz 16 --target cortex-m0"), std::string::npos)
      << "the micro:bit's RAM and clock, the flash given, its core: " << log;
}
