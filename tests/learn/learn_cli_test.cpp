// `mote train`, `mote test` and `mote classify` end to end: the demo's gestures (classifier + k-means),
// and a generated numeric-label project (regression + GMM).
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

using mote::test::run_mote;
using nlohmann::json;
namespace fs = std::filesystem;

TEST(CliLearn, DemoTrainsTestsAndClassifies) {
  mote::test::TempDir dir;
  std::string proj = (dir / "demo").string();
  auto demo = run_mote("demo " + proj + " --no-serve --no-profile --json");
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  json d = json::parse(demo.out);
  ASSERT_EQ(d["test"]["blocks"].size(), 2u);
  EXPECT_GE(d["test"]["blocks"][0]["accuracy"].get<double>(), 0.9);

  auto train = run_mote("-C " + proj + " train --json");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  json t = json::parse(train.out);
  ASSERT_EQ(t["blocks"].size(), 2u);
  EXPECT_EQ(t["blocks"][0]["type"], "classifier");
  EXPECT_FALSE(t["blocks"][0]["metrics"]["curve"].empty());
  EXPECT_LE(t["blocks"][0]["metrics"]["export_max_error"].get<double>(), 1e-4);
  EXPECT_TRUE(fs::exists(fs::path(proj) / "out/classifier-training.svg"));

  auto text = run_mote("-C " + proj + " train");  // progress and per-epoch lines
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("epoch   1/"), std::string::npos);
  EXPECT_NE(text.out.find("val_acc"), std::string::npos);

  auto test = run_mote("-C " + proj + " test --json");
  ASSERT_EQ(test.exit_code, 0) << test.err;
  json r = json::parse(test.out);
  const json& cls = r["blocks"][0];
  const json& an = r["blocks"][1];
  EXPECT_GE(cls["accuracy"].get<double>(), 0.9);
  EXPECT_EQ(cls["unknown_label_samples"], 4);  // the demo's "anomaly" recordings
  EXPECT_EQ(cls["confusion"]["cols"].back(), "uncertain");
  double diag = 0, total = 0;
  size_t n = cls["confusion"]["cols"].size();
  for (size_t i = 0; i < cls["confusion"]["matrix"].size(); ++i) {
    total += cls["confusion"]["matrix"][i].get<double>();
    if (i / n == i % n) diag += cls["confusion"]["matrix"][i].get<double>();
  }
  EXPECT_DOUBLE_EQ(diag / total, cls["accuracy"].get<double>());
  EXPECT_EQ(an["type"], "kmeans");
  EXPECT_EQ(an["anomalous_samples"], 4);
  EXPECT_GE(an["roc_auc"].get<double>(), 0.9);
  EXPECT_GE(an["detection_rate"].get<double>(), 0.75);
  EXPECT_TRUE(fs::exists(fs::path(proj) / "out/classifier-confusion.svg"));
  EXPECT_NE(mote::test::read_text(an["plot"].get<std::string>()).find("threshold"), std::string::npos);
  auto table = run_mote("-C " + proj + " test");
  EXPECT_NE(table.out.find("confusion matrix"), std::string::npos);
  EXPECT_NE(table.out.find("ROC AUC"), std::string::npos);

  // classify: an exported recording runs through the same impulse without being stored.
  ASSERT_EQ(run_mote("-C " + proj + " export " + (dir / "exp").string()).exit_code, 0);
  fs::path anomaly = dir / "exp/testing/anomaly.anomaly_0.json";
  ASSERT_TRUE(fs::exists(anomaly));
  auto c = run_mote("-C " + proj + " classify " + anomaly.string() + " --json");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  json cj = json::parse(c.out);
  EXPECT_GT(cj["windows"].size(), 1u);
  EXPECT_TRUE(cj["summary"]["anomaly"]["anomalous"].get<bool>());
  json samples = json::parse(run_mote("-C " + proj + " samples --json").out);
  EXPECT_EQ(samples["total"].get<size_t>(), d["samples"].get<size_t>());  // nothing was stored

  // A changed learning block makes the stored model stale: test says to train again.
  json cfg = json::parse(mote::test::read_text(fs::path(proj) / "mote.json"));
  cfg["impulse"]["learn"][0]["params"] = {{"epochs", 3}};
  mote::test::write_text(fs::path(proj) / "mote.json", cfg.dump());
  auto stale = run_mote("-C " + proj + " test");
  EXPECT_NE(stale.exit_code, 0);
  EXPECT_NE(stale.err.find("run mote train"), std::string::npos) << stale.err;
}

TEST(CliLearn, RegressionAndGmmOnNumericLabels) {
  mote::test::TempDir dir;
  // Sines whose amplitude is the label; spectral RMS reads it off.
  for (int i = 0; i < 40; ++i) {
    double amp = 1 + (i % 8) * 0.5;
    std::string csv = "timestamp,x\n";
    for (int k = 0; k < 200; ++k) csv += std::to_string(k * 20) + "," + std::to_string(amp * std::sin(0.7 * k + i)) + "\n";
    char name[64];
    std::snprintf(name, sizeof name, "in/%g.r%d.csv", amp, i);
    mote::test::write_text(dir / name, csv);
  }
  std::string proj = (dir / "p").string();
  ASSERT_EQ(run_mote("init " + proj).exit_code, 0);
  ASSERT_EQ(run_mote("-C " + proj + " import " + (dir / "in").string() + " --category split").exit_code, 0);
  json imp = {{"input", {{"type", "time-series"}, {"window_ms", 1000}, {"stride_ms", 500}, {"frequency_hz", 50}}},
              {"dsp", {{{"name", "spectral"}, {"type", "spectral"}}}},
              {"learn", {{{"name", "amplitude"}, {"type", "regression"}, {"params", {{"epochs", 60}, {"learning_rate", 0.01}}}},
                         {{"name", "density"}, {"type", "gmm"}, {"params", {{"components", 2}, {"covariance", "full"}, {"features", {0, 1, 2}}}}}}}};
  mote::test::write_text(dir / "impulse.json", imp.dump());
  auto set = run_mote("-C " + proj + " impulse set " + (dir / "impulse.json").string());
  ASSERT_EQ(set.exit_code, 0) << set.err;
  auto train = run_mote("-C " + proj + " train --json");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  auto test = run_mote("-C " + proj + " test --json");
  ASSERT_EQ(test.exit_code, 0) << test.err;
  json r = json::parse(test.out);
  ASSERT_EQ(r["blocks"].size(), 2u);
  EXPECT_EQ(r["blocks"][0]["type"], "regression");
  EXPECT_LT(r["blocks"][0]["rmse"].get<double>(), 0.5);  // amplitudes span 1 to 4.5
  EXPECT_LT(r["blocks"][0]["mae"].get<double>(), 0.4);
  EXPECT_EQ(r["blocks"][1]["type"], "gmm");
  EXPECT_TRUE(r["blocks"][1]["threshold"].is_number());

  // int8: the quantized regression stays close to the float one.
  auto q = run_mote("-C " + proj + " test --int8 --json");
  ASSERT_EQ(q.exit_code, 0) << q.err;
  json qi = json::parse(q.out)["blocks"][0]["int8"];
  EXPECT_LT(qi["rmse"].get<double>(), 0.5);
  EXPECT_LT(qi["max_abs_difference"].get<double>(), 0.25);  // of amplitudes 1 to 4.5
  EXPECT_NEAR(qi["rmse_change"].get<double>(), qi["rmse"].get<double>() - r["blocks"][0]["rmse"].get<double>(), 1e-9);

  // A non-numeric label is refused with the sample named.
  mote::test::write_text(dir / "bad/loud.x.csv", "timestamp,x\n0,1\n20,2\n40,1\n");
  ASSERT_EQ(run_mote("-C " + proj + " import " + (dir / "bad").string()).exit_code, 0);
  auto bad = run_mote("-C " + proj + " train");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("'loud' is not a number"), std::string::npos) << bad.err;
}
