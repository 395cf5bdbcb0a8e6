// The train and test job kinds over HTTP, and the models/test result endpoints the studio reads.
#include <thread>

#include "demo/motion.h"
#include "learn/pipeline.h"
#include "serve_support.h"
#include "store/sql.h"

using nlohmann::json;
using mote::test::ServeTest;

namespace {

class LearnJobsTest : public ServeTest {
 protected:
  void SetUp() override {
    ServeTest::SetUp();
    add_motion(4, 4, 1);
  }
};

}  // namespace

TEST_F(LearnJobsTest, TrainThenTestReportsCurvesAndConfusionMatrix) {
  // Few epochs keep the test fast; the impulse is the one suggested from the data.
  start();
  json spec = body(client->Get("/api/impulse"))["impulse"];
  for (auto& b : spec["learn"])
    if (b["type"] == "classifier") b["params"] = {{"epochs", 8}, {"patience", 0}};
  ASSERT_EQ(client->Put("/api/impulse", with_key(), spec.dump(), "application/json")->status, 200);
  EXPECT_EQ(client->Get("/api/test")->status, 404);
  EXPECT_EQ(body(client->Get("/api/models"))["models"].size(), 0u);
  // Testing before training fails with the pipeline's own message.
  json early = run_job("test");
  EXPECT_EQ(early["state"], "failed");
  EXPECT_NE(early["error"].get<std::string>().find("not trained yet"), std::string::npos) << early["error"];

  json train = run_job("train");
  ASSERT_EQ(train["state"], "done") << train["error"];
  std::string log = train["log"];
  EXPECT_NE(log.find("epoch 1/8"), std::string::npos) << log;
  EXPECT_NE(log.find("epoch 8/8"), std::string::npos) << log;
  EXPECT_DOUBLE_EQ(train["progress"].get<double>(), 1.0);
  ASSERT_EQ(train["result"]["blocks"].size(), 2u);

  json models = body(client->Get("/api/models"))["models"];
  ASSERT_EQ(models.size(), 2u);
  for (auto& m : models) {
    EXPECT_TRUE(m["current"].get<bool>()) << m["block"];
    EXPECT_FALSE(m.contains("model")) << "weights stay on the server";
    if (m["type"] == "classifier") {
      ASSERT_EQ(m["metrics"]["curve"].size(), 8u);
      EXPECT_EQ(m["metrics"]["curve"][0]["epoch"], 1);
      EXPECT_TRUE(m["metrics"]["curve"][7]["loss"].is_number());
    } else {
      EXPECT_EQ(m["type"], "kmeans");
      EXPECT_GT(m["metrics"]["threshold"].get<double>(), 0);
    }
  }

  json test = run_job("test");
  ASSERT_EQ(test["state"], "done") << test["error"];
  json t = body(client->Get("/api/test"));
  EXPECT_EQ(t["job"], test["id"]);
  // The endpoint returns what the pipeline computes: compare with a direct evaluation of the same store.
  mote::Project p = mote::Project::open(proj);
  json direct = mote::learn::test_impulse(p, true);
  ASSERT_EQ(t["blocks"].size(), direct["blocks"].size());
  const json& cls = t["blocks"][0];
  EXPECT_EQ(cls["type"], "classifier");
  EXPECT_EQ(cls["confusion"], direct["blocks"][0]["confusion"]);
  EXPECT_EQ(cls["classes"].size(), 4u);
  size_t rows = cls["confusion"]["rows"].size(), cols = cls["confusion"]["cols"].size();
  EXPECT_EQ(cls["confusion"]["matrix"].size(), rows * cols);
  double total = 0;
  for (auto& v : cls["confusion"]["matrix"]) total += v.get<double>();
  EXPECT_EQ(total, cls["samples"].get<double>());
  EXPECT_EQ(t["blocks"][1]["type"], "kmeans");
  EXPECT_TRUE(t["blocks"][1]["scores"]["training_windows"]["count"].get<int>() > 0);

  // Changing the classifier's parameters makes its model stale.
  for (auto& b : spec["learn"])
    if (b["type"] == "classifier") b["params"]["epochs"] = 9;
  ASSERT_EQ(client->Put("/api/impulse", with_key(), spec.dump(), "application/json")->status, 200);
  const json stale = body(client->Get("/api/models"));  // kept alive: the loop reads into it
  for (auto& m : stale["models"]) EXPECT_EQ(m["current"].get<bool>(), m["type"] != "classifier") << m["block"];
}

TEST_F(LearnJobsTest, TrainNeedsCredentials) {
  start();
  EXPECT_EQ(client->Post("/api/jobs", R"({"kind":"train"})", "application/json")->status, 401);
  json kinds = body(client->Get("/api/project"))["job_kinds"];
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "train"), kinds.end());
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "test"), kinds.end());
}

TEST_F(LearnJobsTest, ClassifiesOneStoredSampleWithTheCurrentModels) {
  start();
  json spec = body(client->Get("/api/impulse"))["impulse"];
  for (auto& b : spec["learn"])
    if (b["type"] == "classifier") b["params"] = {{"epochs", 5}, {"patience", 0}};
  ASSERT_EQ(client->Put("/api/impulse", with_key(), spec.dump(), "application/json")->status, 200);
  // Untrained: a 400 that says to train.
  auto before = client->Get("/api/samples/1/classify");
  EXPECT_EQ(before->status, 400) << before->body;
  EXPECT_NE(before->body.find("train"), std::string::npos) << before->body;
  ASSERT_EQ(run_job("train")["state"], "done");
  EXPECT_EQ(client->Get("/api/samples/99999/classify")->status, 404);
  json c = body(client->Get("/api/samples/1/classify"));
  EXPECT_EQ(c["sample_id"], 1);
  // The same call the CLI's classify makes, on the same stored sample.
  mote::Project p = mote::Project::open(proj);
  mote::SampleFilter f;
  f.ids = {1};
  json direct = mote::learn::classify_sample(p, p.store().list(f, true).front());
  ASSERT_GT(c["windows"].size(), 0u);
  EXPECT_EQ(c["windows"].size(), direct["windows"].size());
  EXPECT_EQ(c["summary"]["classifier"]["label"], direct["summary"]["classifier"]["label"]);
  EXPECT_NEAR(c["summary"]["classifier"]["confidence"].get<double>(), direct["summary"]["classifier"]["confidence"].get<double>(), 1e-9);
}

TEST_F(LearnJobsTest, CancellingTrainingStopsBetweenEpochsAndSavesNothing) {
  start();
  json spec = body(client->Get("/api/impulse"))["impulse"];
  for (auto& b : spec["learn"])
    if (b["type"] == "classifier") b["params"] = {{"epochs", 5000}, {"patience", 0}};
  ASSERT_EQ(client->Put("/api/impulse", with_key(), spec.dump(), "application/json")->status, 200);
  int64_t id = body(client->Post("/api/jobs", with_key(), R"({"kind":"train"})", "application/json"))["id"];
  json j;
  for (int i = 0; i < 6000; ++i) {
    j = body(client->Get(("/api/jobs/" + std::to_string(id)).c_str()));
    if (j["log"].get<std::string>().find("epoch 2/5000") != std::string::npos || (j["state"] != "running" && j["state"] != "queued")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(j["state"], "running") << j.dump();
  ASSERT_EQ(client->Post(("/api/jobs/" + std::to_string(id) + "/cancel").c_str(), with_key(), "", "application/json")->status, 200);
  for (int i = 0; i < 3000; ++i) {
    j = body(client->Get(("/api/jobs/" + std::to_string(id)).c_str()));
    if (j["state"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(j["state"], "cancelled");
  EXPECT_EQ(j["log"].get<std::string>().find("epoch 5000/5000"), std::string::npos);
  EXPECT_EQ(body(client->Get("/api/models"))["models"].size(), 0u) << "a cancelled run stores no model";
}
