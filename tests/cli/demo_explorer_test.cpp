// The demo's feature explorer: the suggested impulse's features separate the generated gestures; the studio's
// explorer has a finished features job to draw from the start.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "serve/jobs.h"
#include "support/test_support.h"

using mote::test::run_mote;
using nlohmann::json;

TEST(DemoExplorer, GesturesSeparateInThePlottedProjection) {
  mote::test::TempDir dir;
  auto demo = run_mote("demo " + (dir / "demo").string() + " --no-serve --no-profile --json");
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  json d = json::parse(demo.out);
  EXPECT_EQ(d["features_per_window"], 105);  // 3 axes x (RMS, skewness, kurtosis + 32 bins)
  std::string svg = mote::test::read_text(d["feature_explorer"].get<std::string>());
  for (const char* label : {"idle", "wave", "circle", "updown", "anomaly"})
    EXPECT_NE(svg.find(std::string(">") + label + " ("), std::string::npos) << label << " missing from the legend";

  // The same projection from the cache: training windows of each gesture cluster apart.
  auto f = run_mote("-C " + (dir / "demo").string() + " features --json --projection");
  ASSERT_EQ(f.exit_code, 0) << f.err;
  json j = json::parse(f.out);
  EXPECT_EQ(j["computed"], 0);
  std::map<std::string, std::vector<std::pair<double, double>>> by_label;
  for (auto& p : j["projection"]["points"])
    if (p["label"] != "anomaly") by_label[p["label"]].push_back({p["x"], p["y"]});
  ASSERT_EQ(by_label.size(), 4u);
  // Fisher's ratio in 2-D: spread of the class centres over the spread inside the classes.
  double mx = 0, my = 0, n = 0;
  for (auto& [l, pts] : by_label)
    for (auto& [x, y] : pts) mx += x, my += y, n += 1;
  mx /= n, my /= n;
  double between = 0, within = 0;
  for (auto& [l, pts] : by_label) {
    double cx = 0, cy = 0;
    for (auto& [x, y] : pts) cx += x / pts.size(), cy += y / pts.size();
    between += pts.size() * ((cx - mx) * (cx - mx) + (cy - my) * (cy - my));
    for (auto& [x, y] : pts) within += (x - cx) * (x - cx) + (y - cy) * (y - cy);
  }
  EXPECT_GT(between / within, 3.0) << "the gestures overlap in the feature explorer";
}

TEST(DemoExplorer, TheStudioHasAFeaturesJobToDraw) {
  mote::test::TempDir dir;
  auto demo = run_mote("demo " + (dir / "demo").string() + " --no-serve --no-profile --json");
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  json d = json::parse(demo.out);
  ASSERT_GT(d["features_job"].get<int64_t>(), 0);
  mote::serve::JobQueue jobs(dir / "demo", 1);
  auto done = jobs.list(1, "features", mote::serve::JobState::Done);
  ASSERT_EQ(done.size(), 1u) << "GET /api/features reads the last finished features job";
  EXPECT_EQ(done[0].id, d["features_job"].get<int64_t>());
  EXPECT_EQ(done[0].result["windows"], d["windows"]);
  EXPECT_EQ(done[0].result["projection"]["points"].size(), d["windows"].get<size_t>());
  EXPECT_EQ(done[0].result["computed"], 0) << "the demo's features were cached already";
}
