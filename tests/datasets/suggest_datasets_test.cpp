// The suggested impulse on real recordings from ../shared/datasets (a fresh project, `mote impulse show`):
// it adapts to each set as docs/impulse.md says. Skipped when a dataset is absent.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

using mote::test::run_mote;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json suggested(const fs::path& proj, const std::string& import_args) {
  EXPECT_EQ(run_mote("init " + proj.string()).exit_code, 0);
  auto imp = run_mote("-C " + proj.string() + " import " + import_args);
  EXPECT_EQ(imp.exit_code, 0) << imp.err;
  auto show = run_mote("-C " + proj.string() + " impulse show --json");
  EXPECT_EQ(show.exit_code, 0) << show.err;
  return json::parse(show.out);
}

}  // namespace

TEST(DatasetsSuggest, WandGesturesAreOneEventEachAndGetRawWithAConvolution) {
  auto root = mote::test::dataset("wand-gestures");
  if (root.empty()) GTEST_SKIP() << "../shared/datasets/wand-gestures not present; skipping the wand suggestion";
  mote::test::TempDir dir;
  json s = suggested(dir / "wand", (root / "data").string() +
                                       " --frequency-hz 119 --segment-ms 1000 --label-pattern '^(\\w+)\\.csv$' --category split");
  EXPECT_EQ(s["impulse"]["input"]["window_ms"], 1000.0);
  EXPECT_EQ(s["impulse"]["dsp"][0]["type"], "raw");
  EXPECT_EQ(s["impulse"]["learn"][0]["params"]["layers"][0]["type"], "conv1d");
  EXPECT_NE(s["why"].dump().find("one event"), std::string::npos) << s["why"].dump(1);
}

TEST(DatasetsSuggest, EiGesturesKeepTheDemoRules) {
  auto root = mote::test::dataset("ei-gestures");
  if (root.empty()) GTEST_SKIP() << "../shared/datasets/ei-gestures not present; skipping the gestures suggestion";
  mote::test::TempDir dir;
  json s = suggested(dir / "g", root.string());
  EXPECT_EQ(s["impulse"]["input"]["window_ms"], 2000.0);
  EXPECT_EQ(s["impulse"]["input"]["stride_ms"], 200.0);
  EXPECT_EQ(s["impulse"]["dsp"][0]["params"]["fft_length"], 64);  // 1.6 Hz bins at 104 Hz
  EXPECT_EQ(s["impulse"]["dsp"][0]["params"]["filter_type"], "none");
  EXPECT_EQ(s["impulse"]["learn"][1]["type"], "kmeans");
}

TEST(DatasetsSuggest, CwruNormalOnlyGetsAnomalyDetectionOnShortVibrationWindows) {
  auto root = mote::test::dataset("cwru-bearing-48k");
  if (root.empty()) GTEST_SKIP() << "../shared/datasets/cwru-bearing-48k not present; skipping the CWRU suggestion";
  mote::test::TempDir dir;
  json s = suggested(dir / "c", (root / "Normal_0.mat").string() +
                                    " --label normal --frequency-hz 48000 --segment-ms 100 --test-pattern '\\.[0-9]$'");
  EXPECT_EQ(s["impulse"]["input"]["window_ms"], 42.0);  // 2048 frames at most
  EXPECT_EQ(s["impulse"]["dsp"][0]["params"]["fft_length"], 256);
  ASSERT_EQ(s["impulse"]["learn"].size(), 1u);
  EXPECT_EQ(s["impulse"]["learn"][0]["type"], "kmeans");
  EXPECT_NE(s["why"].dump().find("one label in training ('normal')"), std::string::npos) << s["why"].dump(1);
}
