// The `mote` binary end to end: exit codes, one-line errors, --json output, edits in the store.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

using mote::test::run_mote;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {
const std::string kData = std::string(MOTE_SOURCE_DIR) + "/tests/data";

json samples_json(const fs::path& proj, const std::string& extra = "") {
  auto r = run_mote("-C " + proj.string() + " samples --json " + extra);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}
}  // namespace

TEST(Cli, InitImportListEditExport) {
  mote::test::TempDir dir;
  fs::path proj = dir / "proj";
  ASSERT_EQ(run_mote("init " + proj.string()).exit_code, 0);
  EXPECT_NE(run_mote("init " + proj.string()).exit_code, 0) << "init twice must fail";
  mote::test::write_text(dir / "in/wave.a.csv", "timestamp,accX,accY,accZ\n0,1,2,3\n16,4,5,6\n32,7,8,9\n48,1,1,1\n");
  mote::test::write_text(dir / "in/idle.b.csv", "timestamp,accX,accY,accZ\n0,0,0,9.8\n16,0,0,9.8\n32,0,0,9.7\n48,0,0,9.8\n");
  auto r = run_mote("-C " + proj.string() + " import " + (dir / "in").string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["imported"], 2);

  json list = samples_json(proj);
  ASSERT_EQ(list["total"], 2);
  EXPECT_EQ(list["samples"][0]["label"], "idle");
  EXPECT_EQ(list["samples"][0]["frames"], 4);
  EXPECT_DOUBLE_EQ(list["samples"][0]["interval_ms"].get<double>(), 16.0);
  EXPECT_EQ(samples_json(proj, "--label wave")["total"], 1);

  std::string c = "-C " + proj.string() + " samples ";
  EXPECT_EQ(run_mote(c + "label updown 1 2").exit_code, 0);
  EXPECT_EQ(samples_json(proj, "--label updown")["total"], 2);
  EXPECT_EQ(run_mote(c + "move testing 2").exit_code, 0);
  EXPECT_EQ(samples_json(proj, "--category testing")["samples"][0]["id"], 2);
  EXPECT_EQ(run_mote(c + "rename 1 first").exit_code, 0);
  EXPECT_EQ(samples_json(proj, "--name first")["total"], 1);
  EXPECT_EQ(run_mote(c + "crop 1 --start-ms 16 --end-ms 48").exit_code, 0);
  EXPECT_EQ(samples_json(proj, "--name first")["samples"][0]["frames"], 2);
  auto bad = run_mote(c + "crop 1 --start-ms 500");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("keeps no frames"), std::string::npos) << bad.err;
  // A bad id in a multi-id edit changes nothing.
  auto missing = run_mote(c + "label other 1 99");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("sample 99"), std::string::npos);
  EXPECT_EQ(samples_json(proj, "--label other")["total"], 0);
  EXPECT_EQ(run_mote(c + "split --fraction 0.5").exit_code, 0);
  EXPECT_EQ(run_mote(c + "remove 2").exit_code, 0);
  EXPECT_EQ(samples_json(proj)["total"], 1);

  auto e = run_mote("-C " + proj.string() + " export " + (dir / "out").string());
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_TRUE(fs::exists(dir / "out/info.labels"));
}

TEST(Cli, BadFileGivesOneLineErrorNonZeroExitAndImportsNothing) {
  mote::test::TempDir dir;
  fs::path proj = dir / "proj";
  ASSERT_EQ(run_mote("init " + proj.string()).exit_code, 0);
  auto r = run_mote("-C " + proj.string() + " import " + kData + "/good/wave.good.json " + kData + "/bad/ragged.csv");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("ragged.csv:3"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(samples_json(proj)["total"], 0);

  auto skip = run_mote("-C " + proj.string() + " import --skip-bad --json " + kData + "/good/wave.good.json " + kData + "/bad/ragged.csv");
  EXPECT_EQ(skip.exit_code, 0) << skip.err;
  auto report = json::parse(skip.out);
  EXPECT_EQ(report["imported"], 1);
  EXPECT_EQ(report["bad"].size(), 1u);
}

TEST(Cli, NotAProjectSaysHowToCreateOne) {
  mote::test::TempDir dir;
  auto r = run_mote("-C " + dir.path().string() + " samples");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("mote init"), std::string::npos) << r.err;
}

TEST(Cli, DemoCreatesListableProject) {
  mote::test::TempDir dir;
  fs::path proj = dir / "demo";
  auto r = run_mote("demo " + proj.string() + " --no-serve --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json summary = json::parse(r.out);
  EXPECT_GE(summary["minutes"].get<double>(), 9.5);
  EXPECT_EQ(summary["impulse"]["dsp"][0]["type"], "spectral");
  EXPECT_GT(summary["windows"].get<int>(), 1000);
  EXPECT_TRUE(fs::exists(summary["feature_explorer"].get<std::string>()));
  json list = samples_json(proj);
  ASSERT_EQ(list["total"], summary["samples"]);
  std::map<std::string, int> per_label;
  int anomalies_in_training = 0;
  for (auto& s : list["samples"]) {
    per_label[s["label"]]++;
    EXPECT_NEAR(s["frequency_hz"].get<double>(), 62.5, 1e-9);
    EXPECT_EQ(s["sensors"].size(), 3u);
    if (s["label"] == "anomaly" && s["category"] == "training") anomalies_in_training++;
  }
  for (const char* label : {"idle", "wave", "circle", "updown"}) EXPECT_GE(per_label[label], 10) << label;
  EXPECT_GE(per_label["anomaly"], 1);
  EXPECT_EQ(anomalies_in_training, 0);
  // Running it again resets the demo project instead of failing or duplicating.
  auto again = run_mote("demo " + proj.string() + " --no-serve --no-profile --json");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(samples_json(proj)["total"], summary["samples"]);
  // A folder that is not a demo project is never touched.
  mote::test::write_text(dir / "mine/keep.txt", "x");
  EXPECT_NE(run_mote("demo " + (dir / "mine").string() + " --no-serve").exit_code, 0);
  EXPECT_TRUE(fs::exists(dir / "mine/keep.txt"));
}
