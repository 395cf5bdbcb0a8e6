// runtime/dsp/mfcc against tests/ref/mfcc.py (numpy/scipy), on synthetic signals and real FSDD speech.
#include "dsp/mfcc.h"

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
  static const json ref = [] {
    test::TempDir dir;
    if (test::run_reference("mfcc.py", dir.path().string()) != 0) return json();
    return json::parse(test::read_text(dir / "mfcc.json"));
  }();
  return ref;
}

// The block's config plus the tables it points at.
struct Block {
  RfftTableData fft;
  MelFilterbankTable mel;
  std::vector<float> window, dct, lifter;
  dsp::MfccConfig cfg{};

  explicit Block(const json& c)
      : fft(make_rfft_tables(c["fft_length"].get<uint32_t>())),
        mel(build_mel_filterbank(c["num_filters"], c["fft_length"], c["sample_rate_hz"], c["low_hz"], c["high_hz"])),
        dct(build_dct2_ortho(c["num_cepstral"], c["num_filters"])),
        lifter(build_lifter(c["num_cepstral"], c["cep_lifter"])) {
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
    cfg.num_cepstral = c["num_cepstral"].get<uint16_t>();
    cfg.dct = dct.data();
    cfg.lifter = lifter.empty() ? nullptr : lifter.data();
    cfg.mean_normalize = c["mean_normalize"].get<bool>();
  }

  Status run(const std::vector<float>& in, std::vector<float>* out) const {
    out->assign(dsp::mfcc_output_len(cfg, in.size()), 0.0f);
    std::vector<float> scratch(dsp::mfcc_scratch_bytes(cfg) / sizeof(float));
    return dsp::mfcc_f32(cfg, in.data(), in.size(), out->data(), out->size(), scratch.data(),
                         scratch.size() * sizeof(float));
  }
};

// Runs every reference case whose name does (fsdd) or does not start with "fsdd-".
void check_cases(bool fsdd) {
  const json& ref = reference();
  ASSERT_TRUE(ref.contains("cases")) << "tests/ref/mfcc.py failed";
  int checked = 0;
  for (const json& c : ref["cases"]) {
    const std::string name = c["name"];
    if ((name.rfind("fsdd-", 0) == 0) != fsdd) continue;
    SCOPED_TRACE(name);
    Block b(c);
    std::vector<float> in = c["input"].get<std::vector<float>>(), out;
    std::vector<double> want = c["expected"].get<std::vector<double>>();
    ASSERT_EQ(want.size(), c["frames"].get<size_t>() * c["num_cepstral"].get<size_t>());
    ASSERT_EQ(b.run(in, &out), MOTE_OK);
    ASSERT_EQ(out.size(), want.size());
    double worst = 0;
    size_t at = 0;
    for (size_t i = 0; i < out.size(); ++i) {
      double err = std::fabs(out[i] - want[i]) / std::max(1.0, std::fabs(want[i]));
      if (!(err <= worst)) worst = err, at = i;
    }
    EXPECT_LE(worst, 1e-4) << "element " << at << ": got " << out[at] << ", expected " << want[at];
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

json default_case() {
  return {{"sample_rate_hz", 8000}, {"frame_length_s", 0.025}, {"frame_stride_s", 0.01}, {"preemphasis", 0.97},
          {"window", "hamming"},    {"fft_length", 256},        {"num_filters", 26},      {"low_hz", 0.0},
          {"high_hz", 4000.0},      {"num_cepstral", 13},       {"cep_lifter", 22.0},     {"mean_normalize", true}};
}

}  // namespace

TEST(Mfcc, MatchesNumpyReference) { check_cases(false); }

TEST(Mfcc, MatchesNumpyOnRealSpeech) {
  if (test::dataset("fsdd").empty()) GTEST_SKIP() << "../shared/datasets/fsdd is absent: no real recording to check";
  ASSERT_TRUE(reference().value("fsdd", false)) << "tests/ref/mfcc.py did not find the FSDD recordings";
  check_cases(true);
}

TEST(Mfcc, MeanNormalisedColumnsAverageZero) {
  Block b(default_case());
  std::vector<float> in(4000), out;
  for (size_t i = 0; i < in.size(); ++i) in[i] = float(0.5 * std::sin(0.001 * double(i * i)) + 0.1);
  ASSERT_EQ(b.run(in, &out), MOTE_OK);
  const size_t frames = out.size() / 13;
  ASSERT_EQ(frames, 1u + (4000u - 200u) / 80u);
  for (size_t k = 0; k < 13; ++k) {
    double sum = 0, mag = 0;
    for (size_t f = 0; f < frames; ++f) sum += out[f * 13 + k], mag += std::fabs(out[f * 13 + k]);
    EXPECT_LE(std::fabs(sum), 1e-5 * std::max(1.0, mag)) << "coefficient " << k;
  }
  std::vector<float> silence(4000, 0.0f);
  ASSERT_EQ(b.run(silence, &out), MOTE_OK);
  for (float v : out) ASSERT_EQ(v, 0.0f);  // the running mean is exact on constant columns
}

TEST(Mfcc, RejectsBadArguments) {
  Block b(default_case());
  std::vector<float> in(1000, 0.1f), out(dsp::mfcc_output_len(b.cfg, 1000));
  const size_t bytes = dsp::mfcc_scratch_bytes(b.cfg);
  std::vector<float> scratch(bytes / sizeof(float));
  auto run = [&](const dsp::MfccConfig& cfg, size_t in_len, size_t out_len, size_t scratch_bytes) {
    return dsp::mfcc_f32(cfg, in.data(), in_len, out.data(), out_len, scratch.data(), scratch_bytes);
  };
  EXPECT_EQ(run(b.cfg, in.size(), out.size(), bytes), MOTE_OK);
  EXPECT_EQ(run(b.cfg, in.size(), out.size(), bytes - 4), MOTE_ERR_SCRATCH);
  EXPECT_EQ(run(b.cfg, in.size(), out.size() - 1, bytes), MOTE_ERR_SHAPE);
  EXPECT_EQ(run(b.cfg, 199, 0, bytes), MOTE_ERR_SHAPE);
  dsp::MfccConfig bad = b.cfg;
  bad.num_cepstral = 27;  // more coefficients than filters
  EXPECT_EQ(run(bad, in.size(), out.size(), bytes), MOTE_ERR_ARG);
  bad = b.cfg;
  bad.dct = nullptr;
  EXPECT_EQ(run(bad, in.size(), out.size(), bytes), MOTE_ERR_ARG);
  bad = b.cfg;
  bad.frames.preemphasis = 2.0f;
  EXPECT_EQ(run(bad, in.size(), out.size(), bytes), MOTE_ERR_ARG);
}
