// Labelling from the feature explorer, server side: unlabelled samples (label "") get suggested labels by the
// nearest labelled cluster and by the trained classifier, accepted in one all-or-none batch; the explorer's
// points follow edits made after the features job; training leaves unlabelled samples out.
#include <map>
#include <set>
#include <thread>

#include "demo/motion.h"
#include "impulse/features.h"
#include "learn/pipeline.h"
#include "serve_support.h"
#include "support/test_support.h"
#include "store/sql.h"

using nlohmann::json;
using mote::test::ServeTest;

namespace {

class LabellingApi : public ServeTest {
 protected:
  void SetUp() override {
    ServeTest::SetUp();
    mote::Project p = mote::Project::open(proj);
    mote::MotionOptions mo;
    mo.recordings_per_class = 6;
    mo.recording_s = 6;
    mo.anomalies = 0;
    auto labelled = mote::generate_motion(mo);
    mo.seed = 7;  // other recordings of the same motions, imported without their labels
    mo.recordings_per_class = 2;
    auto unlabelled = mote::generate_motion(mo);
    mote::sql::Transaction tx(p.store().db());
    for (auto& s : labelled) s.category = mote::Category::Training, p.store().insert(s);
    for (auto& s : unlabelled) {
      truth[s.name + "?"] = s.label;
      s.name += "?";
      s.label = "";
      s.category = mote::Category::Testing;
      p.store().insert(s);
    }
    tx.commit();
    mote::save_impulse(p, mote::parse_impulse(json::parse(R"({"input":{"type":"time-series","window_ms":2000,"stride_ms":500,
      "frequency_hz":62.5},"dsp":[{"name":"spectral","type":"spectral"}],
      "learn":[{"name":"classifier","type":"classifier","params":{"epochs":60,"layers":[{"type":"dense","units":20},{"type":"dense","units":10}]}}]})")));
  }
  std::map<std::string, std::string> truth;  // unlabelled sample name -> the motion it records
};

}  // namespace

TEST_F(LabellingApi, ClusterSuggestionsAreTheRecordedMotionsAndAcceptInOneBatch) {
  start();
  json s = body(client->Get("/api/samples/suggest-labels?method=cluster"));
  ASSERT_EQ(s["suggestions"].size(), truth.size()) << s.dump();
  EXPECT_EQ(s["unlabelled"], truth.size());
  double last = 2;
  for (auto& e : s["suggestions"]) {
    EXPECT_EQ(e["label"], truth[e["name"].get<std::string>()]) << e.dump();
    EXPECT_GT(e["confidence"].get<double>(), 0.5) << e.dump();  // nearer its own motion than any other
    EXPECT_LE(e["confidence"].get<double>(), last) << "most confident first";
    last = e["confidence"];
  }
  EXPECT_EQ(client->Get("/api/samples/suggest-labels?method=guess")->status, 400);

  // A batch with one unknown id changes nothing; a good one labels every listed sample.
  json bad = {{"labels", {{{"id", s["suggestions"][0]["id"]}, {"label", "wave"}}, {{"id", 99999}, {"label", "idle"}}}}};
  EXPECT_EQ(client->Post("/api/samples/labels", with_key(), bad.dump(), "application/json")->status, 404);
  EXPECT_EQ(body(client->Get("/api/samples/suggest-labels"))["suggestions"].size(), truth.size()) << "nothing was labelled";
  json empty_label = {{"labels", {{{"id", s["suggestions"][0]["id"]}, {"label", ""}}}}};
  EXPECT_EQ(client->Post("/api/samples/labels", with_key(), empty_label.dump(), "application/json")->status, 400);
  json accept = {{"labels", json::array()}};
  for (auto& e : s["suggestions"]) accept["labels"].push_back({{"id", e["id"]}, {"label", e["label"]}});
  auto r = client->Post("/api/samples/labels", with_key(), accept.dump(), "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body(r)["changed"], truth.size());
  mote::Project p = mote::Project::open(proj);
  for (auto& smp : p.store().list(mote::SampleFilter{}))
    if (truth.count(smp.name)) EXPECT_EQ(smp.label, truth[smp.name]) << smp.name;
  EXPECT_EQ(body(client->Get("/api/samples/suggest-labels"))["suggestions"].size(), 0u);
}

TEST_F(LabellingApi, TrainingSkipsUnlabelledAndTheModelSuggestsTheirLabels) {
  start();
  EXPECT_EQ(client->Get("/api/samples/suggest-labels?method=model")->status, 400) << "no trained classifier yet";
  json train = run_job("train");
  ASSERT_EQ(train["state"], "done") << train["error"];
  json models = body(client->Get("/api/models"))["models"];
  ASSERT_EQ(models.size(), 1u);
  std::set<std::string> learned;
  for (auto& l : models[0]["metrics"]["labels"]) learned.insert(l.get<std::string>());
  EXPECT_EQ(learned, (std::set<std::string>{"circle", "idle", "updown", "wave"})) << "no empty label class";

  // The whole batch reads the trained models once (the server runs in this process: its reads count here).
  const size_t reads = mote::learn::trained_model_reads();
  json s = body(client->Get("/api/samples/suggest-labels?method=model"));
  EXPECT_EQ(mote::learn::trained_model_reads() - reads, 1u) << "the models are read once per request, not once per sample";
  EXPECT_EQ(s["block"], "classifier");
  ASSERT_EQ(s["suggestions"].size(), truth.size());
  ASSERT_GE(truth.size(), 4u);
  size_t right = 0;
  for (auto& e : s["suggestions"]) {
    right += e["label"] == truth[e["name"].get<std::string>()];
    EXPECT_GE(e["confidence"].get<double>(), 0.25);
    EXPECT_LE(e["confidence"].get<double>(), 1.0);
    // The batch's answer is the one-sample classification's: its top label and that label's mean probability.
    json one = body(client->Get("/api/samples/" + std::to_string(e["id"].get<int64_t>()) + "/classify"));
    json scores = one["summary"]["classifier"]["scores"];
    EXPECT_EQ(scores[e["label"].get<std::string>()], e["confidence"]) << e.dump();
    for (auto& [label, v] : scores.items()) EXPECT_LE(v.get<double>(), e["confidence"].get<double>()) << label;
    EXPECT_EQ(one["windows"].size(), e["windows"]) << e.dump();
  }
  EXPECT_GE(right, truth.size() - 1) << s.dump();

  // The CLI (the real binary) gives the same suggestions and stores those at or above --accept in one go.
  auto cli = mote::test::run_mote("-C " + proj.string() + " samples suggest-labels --method model --json");
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  json c = json::parse(cli.out);
  ASSERT_EQ(c["suggestions"].size(), s["suggestions"].size());
  for (size_t i = 0; i < c["suggestions"].size(); ++i) {
    EXPECT_EQ(c["suggestions"][i]["id"], s["suggestions"][i]["id"]);
    EXPECT_EQ(c["suggestions"][i]["label"], s["suggestions"][i]["label"]);
    EXPECT_DOUBLE_EQ(c["suggestions"][i]["confidence"].get<double>(), s["suggestions"][i]["confidence"].get<double>());
  }
  const double cut = s["suggestions"][s["suggestions"].size() / 2]["confidence"];  // the more confident half (and ties)
  auto accepted = mote::test::run_mote("-C " + proj.string() + " samples suggest-labels --method model --accept " + std::to_string(cut) + " --json");
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err;
  std::map<int64_t, std::string> want;
  for (auto& e : s["suggestions"])
    if (e["confidence"].get<double>() >= std::stod(std::to_string(cut))) want[e["id"]] = e["label"];
  EXPECT_EQ(json::parse(accepted.out)["accepted"], want.size());
  ASSERT_GE(want.size(), 1u);
  ASSERT_LT(want.size(), truth.size());
  mote::Project p = mote::Project::open(proj);
  for (auto& smp : p.store().list(mote::SampleFilter{}))
    if (truth.count(smp.name)) EXPECT_EQ(smp.label, want.count(smp.id) ? want[smp.id] : "") << smp.name;
}

TEST_F(LabellingApi, TheExplorerShowsEditsMadeAfterTheFeaturesJob) {
  start();
  json features = run_job("features");
  ASSERT_EQ(features["state"], "done") << features["error"];
  json f = body(client->Get("/api/features"));
  const size_t points = f["projection"]["points"].size();
  ASSERT_GT(points, 0u);
  EXPECT_TRUE(f["labels"].contains("")) << "unlabelled windows are counted under \"\"";
  // Relabel one sample, move another, delete a third: the points say so without a new features job.
  std::vector<int64_t> ids;
  for (auto& pt : f["projection"]["points"])
    if (ids.empty() || ids.back() != pt["sample_id"].get<int64_t>()) ids.push_back(pt["sample_id"]);
  ASSERT_GE(ids.size(), 3u);
  auto post = [&](const char* path, const json& b) { return client->Post(path, with_key(), b.dump(), "application/json")->status; };
  ASSERT_EQ(post("/api/samples/label", {{"ids", {ids[0]}}, {"label", "relabelled"}}), 200);
  ASSERT_EQ(post("/api/samples/move", {{"ids", {ids[1]}}, {"category", "testing"}}), 200);
  ASSERT_EQ(post("/api/samples/remove", {{"ids", {ids[2]}}}), 200);
  json g = body(client->Get("/api/features"));
  size_t removed_windows = 0;
  for (auto& pt : f["projection"]["points"]) removed_windows += pt["sample_id"] == ids[2];
  EXPECT_EQ(g["projection"]["points"].size(), points - removed_windows);
  for (auto& pt : g["projection"]["points"]) {
    EXPECT_NE(pt["sample_id"], ids[2]);
    if (pt["sample_id"] == ids[0]) EXPECT_EQ(pt["label"], "relabelled");
    if (pt["sample_id"] == ids[1]) EXPECT_EQ(pt["category"], "testing");
  }
  EXPECT_TRUE(g["labels"].contains("relabelled"));
}
