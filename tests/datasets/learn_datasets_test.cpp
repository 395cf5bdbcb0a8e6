// Learning on real data from ../shared/datasets (skipped when absent), through the CLI as a user runs it,
// with the examples' impulses. Floors: ei-gestures >= 95 % on its testing split; FSDD >= 95 % on the
// official split (file index 0-4 = test).
#include <gtest/gtest.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "impulse/dsp_block.h"
#include "support/test_support.h"

using mote::test::run_mote;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

void print_confusion(const json& b) {
  const auto& cm = b["confusion"];
  size_t n = cm["cols"].size();
  std::cout << "confusion matrix (rows true, columns predicted): " << cm["cols"].dump() << "\n";
  for (size_t r = 0; r < cm["rows"].size(); ++r) {
    std::cout << "  " << cm["rows"][r].get<std::string>() << ":";
    for (size_t c = 0; c < n; ++c) std::cout << " " << cm["matrix"][r * n + c].get<double>();
    std::cout << "\n";
  }
}

json train_and_test(const fs::path& proj, const std::string& impulse, const std::string& test_args = "") {
  auto set = run_mote("-C " + proj.string() + " impulse set " + impulse);
  EXPECT_EQ(set.exit_code, 0) << set.err;
  auto train = run_mote("-C " + proj.string() + " train --json");
  EXPECT_EQ(train.exit_code, 0) << train.err;
  auto test = run_mote("-C " + proj.string() + " test --json" + test_args);
  EXPECT_EQ(test.exit_code, 0) << test.err;
  return test.exit_code == 0 ? json::parse(test.out) : json();
}

}  // namespace

TEST(DatasetsLearn, EiGesturesSpectralDenseKmeans) {
  auto root = mote::test::dataset("ei-gestures");
  if (root.empty()) GTEST_SKIP() << "../shared/datasets/ei-gestures not present; skipping the real-data training";
  mote::test::TempDir dir;
  fs::path proj = dir / "g";
  ASSERT_EQ(run_mote("init " + proj.string()).exit_code, 0);
  ASSERT_EQ(run_mote("-C " + proj.string() + " import " + root.string()).exit_code, 0);
  json r = train_and_test(proj, std::string(MOTE_SOURCE_DIR) + "/examples/gestures/impulse.json", " --int8");
  ASSERT_EQ(r["blocks"].size(), 2u);
  const json& c = r["blocks"][0];
  print_confusion(c);
  std::cout << "ei-gestures: sample accuracy " << c["accuracy"] << ", window accuracy " << c["window_accuracy"] << "\n";
  const json& q = c["int8"];
  std::cout << "ei-gestures int8: sample accuracy " << q["accuracy"] << " (" << q["accuracy_drop_pp"] << " pp lost), window accuracy "
            << q["window_accuracy"] << ", agreement " << q["agreement"] << " of samples, " << q["window_agreement"] << " of windows\n";
  EXPECT_LE(q["accuracy_drop_pp"].get<double>(), 2.0);
  EXPECT_LE(c["window_accuracy"].get<double>() - q["window_accuracy"].get<double>(), 0.02);
  EXPECT_EQ(c["samples"], 24);
  EXPECT_GE(c["accuracy"].get<double>(), 0.95);
  EXPECT_GE(c["window_accuracy"].get<double>(), 0.95);
  const json& a = r["blocks"][1];
  EXPECT_EQ(a["type"], "kmeans");
  EXPECT_LE(a["false_positive_rate"].get<double>(), 0.1);  // every testing sample is a known gesture
}

TEST(DatasetsLearn, FsddMfccConvOfficialSplit) {
  auto root = mote::test::dataset("fsdd");
  if (root.empty()) GTEST_SKIP() << "../shared/datasets/fsdd not present; skipping the real-data training";
  const auto& types = mote::dsp_block_types();
  if (std::find(types.begin(), types.end(), "mfcc") == types.end())
    GTEST_SKIP() << "this build has no mfcc DSP block yet; skipping FSDD";
  mote::test::TempDir dir;
  fs::path proj = dir / "f";
  ASSERT_EQ(run_mote("init " + proj.string()).exit_code, 0);
  auto imp = run_mote("-C " + proj.string() + " import " + (root / "recordings").string() +
                      " --label-pattern '^(\\d)_' --test-pattern '^\\d_[a-z]+_[0-4]\\.wav$'");
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  json r = train_and_test(proj, std::string(MOTE_SOURCE_DIR) + "/examples/fsdd/impulse.json");
  ASSERT_EQ(r["blocks"].size(), 1u);
  const json& c = r["blocks"][0];
  print_confusion(c);
  std::cout << "fsdd: sample accuracy " << c["accuracy"] << " on " << c["samples"] << " samples\n";
  EXPECT_EQ(c["samples"], 300);  // 6 speakers x 10 digits x 5 takes
  EXPECT_GE(c["accuracy"].get<double>(), 0.95);
}
