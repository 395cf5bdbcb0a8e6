// runtime/dsp/mfe against tests/ref/mfe.py (numpy mel filterbank over the numpy power spectrum).
#include "dsp/mfe.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "impulse/dsp_tables.h"
#include "impulse/dsp_tables_audio.h"
#include "support/test_support.h"

using nlohmann::json;
using namespace mote;

namespace {

const json& reference() {
  static const json cases = [] {
    test::TempDir dir;
    if (test::run_reference("mfe.py", dir.path().string()) != 0) return json();
    return json::parse(test::read_text(dir / "mfe.json"))["cases"];
  }();
  return cases;
}

// The block's config plus the tables it points at.
struct Block {
  RfftTableData fft;
  MelFilterbankTable mel;
  std::vector<float> window;
  dsp::MfeConfig cfg{};

  explicit Block(const json& c)
      : fft(make_rfft_tables(c["fft_length"].get<uint32_t>())),
        mel(build_mel_filterbank(c["num_filters"], c["fft_length"], c["sample_rate_hz"], c["low_hz"], c["high_hz"])) {
    dsp::AudioFrameConfig& f = cfg.frames;
    f.sample_rate_hz = c["sample_rate_hz"].get<float>();
    f.frame_length_s = c["frame_length_s"].get<float>();
    f.frame_stride_s = c["frame_stride_s"].get<float>();
    f.preemphasis = c["preemphasis"].get<float>();
    if (c["window"] == "hamming")
      window = build_hamming_window(int(dsp::audio_frame_samples(f.frame_length_s, f.sample_rate_hz)));
    f.window = window.empty() ? nullptr : window.data();
    f.fft = fft.view();
    cfg.mel = mel.view();
    cfg.noise_floor_db = c["noise_floor_db"].get<float>();
    cfg.scale = c["scale"] == "db" ? dsp::DB_SCALE_DECIBELS : dsp::DB_SCALE_NORMALIZED;
  }
};

double worst_error(const std::vector<float>& got, const std::vector<double>& want, size_t* at) {
  double worst = 0;
  *at = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    double err = std::fabs(got[i] - want[i]) / std::max(1.0, std::fabs(want[i]));
    if (!(err <= worst)) worst = err, *at = i;
  }
  return worst;
}

json default_case() {
  return {{"sample_rate_hz", 8000}, {"frame_length_s", 0.02}, {"frame_stride_s", 0.01}, {"preemphasis", 0.98},
          {"window", "none"},       {"fft_length", 256},       {"num_filters", 40},      {"low_hz", 300.0},
          {"high_hz", 4000.0},      {"noise_floor_db", -52.0}, {"scale", "normalized"}};
}

}  // namespace

TEST(Mfe, MatchesNumpyReference) {
  const json& cases = reference();
  ASSERT_TRUE(cases.is_array() && !cases.empty()) << "tests/ref/mfe.py failed";
  for (const json& c : cases) {
    SCOPED_TRACE(c["name"].get<std::string>());
    Block b(c);
    std::vector<float> in = c["input"].get<std::vector<float>>();
    std::vector<double> want = c["expected"].get<std::vector<double>>();
    ASSERT_EQ(dsp::mfe_output_len(b.cfg, in.size()), want.size());
    ASSERT_EQ(want.size(), c["frames"].get<size_t>() * c["num_filters"].get<size_t>());
    std::vector<float> out(want.size());
    std::vector<float> scratch(dsp::mfe_scratch_bytes(b.cfg) / sizeof(float));
    ASSERT_EQ(dsp::mfe_f32(b.cfg, in.data(), in.size(), out.data(), out.size(), scratch.data(),
                           scratch.size() * sizeof(float)),
              MOTE_OK);
    size_t at;
    EXPECT_LE(worst_error(out, want, &at), 1e-4) << "element " << at << ": got " << out[at] << ", expected "
                                                 << want[at];
  }
}

TEST(Mfe, SilenceSitsOnTheNoiseFloor) {
  Block b(default_case());
  std::vector<float> in(800, 0.0f), out(dsp::mfe_output_len(b.cfg, 800));
  std::vector<float> scratch(dsp::mfe_scratch_bytes(b.cfg) / sizeof(float));
  ASSERT_EQ(out.size(), 9u * 40u);  // 1 + (800 - 160) / 80 frames
  ASSERT_EQ(dsp::mfe_f32(b.cfg, in.data(), in.size(), out.data(), out.size(), scratch.data(),
                         scratch.size() * sizeof(float)),
            MOTE_OK);
  for (float v : out) ASSERT_EQ(v, 0.0f);
  b.cfg.scale = dsp::DB_SCALE_DECIBELS;
  ASSERT_EQ(dsp::mfe_f32(b.cfg, in.data(), in.size(), out.data(), out.size(), scratch.data(),
                         scratch.size() * sizeof(float)),
            MOTE_OK);
  for (float v : out) ASSERT_EQ(v, -52.0f);
}

TEST(Mfe, RejectsBadArguments) {
  Block b(default_case());
  std::vector<float> in(800, 0.1f), out(dsp::mfe_output_len(b.cfg, 800));
  const size_t bytes = dsp::mfe_scratch_bytes(b.cfg);
  std::vector<float> scratch(bytes / sizeof(float));
  auto run = [&](const dsp::MfeConfig& cfg, size_t out_len, size_t scratch_bytes) {
    return dsp::mfe_f32(cfg, in.data(), in.size(), out.data(), out_len, scratch.data(), scratch_bytes);
  };
  EXPECT_EQ(run(b.cfg, out.size(), bytes), MOTE_OK);
  EXPECT_EQ(run(b.cfg, out.size(), bytes - 4), MOTE_ERR_SCRATCH);
  EXPECT_EQ(run(b.cfg, out.size() + 40, bytes), MOTE_ERR_SHAPE);
  dsp::MfeConfig bad = b.cfg;
  bad.mel.num_bins = 257;  // a filterbank made for a 512-point FFT
  EXPECT_EQ(run(bad, out.size(), bytes), MOTE_ERR_ARG);
  std::vector<uint16_t> first(b.mel.first_bin);
  first.back() = 128;  // the last filter would run past bin 128
  bad = b.cfg;
  bad.mel.first_bin = first.data();
  EXPECT_EQ(run(bad, out.size(), bytes), MOTE_ERR_ARG);
  bad = b.cfg;
  bad.mel.weights = nullptr;
  EXPECT_EQ(run(bad, out.size(), bytes), MOTE_ERR_ARG);
}

TEST(Mfe, RealSpeechIsAmongTheCheckedCases) {
  if (test::dataset("fsdd").empty()) GTEST_SKIP() << "../shared/datasets/fsdd is absent: no real recording to check";
  size_t real = 0;
  for (const json& c : reference()) real += c["name"].get<std::string>().rfind("fsdd-", 0) == 0;
  EXPECT_GE(real, 4u) << "tests/ref/mfe.py did not add the FSDD recordings (checked by MatchesNumpyReference)";
}
