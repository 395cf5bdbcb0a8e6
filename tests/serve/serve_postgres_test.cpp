// `mote serve` over a project whose store is PostgreSQL: ingestion, duplicates refused, a features job
// (job rows, log, the features cache's blobs) and its cached second run, all through the same HTTP API.
#include <thread>

#include "demo/motion.h"
#include "serve_support.h"
#include "support/postgres_server.h"

using nlohmann::json;

namespace {

class ServePostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    url_ = mote::test::fresh_postgres_database(&why);
    if (url_.empty()) GTEST_SKIP() << "PostgreSQL cases skipped: " << why;
    proj_ = dir_ / "proj";
    mote::Project p = mote::Project::init(proj_, url_);
    key_ = mote::serve::create_api_key(p.store(), "test").key;
    mote::MotionOptions mo;
    mo.recordings_per_class = 2;
    mo.recording_s = 4;
    mo.anomalies = 0;
    mote::sql::Transaction tx(p.store().db());
    for (auto& s : mote::generate_motion(mo)) p.store().insert(s);
    tx.commit();
    mote::serve::ServeOptions o;
    o.project = proj_;
    o.port = 0;
    o.session_token = "t";
    o.job_workers = 2;
    o.http_threads = 4;
    o.web_dir = dir_ / "no-studio";
    server_ = std::make_unique<mote::serve::Server>(o);
    server_->start();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(60, 0);
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
  }
  json wait_final(int64_t id) {
    for (int i = 0; i < 6000; ++i) {
      json j = json::parse(client_->Get(("/api/jobs/" + std::to_string(id)).c_str())->body);
      if (j["state"] != "queued" && j["state"] != "running") return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return nullptr;
  }

  mote::test::TempDir dir_;
  std::filesystem::path proj_;
  std::string url_, key_;
  std::unique_ptr<mote::serve::Server> server_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace

TEST_F(ServePostgres, IngestsRunsJobsAndCachesFeatures) {
  const int64_t before = mote::Store(url_, false).count({});
  const std::string csv = "timestamp,accX,accY,accZ\n0,1,2,3\n10,4,5,6\n20,7,8,9\n";
  httplib::Headers h{{"x-api-key", key_}, {"x-label", "tap"}, {"x-file-name", "tap.csv"}, {"x-disallow-duplicates", "1"}};
  auto r = client_->Post("/api/training/data", h, csv, "text/csv");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(mote::Store(url_, false).count({}), before + 1);
  r = client_->Post("/api/training/data", h, csv, "text/csv");
  EXPECT_EQ(r->status, 409) << r->body;
  EXPECT_EQ(mote::Store(url_, false).count({}), before + 1);

  r = client_->Post("/api/jobs", {{"x-api-key", key_}}, R"({"kind":"features"})", "application/json");
  ASSERT_EQ(r->status, 202) << r->body;
  json job = wait_final(json::parse(r->body)["id"].get<int64_t>());
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_GT(job["result"]["windows"].get<int>(), 0);
  EXPECT_NE(job["log"].get<std::string>().find("features: done"), std::string::npos);
  int64_t cached = 0;
  {
    mote::Store s(url_, false);
    mote::sql::Stmt st(s.db(), "SELECT count(*) FROM features");
    ASSERT_TRUE(st.step());
    cached = st.int64(0);
  }
  EXPECT_GT(cached, 0);  // the cache's blobs were written through PostgreSQL
  r = client_->Post("/api/jobs", {{"x-api-key", key_}}, R"({"kind":"features"})", "application/json");
  json again = wait_final(json::parse(r->body)["id"].get<int64_t>());
  ASSERT_EQ(again["state"], "done") << again.dump();
  EXPECT_EQ(again["result"]["windows"], job["result"]["windows"]);
  auto list = json::parse(client_->Get("/api/jobs?kind=features&state=done")->body);
  EXPECT_EQ(list["jobs"].size(), 2u) << list.dump();
}
