// The generated glue of the audio blocks (mfcc with a Hamming window and lifter, mfe, spectrogram in dB):
// their framing, mel filterbank, DCT and lifter tables are printed at codegen time from the host's own
// tables; compiled with the host compiler against the embedded runtime and run on random windows, the
// features must equal the host adapters' bit for bit (the Cortex-M4 side: tests/datasets/fsdd_profile_test).
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "deploy/impulse_codegen.h"
#include "deploy/runtime_files.h"
#include "glue_host.h"
#include "support/test_support.h"

namespace {

TEST(AudioGlue, MfccMfeAndSpectrogramMatchTheHostBitForBit) {
  const nlohmann::json j = {
      {"input", {{"type", "time-series"}, {"window_ms", 300}, {"stride_ms", 100}, {"frequency_hz", 8000}, {"axes", {"audio"}}}},
      {"dsp",
       {{{"name", "mfcc"}, {"type", "mfcc"},
         {"params", {{"num_cepstral", 13}, {"num_filters", 32}, {"frame_length_s", 0.02}, {"frame_stride_s", 0.02}}}},
        {{"name", "mfe"}, {"type", "mfe"}, {"params", {{"num_filters", 20}, {"window", "none"}}}},
        {{"name", "spec"}, {"type", "spectrogram"}, {"params", {{"scale", "db"}, {"frame_length_s", 0.016}, {"fft_length", 128}}}}}},
      {"learn", nlohmann::json::array()}};
  mote::deploy::DeployableImpulse d;
  d.impulse = std::make_unique<mote::Impulse>(mote::parse_impulse(j), 1);
  const auto g = mote::deploy::generate_impulse(d);
  const std::string& glue = g.files.at("mote_impulse.cpp");
  EXPECT_NE(glue.find("mote::dsp::mfcc_f32("), std::string::npos);
  EXPECT_NE(glue.find("b0_mel_weights"), std::string::npos) << "the mel filterbank is a const table, not computed on the device";
  EXPECT_NE(glue.find("b0_dct["), std::string::npos);
  EXPECT_NE(glue.find("b0_lifter["), std::string::npos);
  EXPECT_NE(glue.find("mote::dsp::mfe_f32("), std::string::npos);
  EXPECT_NE(glue.find("mote::dsp::DB_SCALE_DECIBELS"), std::string::npos);

  mote::test::TempDir dir;
  mote::test::write_glue(dir, g);

  // Speech-like windows: a few tones plus noise, one of them silent (the log floor path).
  std::mt19937 rng(11);
  std::normal_distribution<float> nd(0.0f, 0.05f);
  const int windows = 3;
  const size_t values = 2400;
  std::vector<float> data(windows * values, 0.0f);
  for (int w = 1; w < windows; ++w)
    for (size_t i = 0; i < values; ++i)
      data[w * values + i] = 0.3f * std::sin(0.11f * w * i) + 0.2f * std::sin(0.9f * i) + nd(rng);
  std::string main = "#include <stdio.h>\n#include <string.h>\n#include \"mote/impulse.h\"\nstatic const float kData[] = {" +
                     mote::deploy::float_list(data.data(), data.size()) +
                     "};\nstatic int rd(size_t o, size_t n, float* out, void* c) { memcpy(out, static_cast<const float*>(c) + o, n * 4); return 0; }\n"
                     "int main() {\n  for (int w = 0; w < " + std::to_string(windows) + "; ++w) {\n"
                     "    mote::Signal s = {" + std::to_string(values) + ", rd, const_cast<float*>(kData + w * " + std::to_string(values) + ")};\n"
                     "    mote::Result r;\n    if (mote::run_impulse(s, &r) != mote::MOTE_OK) return 1;\n"
                     "    for (size_t i = 0; i < r.feature_count; ++i) { unsigned b; memcpy(&b, r.features + i, 4); printf(\"%u \", b); }\n"
                     "    printf(\"\\n\");\n  }\n  return 0;\n}\n";
  const std::string printed = mote::test::build_and_run_glue(dir, main);

  std::string expected;
  for (int w = 0; w < windows; ++w) {
    auto r = mote::deploy::run_host(d, data.data() + w * values);
    ASSERT_EQ(r.features.size(), d.impulse->width());
    for (float f : r.features) {
      unsigned b;
      std::memcpy(&b, &f, 4);
      expected += std::to_string(b) + " ";
    }
    expected += "\n";
  }
  EXPECT_EQ(printed, expected);
}

// A single audio block streams: the glue has no window buffer (each frame and the sample before it are read
// through get_data into the block's scratch) and its features, from run_impulse and from the continuous mode
// over a stream, equal the host's bit for bit (on the Cortex-M0/M4: tests/datasets/fsdd_profile_test).
TEST(AudioGlue, ASingleAudioBlockStreamsWithoutAWindowBufferAndMatchesTheHost) {
  const nlohmann::json blocks[] = {
      {{"name", "mfcc"}, {"type", "mfcc"},
       {"params", {{"num_cepstral", 13}, {"num_filters", 32}, {"frame_length_s", 0.025}, {"frame_stride_s", 0.01}}}},
      {{"name", "mfe"}, {"type", "mfe"}, {"params", {{"num_filters", 20}, {"window", "none"}}}},
      {{"name", "spec"}, {"type", "spectrogram"}, {"params", {{"scale", "db"}, {"frame_length_s", 0.025}, {"frame_stride_s", 0.013}, {"fft_length", 256}}}}};
  for (const auto& block : blocks) {
    SCOPED_TRACE(block["type"].get<std::string>());
    const nlohmann::json j = {
        {"input", {{"type", "time-series"}, {"window_ms", 300}, {"stride_ms", 100}, {"frequency_hz", 8000}, {"axes", {"audio"}}}},
        {"dsp", {block}},
        {"learn", nlohmann::json::array()}};
    mote::deploy::DeployableImpulse d;
    d.impulse = std::make_unique<mote::Impulse>(mote::parse_impulse(j), 1);
    ASSERT_TRUE(d.impulse->streams_window());
    const auto g = mote::deploy::generate_impulse(d);
    const std::string& glue = g.files.at("mote_impulse.cpp");
    EXPECT_EQ(glue.find("g_window"), std::string::npos) << "no window buffer";
    EXPECT_NE(glue.find("_stream_f32(b0_cfg, src, 2400,"), std::string::npos);
    EXPECT_NE(glue.find(", 0, run_dsp_signal, 0, g_features,"), std::string::npos);
    const size_t values = 2400;
    // The block's scratch (one frame and the sample before it, its FFT) and the features: no window.
    EXPECT_EQ(g.glue_ram_bytes, (d.impulse->blocks()[0]->stream_scratch_bytes() + 7) / 8 * 8 + d.impulse->width() * 4);
    EXPECT_LT(d.impulse->blocks()[0]->stream_scratch_bytes(), d.impulse->blocks()[0]->scratch_bytes() + 1024);

    mote::test::TempDir dir;
    mote::test::write_glue(dir, g);
    // Two windows, then a stream of 1.25 windows fed to the continuous mode in quarter-window slices.
    std::mt19937 rng(5);
    std::normal_distribution<float> nd(0.0f, 0.05f);
    const size_t stream = values + values / 4;
    std::vector<float> data(2 * values + stream);
    for (size_t i = 0; i < data.size(); ++i) data[i] = 0.3f * std::sin(0.013f * i) * std::sin(0.7f * i) + nd(rng);
    const std::string n = std::to_string(values);
    std::string main = "#include <stdio.h>\n#include <string.h>\n#include \"mote/impulse.h\"\nstatic const float kData[] = {" +
                       mote::deploy::float_list(data.data(), data.size()) +
                       "};\nstatic int rd(size_t o, size_t n, float* out, void* c) { memcpy(out, static_cast<const float*>(c) + o, n * 4); return 0; }\n"
                       "static void print(const mote::Result& r) {\n"
                       "  for (size_t i = 0; i < r.feature_count; ++i) { unsigned b; memcpy(&b, r.features + i, 4); printf(\"%u \", b); }\n"
                       "  printf(\"\\n\");\n}\n"
                       "int main() {\n  if (mote::kImpulse.window || !mote::kImpulse.dsp_signal) return 2;\n"
                       "  for (int w = 0; w < 2; ++w) {\n"
                       "    mote::Signal s = {" + n + ", rd, const_cast<float*>(kData + w * " + n + ")};\n"
                       "    mote::Result r;\n    if (mote::run_impulse(s, &r) != mote::MOTE_OK) return 1;\n    print(r);\n  }\n"
                       "  for (int k = 0; k < 5; ++k) {\n"
                       "    mote::Signal s = {" + std::to_string(values / 4) + ", rd, const_cast<float*>(kData + 2 * " + n + " + k * " +
                       std::to_string(values / 4) + ")};\n"
                       "    mote::Result r;\n    if (mote::run_impulse_continuous(s, &r, k == 0) != mote::MOTE_OK) return 1;\n"
                       "    if (r.ready != (k >= 3)) return 3;\n    if (r.ready) print(r);\n  }\n  return 0;\n}\n";
    const std::string printed = mote::test::build_and_run_glue(dir, main);

    std::string expected;
    for (const size_t at : {size_t{0}, values, 2 * values, 2 * values + values / 4}) {
      auto r = mote::deploy::run_host(d, data.data() + at);
      for (float f : r.features) {
        unsigned b;
        std::memcpy(&b, &f, 4);
        expected += std::to_string(b) + " ";
      }
      expected += "\n";
    }
    EXPECT_EQ(printed, expected);
  }
}

}  // namespace
