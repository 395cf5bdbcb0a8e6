// `mote tune` on the demo: determinism, the budget, SIGINT, grouped validation, the search space.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "deploy/firmware.h"
#include "impulse/spec.h"
#include "support/test_support.h"
#include "tune/candidate.h"
#include "tune/search.h"
#include "tune/space.h"

using mote::test::run_mote;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The demo project with its classifier at 9 epochs (rungs of 2, 3 and 9 epochs: the tests stay short, also
// under the sanitizers).
std::string make_demo(const mote::test::TempDir& dir, const std::string& name) {
  const std::string proj = (dir / name).string();
  EXPECT_EQ(run_mote("demo " + proj + " --no-serve --no-profile --json").exit_code, 0);
  json impulse = json::parse(mote::test::read_text(fs::path(proj) / "mote.json"))["impulse"];
  for (auto& b : impulse["learn"])
    if (b["type"] == "classifier") b["params"]["epochs"] = 9;
  mote::test::write_text(dir / (name + "-impulse.json"), impulse.dump());
  EXPECT_EQ(run_mote("-C " + proj + " impulse set " + (dir / (name + "-impulse.json")).string()).exit_code, 0);
  return proj;
}

json tune_json(const std::string& proj, const std::string& args) {
  auto r = run_mote("-C " + proj + " tune --json " + args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? json::parse(r.out) : json();
}

// index -> score of every candidate that has one.
std::map<int, double> scores(const json& run) {
  std::map<int, double> out;
  for (const auto& c : run["candidates"])
    if (c.contains("score")) out[c["index"].get<int>()] = c["score"].get<double>();
  return out;
}

}  // namespace

TEST(TuneSpace, SameSeedSameCandidatesAndTheProjectImpulseFirst) {
  mote::ImpulseSpec base = mote::parse_impulse(json::parse(R"({"input": {"type": "time-series", "window_ms": 2000, "stride_ms": 200,
    "frequency_hz": 62.5, "axes": ["x", "y", "z"]}, "dsp": [{"name": "spectral", "type": "spectral"}],
    "learn": [{"name": "nn", "type": "classifier", "dsp": ["spectral"]}, {"name": "anomaly", "type": "kmeans", "dsp": ["spectral"]}]})"));
  mote::tune::DataFacts f;
  f.frequency_hz = 62.5, f.median_length_ms = 10000, f.axes = 3;
  const auto a = mote::tune::sample_candidates(base, f, 20, 5), b = mote::tune::sample_candidates(base, f, 20, 5);
  ASSERT_EQ(a.size(), 20u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, mote::tune::sample_candidates(base, f, 20, 6));
  EXPECT_EQ(a[0], mote::impulse_to_json(base));
  // Then the project's impulse at 2, 3 and 4x its window, and with each axis's statistics beside its spectrum.
  for (size_t i = 1; i <= 7; ++i) {
    const double times = (i <= 3 ? i + 1 : i - 3);
    EXPECT_DOUBLE_EQ(a[i]["input"]["window_ms"].get<double>(), 2000 * times) << i;
    EXPECT_NEAR(a[i]["input"]["stride_ms"].get<double>(), 200 * times, 16) << "a tenth, in whole 16 ms frames: " << i;
    EXPECT_EQ(a[i]["dsp"].size(), i <= 3 ? 1u : 2u) << i;
    EXPECT_EQ(a[i]["learn"][0]["dsp"].size(), a[i]["dsp"].size()) << i;
    EXPECT_EQ(a[i]["learn"][0]["params"], a[0]["learn"][0]["params"]) << "the network is the project's: " << i;
  }
  {  // a spectrum with the statistics already beside it (HAPT's suggestion): only the windows change
    mote::ImpulseSpec both = base;
    both.dsp.push_back(both.dsp[0]);
    both.dsp[1].name = "stats", both.dsp[1].type = "flatten";
    both.learn[0].inputs = {"spectral", "stats"};
    const auto b2 = mote::tune::sample_candidates(both, f, 20, 5);
    for (size_t i = 1; i <= 3; ++i) {
      EXPECT_DOUBLE_EQ(b2[i]["input"]["window_ms"].get<double>(), 2000.0 * (i + 1)) << i;
      EXPECT_EQ(b2[i]["dsp"], b2[0]["dsp"]) << i;
    }
  }
  std::set<std::string> kinds;
  for (const auto& c : a) {
    EXPECT_EQ(c["learn"].size(), 2u);  // the anomaly block stays, reading the candidate's DSP block
    EXPECT_EQ(c["learn"][1]["dsp"], json::array({c["dsp"][0]["name"]}));
    kinds.insert(c["dsp"][0]["type"].get<std::string>());
    EXPECT_FALSE(mote::tune::describe(c).empty());
  }
  EXPECT_TRUE(kinds.count("spectral") && kinds.count("flatten")) << "motion data: spectral and flatten are both drawn";
  std::set<std::string> learners;
  for (const auto& c : mote::tune::sample_candidates(base, f, 40, 5)) {
    learners.insert(c["learn"][0]["type"].get<std::string>());
    if (c["learn"][0]["type"] != "classifier") EXPECT_FALSE(c["learn"][0]["params"].contains("layers")) << c.dump();
  }
  EXPECT_TRUE(learners.count("classifier") && (learners.count("random_forest") || learners.count("gradient_boosting")))
      << "motion data: tree ensembles are drawn beside networks";
  // An image project's space is small: asking for more candidates than it holds ends (once nothing new comes).
  mote::ImpulseSpec image = mote::parse_impulse(json::parse(R"({"input": {"type": "image", "width": 48, "height": 48, "color": "rgb"},
    "dsp": [{"name": "image", "type": "image"}], "learn": [{"name": "nn", "type": "classifier", "dsp": ["image"]}]})"));
  mote::tune::DataFacts img;
  img.type = mote::InputType::Image;
  const auto images = mote::tune::sample_candidates(image, img, 100000, 1);
  EXPECT_GT(images.size(), 50u);
  EXPECT_LT(images.size(), 100000u);
  f.frequency_hz = 16000, f.axes = 1;  // one axis at an audio rate: sound
  base.input.frequency_hz = 16000, base.input.window_ms = 1000;
  const auto sound = mote::tune::sample_candidates(base, f, 18, 1);
  for (size_t i = 8; i < sound.size(); ++i)  // the draws (before them: the project's impulse and its neighbours)
    EXPECT_NE(std::string("spectral flatten").find(sound[i]["dsp"][0]["type"].get<std::string>()), 0u);
}

TEST(TuneSpace, AudioDrawsOneAndTwoDimensionalConvolutions) {
  const mote::ImpulseSpec base = mote::parse_impulse(json::parse(R"({"input": {"type": "time-series", "window_ms": 1000, "stride_ms": 500,
    "frequency_hz": 8000, "axes": ["audio"]}, "dsp": [{"name": "mfe", "type": "mfe"}],
    "learn": [{"name": "nn", "type": "classifier", "dsp": ["mfe"]}]})"));
  mote::tune::DataFacts f;
  f.frequency_hz = 8000, f.median_length_ms = 500, f.axes = 1;
  std::set<std::string> convs;
  size_t averaged = 0, long_shifts = 0;
  for (const auto& c : mote::tune::sample_candidates(base, f, 60, 3)) {
    for (const auto& l : c["learn"][0]["params"].value("layers", json::array())) {
      if (l["type"].get<std::string>().find("conv") != std::string::npos) convs.insert(l["type"].get<std::string>());
      averaged += l["type"] == "global_avg_pool";
    }
    const json aug = c["learn"][0]["params"].value("augment", json::object());
    const double frames = c["input"]["window_ms"].get<double>() / 1000 / c["dsp"][0]["params"].value("frame_stride_s", 0.02);
    if (aug.value("shift", 0) > 4) {
      ++long_shifts;
      EXPECT_EQ(aug["shift"].get<int>(), static_cast<int>(frames / 3)) << "a third of the window's frames: " << c.dump();
    }
  }
  EXPECT_TRUE(convs.count("conv1d") && convs.count("conv2d") && convs.count("separable_conv1d")) << convs.size();
  // Mostly an average over time before the head (a word anywhere in the window), often with long shifts.
  EXPECT_GT(averaged, 20u);
  EXPECT_GT(long_shifts, 5u);
}

TEST(TuneSpace, SeveralAxesAtKilohertzRatesAreVibrationNotAudio) {
  // CWRU: two accelerometers at 48 kHz. The audio blocks read one axis, so every audio draw failed to build
  // and the search held the project's impulse alone.
  const mote::ImpulseSpec base = mote::parse_impulse(json::parse(R"({"input": {"type": "time-series", "window_ms": 42, "stride_ms": 1,
    "frequency_hz": 48000, "axes": ["de", "fe"]}, "dsp": [{"name": "spectral", "type": "spectral", "params": {"fft_length": 256}}],
    "learn": [{"name": "nn", "type": "classifier", "dsp": ["spectral"]}]})"));
  mote::tune::DataFacts f;
  f.frequency_hz = 48000, f.median_length_ms = 100, f.axes = 2;
  const auto cands = mote::tune::sample_candidates(base, f, 40, 1);
  ASSERT_EQ(cands.size(), 40u);
  size_t built = 0, spectral = 0;
  for (const auto& c : cands) {
    EXPECT_NE(std::string("spectral flatten").find(c["dsp"][0]["type"].get<std::string>()), std::string::npos) << c.dump();
    spectral += c["dsp"][0]["type"] == "spectral";
    const mote::ImpulseSpec s = mote::parse_impulse(c);
    built += mote::Impulse(s, 2).width() > 0;
  }
  EXPECT_EQ(built, cands.size());
  EXPECT_GT(spectral, 20u);
}

TEST(TuneSearch, TiesGoToMoreWindowsRightThenTheCheaper) {
  auto cand = [](double score, double windows, double instructions, double loss) {
    return json{{"score", score}, {"rungs", {{{"window_accuracy", windows}, {"loss", loss}, {"macs", 100}}}},
                {"estimate", {{"instructions", {{"total", instructions}}}}}};
  };
  // CWRU's tie at 100 %: the cheapest had 98.1 % of windows right and missed testing samples.
  const json cheap_unsure = cand(1.0, 0.981, 74696, 0.058), sure = cand(1.0, 1.0, 244433, 0.0), sure_dearer = cand(1.0, 1.0, 608394, 0.0);
  EXPECT_TRUE(mote::tune::ranks_before(sure, cheap_unsure));
  EXPECT_FALSE(mote::tune::ranks_before(cheap_unsure, sure));
  EXPECT_TRUE(mote::tune::ranks_before(sure, sure_dearer)) << "same points: the cheaper";
  EXPECT_TRUE(mote::tune::ranks_before(cand(1.0, 0.9951, 1000, 0.5), cand(1.0, 0.9999, 2000, 0.1))) << "within a point: the cheaper";
  EXPECT_TRUE(mote::tune::ranks_before(cand(0.99, 0.90, 9e9, 1), cand(0.98, 1.0, 1, 0))) << "the score first";
}

TEST(TuneCandidate, ThinWindowsKeepsEverySampleAndSpreadsWithinIt) {
  mote::FeatureTable t;
  t.width = 1;
  for (int s = 0; s < 3; ++s)  // samples of 100, 10 and 1 windows; the value is the window's index in its sample
    for (int i = 0; i < (s == 0 ? 100 : s == 1 ? 10 : 1); ++i)
      t.rows.push_back({s, "a", mote::Category::Training, i * 1.0}), t.data.push_back(static_cast<float>(i));
  EXPECT_EQ(mote::tune::thin_windows(t, 1000).rows.size(), 111u) << "under the cap: unchanged";
  const mote::FeatureTable th = mote::tune::thin_windows(t, 20);
  std::map<int64_t, std::vector<float>> kept;
  for (size_t i = 0; i < th.rows.size(); ++i) kept[th.rows[i].sample_id].push_back(th.data[i]);
  ASSERT_EQ(kept.size(), 3u) << "every sample keeps a window";
  EXPECT_LE(th.rows.size(), 21u);
  EXPECT_EQ(kept[0].size(), 18u);  // floor(100 * 20 / 111)
  EXPECT_EQ(kept[0].front(), 2.0f);  // the middle of the first of 18 stretches
  EXPECT_GT(kept[0].back(), 90.0f);  // ... and of the last: spread over the whole sample
  EXPECT_EQ(kept[2], std::vector<float>{0.0f});
}

TEST(Tune, SameSeedSameTableAndNothingOfferedOverBudget) {
  if (!mote::deploy::missing_m4_tools().empty()) GTEST_SKIP() << "no Cortex-M4 toolchain/QEMU: " << mote::deploy::missing_m4_tools();
  mote::test::TempDir dir;
  const std::string a = make_demo(dir, "a"), b = make_demo(dir, "b");
  // A tight RAM budget (2600 B): the demo's own impulse needs about 2.7 kB, so it must not be offered; candidates
  // estimated over it are never trained.
  const std::string args = "--candidates 4 --finalists 2 --seed 3 --ram 2600 --time 10m";
  const json ra = tune_json(a, args), rb = tune_json(b, args);
  ASSERT_TRUE(ra.contains("candidates") && rb.contains("candidates"));
  EXPECT_EQ(scores(ra), scores(rb));
  EXPECT_GE(scores(ra).size(), 4u);
  for (const auto& c : ra["over_budget_estimated"]) EXPECT_TRUE(c["estimate"].contains("over_budget")) << c.dump();
  size_t measured = 0;
  for (const auto& c : ra["candidates"]) {
    EXPECT_GE(c["rungs"].size(), 1u);
    // At full epochs every fold is trained: each training window is scored once, by a model that never saw it.
    const json& last = c["rungs"].back();
    if (last.value("epochs", 0) == 9 && last.contains("score"))
      EXPECT_EQ(last["validation_windows_scored"].get<size_t>(), last["windows"].get<size_t>()) << last.dump();
    if (c["index"] != 0) EXPECT_LE(c["estimate"]["ram_bytes"].get<double>(), 2600) << "trained although estimated over budget";
    if (!c.contains("profile")) continue;
    ++measured;
    EXPECT_TRUE(c["profile"]["parity_ok"].get<bool>());
    EXPECT_EQ(c["fits"].get<bool>(), c["profile"]["ram_bytes"].get<double>() <= 2600 && c["profile"]["flash_bytes"].get<double>() <= 262144 &&
                                         c["latency_ms"].get<double>() <= 100);
    if (c["index"] == 0) EXPECT_FALSE(c["fits"].get<bool>()) << "the demo impulse needs more than 2600 B of RAM";
    // The estimator's bounds on what is measured (issue 16): 5 % RAM and flash, 10 % instructions. Tree
    // ensembles are measured but not estimated yet, and say so.
    if (c.contains("estimate_note")) {
      EXPECT_FALSE(c.contains("estimate_error"));
      continue;
    }
    EXPECT_LE(std::fabs(c["estimate_error"]["ram"].get<double>()), 0.05) << c.dump();
    EXPECT_LE(std::fabs(c["estimate_error"]["flash"].get<double>()), 0.05) << c.dump();
    EXPECT_LE(std::fabs(c["estimate_error"]["instructions"].get<double>()), 0.10) << c.dump();
  }
  EXPECT_GE(measured, 2u);  // the two best finalists (the project's impulse is always one of those measured)
  // Offered means fits: --apply refuses the rest, --show lists the stored run again.
  auto r = run_mote("-C " + a + " tune --apply 0");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("does not fit the run's budget"), std::string::npos) << r.err;
  const json shown = tune_json(a, "--show");
  EXPECT_EQ(scores(shown), scores(ra));
  EXPECT_TRUE(fs::exists(fs::path(a) / "out" / "tune-latency.svg"));
}

TEST(Tune, GroupByHoldsWholeGroupsOutAndSigintKeepsFinishedCandidates) {
  mote::test::TempDir dir;
  const std::string proj = make_demo(dir, "demo");
  auto bad = run_mote("-C " + proj + " tune --group-by '(' --candidates 2");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--group-by"), std::string::npos) << bad.err;
  bad = run_mote("-C " + proj + " tune --group-by 'nomatch_(\\d)' --candidates 2");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("matches no training sample"), std::string::npos) << bad.err;

  // SIGINT while candidates train: the run stops launching more, keeps what finished, and lists them.
  const std::string out = (dir / "tune.out").string();
  const fs::path script = dir / "interrupt.sh";
  mote::test::write_text(script, "'" + std::string(MOTE_BINARY) + "' -C '" + proj + "' tune --time 10m --group-by '(\\d)$' --finalists 0 > '" + out +
                                     "' 2>&1 &\npid=$!\nfor i in $(seq 1 900); do\n  n=$(grep -c ' epochs ' '" + out +
                                     "' 2>/dev/null)\n  [ \"${n:-0}\" -ge 3 ] && break\n  sleep 0.2\ndone\nkill -INT $pid\nwait $pid\n");
  const int rc = std::system(("sh '" + script.string() + "'").c_str());
  EXPECT_EQ(rc, 0);
  const json shown = tune_json(proj, "--show");
  ASSERT_TRUE(shown.contains("summary"));
  EXPECT_TRUE(shown["summary"]["interrupted"].get<bool>());
  EXPECT_GE(scores(shown).size(), 3u);
  EXPECT_LT(shown["summary"]["evaluations"].get<size_t>(), 40u);
  for (const auto& c : shown["candidates"])
    for (const auto& rung : c["rungs"])
      if (rung.contains("groups")) EXPECT_EQ(rung["groups"].get<int>(), 10) << "the demo's names end in one digit: 10 groups";
}

TEST(Tune, AnomalyOnlyImpulsesAreRankedByRocAucOnUnseenLabels) {
  if (!mote::deploy::missing_m4_tools().empty()) GTEST_SKIP() << "no Cortex-M4 toolchain/QEMU: " << mote::deploy::missing_m4_tools();
  mote::test::TempDir dir;
  const std::string proj = make_demo(dir, "anomaly");
  // The demo without its classifier: k-means alone; its testing set holds samples of labels never trained on.
  json impulse = json::parse(mote::test::read_text(fs::path(proj) / "mote.json"))["impulse"];
  json learn = json::array();
  for (const auto& b : impulse["learn"])
    if (b["type"] == "kmeans") learn.push_back(b);
  ASSERT_EQ(learn.size(), 1u);
  impulse["learn"] = learn;
  mote::test::write_text(dir / "kmeans-only.json", impulse.dump());
  ASSERT_EQ(run_mote("-C " + proj + " impulse set " + (dir / "kmeans-only.json").string()).exit_code, 0);
  const json run = tune_json(proj, "--candidates 4 --finalists 1 --seed 2");
  ASSERT_TRUE(run.contains("candidates"));
  EXPECT_EQ(run["summary"]["rungs"], json::array({1})) << "no epochs to halve over";
  size_t scored = 0, measured = 0;
  std::set<int> sizes;
  for (const auto& c : run["candidates"]) {
    ASSERT_EQ(c["rungs"].size(), 1u) << c.dump();
    const json& a = c["rungs"][0]["anomaly"];
    ASSERT_TRUE(a.contains("roc_auc")) << a.dump();
    EXPECT_GT(a["anomalous_windows"].get<size_t>(), 0u);
    EXPECT_GE(a["roc_auc"].get<double>(), 0.0);
    EXPECT_LE(a["roc_auc"].get<double>(), 1.0);
    EXPECT_DOUBLE_EQ(c["score"].get<double>(), a["roc_auc"].get<double>());
    EXPECT_LE(a["holdout_false_positive_rate"].get<double>(), 0.01 + 1e-9) << "the stated rate bounds the held-out one";
    for (const auto& b : c["impulse"]["learn"])
      if (b["params"].contains("clusters")) sizes.insert(b["params"]["clusters"].get<int>());
    ++scored;
    if (c.contains("profile")) {
      ++measured;
      EXPECT_TRUE(c["profile"]["parity_ok"].get<bool>());
    }
  }
  EXPECT_EQ(scored, 4u);
  EXPECT_GE(measured, 1u);
  EXPECT_GE(sizes.size(), 2u) << "the search varies the number of clusters";
}
