// The JSON API's reads and edits: paging and filters, values, labels and split, impulse, the API listing.
#include "demo/motion.h"
#include "serve_support.h"
#include "store/sql.h"

using nlohmann::json;
using mote::test::ServeTest;

namespace {
class SamplesApiTest : public ServeTest {
 protected:
  void SetUp() override {
    ServeTest::SetUp();
    add_motion(5, 2, 0);
  }
  json get(const std::string& path) {
    auto r = client->Get(path.c_str());
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << path << ": " << r->body;
    return json::parse(r->body);
  }
  int post(const std::string& path, const json& b) {
    return client->Post(path.c_str(), with_key(), b.dump(), "application/json")->status;
  }
};
}  // namespace

TEST_F(SamplesApiTest, ListsWithPagingAndFilters) {
  start();
  json all = get("/api/samples");
  EXPECT_EQ(all["total"], 20);
  EXPECT_EQ(all["samples"].size(), 20u);
  json page = get("/api/samples?limit=3&offset=2");
  EXPECT_EQ(page["total"], 20);
  ASSERT_EQ(page["samples"].size(), 3u);
  EXPECT_EQ(page["samples"][0]["id"], all["samples"][2]["id"]);
  json waves = get("/api/samples?label=wave");
  EXPECT_EQ(waves["total"], 5);
  for (auto& s : waves["samples"]) EXPECT_EQ(s["label"], "wave");
  EXPECT_EQ(get("/api/samples?category=testing")["total"], 0);
  std::string name = all["samples"][0]["name"];
  EXPECT_GE(get("/api/samples?name=" + name)["total"].get<int>(), 1);
  EXPECT_EQ(client->Get("/api/samples?limit=0")->status, 400);
  EXPECT_EQ(client->Get("/api/samples?limit=abc")->status, 400);
  EXPECT_EQ(client->Get("/api/samples?category=sideways")->status, 400);
  EXPECT_EQ(client->Get("/api/samples/9999")->status, 404);

  json one = get("/api/samples/1");
  EXPECT_EQ(one["values"].size(), one["frames"].get<size_t>());
  EXPECT_EQ(one["values"][0].size(), 3u);
  mote::Project p = mote::Project::open(proj);
  mote::Sample s = p.store().get(1);
  EXPECT_FLOAT_EQ(one["values"][7][1].get<float>(), s.values[7 * 3 + 1]);
}

TEST_F(SamplesApiTest, EditsAreAllOrNothing) {
  start();
  EXPECT_EQ(post("/api/samples/label", {{"ids", {1, 2}}, {"label", "shake"}}), 200);
  EXPECT_EQ(get("/api/samples?label=shake")["total"], 2);
  EXPECT_EQ(post("/api/samples/label", {{"ids", {3, 999}}, {"label", "other"}}), 404);
  EXPECT_EQ(get("/api/samples?label=other")["total"], 0) << "a missing id changes nothing";
  EXPECT_EQ(post("/api/samples/label", {{"ids", {3}}, {"label", ""}}), 400);
  EXPECT_EQ(post("/api/samples/move", {{"ids", {1}}, {"category", "testing"}}), 200);
  EXPECT_EQ(get("/api/samples/1")["category"], "testing");
  EXPECT_EQ(post("/api/samples/1/rename", {{"name", "first"}}), 200);
  EXPECT_EQ(get("/api/samples?name=first")["total"], 1);
  EXPECT_EQ(post("/api/samples/1/crop", {{"start_ms", 16}, {"end_ms", 160}}), 200);
  EXPECT_EQ(get("/api/samples/1")["frames"], 9);
  EXPECT_EQ(post("/api/samples/1/crop", {{"start_ms", 99999}}), 400);
  EXPECT_EQ(post("/api/samples/remove", {{"ids", {2}}}), 200);
  EXPECT_EQ(client->Delete("/api/samples/3", with_key())->status, 200);
  EXPECT_EQ(get("/api/samples")["total"], 18);
  EXPECT_EQ(client->Post("/api/samples/label", with_key(), "{not json", "application/json")->status, 400);

  json labels = get("/api/labels");
  int64_t sum = 0;
  for (auto& l : labels["labels"]) sum += l["training"].get<int64_t>() + l["testing"].get<int64_t>();
  EXPECT_EQ(sum, 18);
  EXPECT_EQ(post("/api/samples/split", {{"fraction", 0.2}}), 200);
  json after = get("/api/labels");
  EXPECT_GT(after["testing"].get<int>(), 0);
  EXPECT_NEAR(after["test_fraction"].get<double>(), 0.2, 0.1);
}

TEST_F(SamplesApiTest, ImpulseGetSuggestsAndSetValidates) {
  start();
  json suggested = get("/api/impulse");
  EXPECT_EQ(suggested["set"], false);
  EXPECT_FALSE(suggested["why"].empty());
  EXPECT_GT(suggested["features_per_window"].get<int>(), 0);
  EXPECT_TRUE(mote::Project::open(proj).config()["impulse"].is_null()) << "a read does not save the suggestion";

  json spec = suggested["impulse"];
  spec["input"]["window_ms"] = 1000;
  auto ok = client->Put("/api/impulse", with_key(), spec.dump(), "application/json");
  ASSERT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(body(ok)["set"], true);
  EXPECT_EQ(get("/api/impulse")["impulse"]["input"]["window_ms"], 1000);

  json bad = spec;
  bad["dsp"][0]["type"] = "no-such-block";
  auto r = client->Put("/api/impulse", with_key(), bad.dump(), "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(body(r)["error"].get<std::string>().find("impulse.dsp[0]"), std::string::npos) << r->body;
  EXPECT_EQ(get("/api/impulse")["impulse"]["input"]["window_ms"], 1000) << "a refused impulse leaves the old one";
}

TEST_F(SamplesApiTest, ListsTheApiAndSaysTheStudioIsNotBuilt) {
  start();
  json api = get("/api");
  bool has_ingest = false;
  for (auto& e : api["endpoints"]) has_ingest |= e["path"].get<std::string>().find("/api/{training") == 0;
  EXPECT_TRUE(has_ingest);
  auto page = client->Get("/");
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("studio is not built"), std::string::npos);
  EXPECT_NE(page->body.find("/api/jobs/{id}/events"), std::string::npos);
  auto missing = client->Get("/api/nothing-here");
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(json::parse(missing->body)["success"], false);
  EXPECT_EQ(get("/api/project")["samples"], 20);
}
