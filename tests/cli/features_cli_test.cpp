// `mote impulse` and `mote features` on a fresh project with nothing configured.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "store/project.h"

#include "support/test_support.h"

using mote::test::run_mote;
using nlohmann::json;
namespace fs = std::filesystem;

TEST(CliFeatures, FreshProjectGetsSuggestedImpulseAndCachedFeatures) {
  mote::test::TempDir dir;
  fs::path proj = dir / "proj";
  std::string csv = "timestamp,accX,accY,accZ\n";
  for (int i = 0; i < 300; ++i) csv += std::to_string(i * 10) + "," + std::to_string(i % 7) + ",0.5," + std::to_string(9.8 + (i % 3) * 0.1) + "\n";
  mote::test::write_text(dir / "in/shake.a.csv", csv);
  ASSERT_EQ(run_mote("init " + proj.string()).exit_code, 0);
  ASSERT_EQ(run_mote("-C " + proj.string() + " import " + (dir / "in").string()).exit_code, 0);

  auto first = run_mote("-C " + proj.string() + " features --json --plot " + (dir / "fe.svg").string());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  json a = json::parse(first.out);
  EXPECT_EQ(a["computed"], 1);
  EXPECT_GT(a["windows"].get<int>(), 1);
  EXPECT_NE(mote::test::read_text(dir / "fe.svg").find("<svg"), std::string::npos);
  json b = json::parse(run_mote("-C " + proj.string() + " features --json").out);
  EXPECT_EQ(b["computed"], 0);
  EXPECT_EQ(b["cached"], 1);

  auto show = run_mote("-C " + proj.string() + " impulse show --json");
  ASSERT_EQ(show.exit_code, 0) << show.err;
  json imp = json::parse(show.out);
  EXPECT_EQ(imp["impulse"]["dsp"][0]["type"], "spectral");
  EXPECT_FALSE(imp["why"].empty());

  // A bad impulse is refused with the field named, and mote.json keeps the old one.
  json bad = imp["impulse"];
  bad["dsp"][0]["params"]["fft_length"] = 1000;
  mote::test::write_text(dir / "bad.json", bad.dump());
  auto set = run_mote("-C " + proj.string() + " impulse set " + (dir / "bad.json").string());
  EXPECT_EQ(set.exit_code, 1);
  EXPECT_NE(set.err.find("impulse.dsp[0].params.fft_length"), std::string::npos) << set.err;
  EXPECT_EQ(json::parse(run_mote("-C " + proj.string() + " impulse show --json").out)["impulse"], imp["impulse"]);

  json good = imp["impulse"];
  good["dsp"][0]["params"]["fft_length"] = 32;
  mote::test::write_text(dir / "good.json", good.dump());
  ASSERT_EQ(run_mote("-C " + proj.string() + " impulse set " + (dir / "good.json").string()).exit_code, 0);
  json c = json::parse(run_mote("-C " + proj.string() + " features --json").out);
  EXPECT_EQ(c["computed"], 1) << "a changed DSP block must recompute";
  EXPECT_LT(c["features_per_window"].get<int>(), a["features_per_window"].get<int>());
}

TEST(CliFeatures, FreshAudioProjectGetsMfccAndReportsDeviceCost) {
  mote::test::TempDir dir;
  fs::path proj = dir / "audio";
  {
    auto p = mote::Project::init(proj);
    for (int i = 0; i < 6; ++i) {
      mote::Sample s;
      s.interval_ms = 1000.0 / 16000;
      s.sensors = {{"audio", "wav"}};
      for (int k = 0; k < 8000 + 800 * i; ++k) s.values.push_back(static_cast<float>(0.4 * std::sin(k * (0.05 + 0.1 * (i % 2)))));
      s.label = i % 2 ? "high" : "low";
      s.name = "clip" + std::to_string(i);
      p.store().insert(s);
    }
  }
  auto show = run_mote("-C " + proj.string() + " impulse show --json");
  ASSERT_EQ(show.exit_code, 0) << show.err;
  json imp = json::parse(show.out);
  EXPECT_EQ(imp["impulse"]["dsp"][0]["type"], "mfcc");
  const json& block = imp["blocks"][0];
  EXPECT_EQ(block["type"], "mfcc");
  // Clips of 500..750 ms: 750 ms windows (the 90th percentile), 1 + (12000 - 320) / 320 = 37 frames of 13.
  EXPECT_EQ(block["shape"], json::array({37, 13}));
  EXPECT_EQ(block["features"], 37 * 13);
  EXPECT_EQ(block["output_bytes"], 37 * 13 * 4);
  EXPECT_EQ(block["scratch_bytes"], (32 + 512) * 4);  // mel + the FFT's buffer (frame in, power out)
  EXPECT_EQ(block["ram_bytes"], block["scratch_bytes"].get<int>() + block["output_bytes"].get<int>());
  EXPECT_GT(block["flash_bytes"].get<int>(), 256 * 8);  // at least the FFT twiddles

  auto text = run_mote("-C " + proj.string() + " impulse show");
  EXPECT_NE(text.out.find("-> audio, kept at 16000 Hz"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("-> MFCC"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("(37 x 13); device RAM"), std::string::npos) << text.out;

  auto first = run_mote("-C " + proj.string() + " features --json");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  json a = json::parse(first.out);
  EXPECT_EQ(a["computed"], 6);
  EXPECT_EQ(a["features_per_window"], 37 * 13);
  json b = json::parse(run_mote("-C " + proj.string() + " features --json").out);
  EXPECT_EQ(b["computed"], 0);
  EXPECT_EQ(b["cached"], 6);
}
