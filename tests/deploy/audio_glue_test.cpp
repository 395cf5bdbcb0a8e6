// The generated glue of the audio blocks (mfcc with a Hamming window and lifter, mfe, spectrogram in dB):
// their framing, mel filterbank, DCT and lifter tables are printed at codegen time from the host's own
// tables; compiled with the host compiler against the embedded runtime and run on random windows, the
// features must equal the host adapters' bit for bit (the Cortex-M4 side: tests/datasets/fsdd_profile_test).
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "deploy/impulse_codegen.h"
#include "deploy/runtime_files.h"
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
  for (size_t i = 0; i < mote::deploy::kRuntimeFileCount; ++i) {
    const std::string p = mote::deploy::kRuntimeFiles[i].path;
    for (const auto& f : g.runtime_folders)
      if (p.rfind(f, 0) == 0) mote::test::write_text(dir / "mote" / p, mote::deploy::kRuntimeFiles[i].text);
  }
  for (const auto& [name, text] : g.files) mote::test::write_text(dir / "impulse" / name, text);

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
  mote::test::write_text(dir / "main.cpp", main);
  const std::string d_ = dir.path().string();
  ASSERT_EQ(std::system(("g++ -std=c++11 -O2 -ffp-contract=off -Wall -Werror -I" + d_ + "/mote/include -I" + d_ + "/mote -I" + d_ +
                         "/impulse " + d_ + "/main.cpp $(find " + d_ + "/mote " + d_ + "/impulse -name '*.cpp') -o " + d_ + "/glue")
                            .c_str()),
            0);
  ASSERT_EQ(std::system((d_ + "/glue > " + d_ + "/out.txt").c_str()), 0);

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
  EXPECT_EQ(mote::test::read_text(dir / "out.txt"), expected);
}

}  // namespace
