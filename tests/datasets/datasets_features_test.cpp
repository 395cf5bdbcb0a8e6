// Features on real recordings from ../shared/datasets, through the CLI as a user runs it; skipped when absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

using mote::test::run_mote;
using nlohmann::json;
namespace fs = std::filesystem;

TEST(DatasetsFeatures, FsddSubsetGetsMfccFeaturesOnceThenFromTheCache) {
  auto root = mote::test::dataset("fsdd");
  if (root.empty()) GTEST_SKIP() << "../shared/datasets/fsdd not present; skipping the real-audio features";
  // A bounded subset: every 30th recording in name order (100 files, all digits and speakers).
  std::vector<fs::path> all;
  for (auto& e : fs::directory_iterator(root / "recordings"))
    if (e.path().extension() == ".wav") all.push_back(e.path());
  std::sort(all.begin(), all.end());
  ASSERT_GE(all.size(), 3000u);
  mote::test::TempDir dir;
  fs::create_directories(dir / "wav");
  for (size_t i = 0; i < all.size() && i < 3000; i += 30) fs::copy_file(all[i], dir / "wav" / all[i].filename());
  fs::path proj = dir / "fsdd";
  ASSERT_EQ(run_mote("init " + proj.string()).exit_code, 0);
  auto imp = run_mote("-C " + proj.string() + " import " + (dir / "wav").string() + " --label-pattern '^(\\d)_' --category split");
  ASSERT_EQ(imp.exit_code, 0) << imp.err;

  auto first = run_mote("-C " + proj.string() + " features --json");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  json a = json::parse(first.out);
  EXPECT_EQ(a["samples"], 100);
  EXPECT_EQ(a["computed"], 100);
  EXPECT_EQ(a["cached"], 0);
  EXPECT_EQ(a["labels"].size(), 10u);
  EXPECT_GE(a["windows"].get<int>(), 100);

  json show = json::parse(run_mote("-C " + proj.string() + " impulse show --json").out);
  EXPECT_EQ(show["impulse"]["dsp"][0]["type"], "mfcc");
  EXPECT_EQ(show["impulse"]["input"]["frequency_hz"], 8000.0);
  const json& shape = show["blocks"][0]["shape"];
  EXPECT_EQ(shape[1], 13);
  EXPECT_EQ(shape[0].get<int>() * 13, a["features_per_window"].get<int>());

  auto second = run_mote("-C " + proj.string() + " features --json --projection");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  json b = json::parse(second.out);
  EXPECT_EQ(b["computed"], 0) << "the second run must come from the cache";
  EXPECT_EQ(b["cached"], 100);
  EXPECT_EQ(b["windows"], a["windows"]);
  EXPECT_EQ(b["projection"]["points"].size(), a["windows"].get<size_t>());
}
