// runtime/dsp/spectrogram (and the audio framing it shares with mfe/mfcc) against tests/ref/spectrogram.py.
#include "dsp/spectrogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
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
    if (test::run_reference("spectrogram.py", dir.path().string()) != 0) return json();
    return json::parse(test::read_text(dir / "spectrogram.json"))["cases"];
  }();
  return cases;
}

// The block's config plus the tables it points at.
struct Block {
  RfftTableData fft;
  std::vector<float> window;
  dsp::SpectrogramConfig cfg{};

  explicit Block(const json& c) : fft(make_rfft_tables(c["fft_length"].get<uint32_t>())) {
    dsp::AudioFrameConfig& f = cfg.frames;
    f.sample_rate_hz = c["sample_rate_hz"].get<float>();
    f.frame_length_s = c["frame_length_s"].get<float>();
    f.frame_stride_s = c["frame_stride_s"].get<float>();
    f.preemphasis = c["preemphasis"].get<float>();
    if (c["window"] == "hamming")
      window = build_hamming_window(int(dsp::audio_frame_samples(f.frame_length_s, f.sample_rate_hz)));
    f.window = window.empty() ? nullptr : window.data();
    f.fft = fft.view();
    cfg.noise_floor_db = c["noise_floor_db"].get<float>();
    cfg.scale = c["scale"] == "db" ? dsp::DB_SCALE_DECIBELS : dsp::DB_SCALE_NORMALIZED;
  }
};

// Largest error relative to max(1, |reference|); its index in *at.
double worst_error(const std::vector<float>& got, const std::vector<double>& want, size_t* at) {
  double worst = 0;
  *at = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    double err = std::fabs(got[i] - want[i]) / std::max(1.0, std::fabs(want[i]));
    if (!(err <= worst)) worst = err, *at = i;
  }
  return worst;
}

}  // namespace

TEST(Spectrogram, MatchesNumpyReference) {
  const json& cases = reference();
  ASSERT_TRUE(cases.is_array() && !cases.empty()) << "tests/ref/spectrogram.py failed";
  for (const json& c : cases) {
    SCOPED_TRACE(c["name"].get<std::string>());
    Block s(c);
    std::vector<float> in = c["input"].get<std::vector<float>>();
    std::vector<double> want = c["expected"].get<std::vector<double>>();
    ASSERT_EQ(dsp::audio_frame_count(s.cfg.frames, in.size()), c["frames"].get<size_t>());
    ASSERT_EQ(dsp::spectrogram_output_len(s.cfg, in.size()), want.size());
    std::vector<float> out(want.size());
    std::vector<float> scratch(dsp::spectrogram_scratch_bytes(s.cfg) / sizeof(float));
    ASSERT_EQ(dsp::spectrogram_f32(s.cfg, in.data(), in.size(), out.data(), out.size(), scratch.data(),
                                   scratch.size() * sizeof(float)),
              MOTE_OK);
    size_t at;
    EXPECT_LE(worst_error(out, want, &at), 1e-4) << "element " << at << ": got " << out[at] << ", expected "
                                                 << want[at];
  }
}

TEST(Spectrogram, FrameSamplesRoundHalfUpInFloat) {
  EXPECT_EQ(dsp::audio_frame_samples(0.025f, 16000.0f), 400u);
  EXPECT_EQ(dsp::audio_frame_samples(0.02f, 16000.0f), 320u);
  EXPECT_EQ(dsp::audio_frame_samples(0.0625f, 8000.0f), 500u);
  EXPECT_EQ(dsp::audio_frame_samples(0.00001f, 8000.0f), 0u);  // below one sample
  dsp::AudioFrameConfig f{};
  f.sample_rate_hz = 8000;
  f.frame_length_s = 0.032f;  // 256
  f.frame_stride_s = 0.016f;  // 128
  EXPECT_EQ(dsp::audio_frame_count(f, 255), 0u);
  EXPECT_EQ(dsp::audio_frame_count(f, 256), 1u);
  EXPECT_EQ(dsp::audio_frame_count(f, 383), 1u);  // a partial last frame is dropped
  EXPECT_EQ(dsp::audio_frame_count(f, 384), 2u);
}

TEST(Spectrogram, ToneLandsInItsBin) {
  json c = {{"sample_rate_hz", 8000}, {"frame_length_s", 0.032}, {"frame_stride_s", 0.032}, {"preemphasis", 0.0},
            {"window", "none"},       {"fft_length", 256},        {"noise_floor_db", -100.0}, {"scale", "db"}};
  Block s(c);
  std::vector<float> in(512);
  for (size_t i = 0; i < in.size(); ++i) in[i] = float(std::sin(2 * M_PI * 1000.0 * double(i) / 8000.0));
  std::vector<float> out(dsp::spectrogram_output_len(s.cfg, in.size()));
  std::vector<float> scratch(dsp::spectrogram_scratch_bytes(s.cfg) / sizeof(float));
  ASSERT_EQ(out.size(), 2u * 129u);
  ASSERT_EQ(dsp::spectrogram_f32(s.cfg, in.data(), in.size(), out.data(), out.size(), scratch.data(),
                                 scratch.size() * sizeof(float)),
            MOTE_OK);
  // 1 kHz at 8 kHz / 256 points is bin 32: |X| = 128, power 128^2 / 256 = 64 -> 18.06 dB.
  EXPECT_NEAR(out[32], 10 * std::log10(64.0), 1e-4);
  EXPECT_NEAR(out[129 + 32], 10 * std::log10(64.0), 1e-4);
  EXPECT_LT(out[40], -60.0f);
}

TEST(Spectrogram, FramePowerIsTheFrameDefinitionBitForBit) {
  // audio_power_frame writes the frame straight into the FFT's buffer (and may leave the power there); the
  // bits must be those of the plain definition: the frame built in a buffer (pre-emphasis, window, zero
  // padding or truncation), rfft_power_f32, then / n. Odd and even frame lengths, frames shorter and longer
  // than the FFT, the first frame (no predecessor sample) and later ones, with and without window.
  std::vector<float> signal(3000);
  for (size_t i = 0; i < signal.size(); ++i)
    signal[i] = static_cast<float>(0.4 * std::sin(0.031 * double(i)) + 0.2 * std::sin(1.37 * double(i * i % 1013)));
  for (uint32_t n : {16u, 64u, 256u, 512u})
    for (float len_s : {0.0125f, 0.02f, 0.02125f, 0.0011f, 0.07f})
      for (float pre : {0.0f, 0.98f, -0.5f})
        for (int win = 0; win < 2; ++win) {
          RfftTableData fft = make_rfft_tables(n);
          dsp::AudioFrameConfig f{8000.0f, len_s, 0.01f, pre, nullptr, fft.view()};
          const size_t len = dsp::audio_frame_samples(len_s, 8000.0f), take = std::min<size_t>(len, n);
          std::vector<float> window = build_hamming_window(int(len));
          if (win) f.window = window.data();
          SCOPED_TRACE("n " + std::to_string(n) + " frame " + std::to_string(len) + " pre " + std::to_string(pre) +
                       " window " + std::to_string(win));
          const size_t frames = dsp::audio_frame_count(f, signal.size());
          ASSERT_GT(frames, 2u);
          for (size_t fr : {size_t(0), size_t(1), frames - 1}) {
            const size_t start = fr * dsp::audio_frame_samples(0.01f, 8000.0f);
            std::vector<float> frame(n, 0.0f), want(n / 2 + 1), scratch(n);
            for (size_t i = 0; i < take; ++i) {
              const size_t s = start + i;
              frame[i] = s == 0 || pre == 0.0f ? signal[s] : signal[s] - pre * signal[s - 1];
              if (win) frame[i] = frame[i] * window[i];
            }
            ASSERT_EQ(dsp::rfft_power_f32(f.fft, frame.data(), want.data(), scratch.data(), n * 4), MOTE_OK);
            for (auto& v : want) v *= 1.0f / static_cast<float>(n);
            std::vector<float> buf(dsp::audio_power_scratch_bytes(f) / sizeof(float), -1.0f);
            ASSERT_EQ(buf.size(), n);
            ASSERT_EQ(dsp::audio_power_frame(f, signal.data(), fr, buf.data(), buf.data(), n * 4), MOTE_OK);
            EXPECT_EQ(0, std::memcmp(buf.data(), want.data(), want.size() * sizeof(float))) << "frame " << fr;
          }
        }
}

TEST(Spectrogram, PowerToDbInPlaceIsPowerToDbBitForBit) {
  // power_to_db_inplace (the blocks' loop) against power_to_db, value by value, on both scales: powers over
  // the whole float range, below the 1e-30 floor, zero, infinite and NaN.
  std::vector<float> in;
  for (uint32_t u = 0; u < 0x7f800000u; u += 32749u) {
    float v;
    std::memcpy(&v, &u, sizeof v);
    in.push_back(v);
  }
  for (float v : {0.0f, -1.0f, 1e-30f, 1e-31f, 1.0f, 3.4e38f, INFINITY, NAN}) in.push_back(v);
  for (dsp::DbScale scale : {dsp::DB_SCALE_DECIBELS, dsp::DB_SCALE_NORMALIZED})
    for (float floor_db : {-52.0f, -100.0f, 6.0f}) {
      std::vector<float> out = in;
      dsp::power_to_db_inplace(out.data(), out.size(), floor_db, scale);
      for (size_t i = 0; i < in.size(); ++i) {
        const float want = dsp::power_to_db(in[i], floor_db, scale);
        ASSERT_EQ(0, std::memcmp(&out[i], &want, sizeof want)) << in[i] << " scale " << int(scale) << " floor " << floor_db;
      }
    }
}

TEST(Spectrogram, RejectsBadArguments) {
  json c = {{"sample_rate_hz", 8000}, {"frame_length_s", 0.032}, {"frame_stride_s", 0.016}, {"preemphasis", 0.98},
            {"window", "hamming"},    {"fft_length", 256},        {"noise_floor_db", -52.0},  {"scale", "normalized"}};
  Block s(c);
  std::vector<float> in(1000, 0.25f), out(dsp::spectrogram_output_len(s.cfg, 1000));
  const size_t bytes = dsp::spectrogram_scratch_bytes(s.cfg);
  std::vector<float> scratch(bytes / sizeof(float));
  auto run = [&](const dsp::SpectrogramConfig& cfg, size_t in_len, size_t out_len, size_t scratch_bytes) {
    return dsp::spectrogram_f32(cfg, in.data(), in_len, out.data(), out_len, scratch.data(), scratch_bytes);
  };
  EXPECT_EQ(run(s.cfg, in.size(), out.size(), bytes), MOTE_OK);
  EXPECT_EQ(run(s.cfg, in.size(), out.size(), bytes - 4), MOTE_ERR_SCRATCH);
  EXPECT_EQ(run(s.cfg, in.size(), out.size() - 1, bytes), MOTE_ERR_SHAPE);
  EXPECT_EQ(run(s.cfg, 200, 0, bytes), MOTE_ERR_SHAPE);  // shorter than one frame
  dsp::SpectrogramConfig bad = s.cfg;
  bad.noise_floor_db = 12.0f;  // the normalised scale divides by 12 - floor
  EXPECT_EQ(run(bad, in.size(), out.size(), bytes), MOTE_ERR_ARG);
  bad = s.cfg;
  bad.scale = static_cast<dsp::DbScale>(5);  // no such scale (an 8-bit enum: loading it is defined)
  EXPECT_EQ(run(bad, in.size(), out.size(), bytes), MOTE_ERR_ARG);
  bad = s.cfg;
  bad.frames.fft.n = 100;
  EXPECT_EQ(run(bad, in.size(), out.size(), bytes), MOTE_ERR_ARG);
  bad = s.cfg;
  bad.frames.frame_stride_s = 0.0f;
  EXPECT_EQ(run(bad, in.size(), out.size(), bytes), MOTE_ERR_ARG);
  bad = s.cfg;
  bad.frames.fft.bitrev = nullptr;  // the tables are checked once, not per frame
  EXPECT_EQ(run(bad, in.size(), out.size(), bytes), MOTE_ERR_ARG);
  EXPECT_EQ(dsp::spectrogram_f32(s.cfg, nullptr, in.size(), out.data(), out.size(), scratch.data(), bytes),
            MOTE_ERR_ARG);
}

TEST(Spectrogram, RealSpeechIsAmongTheCheckedCases) {
  if (test::dataset("fsdd").empty()) GTEST_SKIP() << "../shared/datasets/fsdd is absent: no real recording to check";
  size_t real = 0;
  for (const json& c : reference()) real += c["name"].get<std::string>().rfind("fsdd-", 0) == 0;
  EXPECT_GE(real, 4u) << "tests/ref/spectrogram.py did not add the FSDD recordings (checked by MatchesNumpyReference)";
}
