// WAV importer: files written here with libsndfile at several rates, encodings and channel counts.
#include "ingest/wav.h"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <cstdint>
#include <type_traits>

#include "core/error.h"
#include "support/test_support.h"

using namespace mote;

namespace {

// Writes interleaved frames through libsndfile (short or float samples) and returns the file's bytes.
template <typename T>
std::string make_wav(int rate, int channels, int format, const std::vector<T>& interleaved) {
  test::TempDir dir;
  std::string path = (dir / "x.wav").string();
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = SF_FORMAT_WAV | format;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  EXPECT_NE(f, nullptr) << sf_strerror(nullptr);
  if (!f) return "";
  sf_count_t frames = static_cast<sf_count_t>(interleaved.size() / channels);
  if constexpr (std::is_same_v<T, float>)
    EXPECT_EQ(sf_writef_float(f, interleaved.data(), frames), frames);
  else
    EXPECT_EQ(sf_writef_short(f, interleaved.data(), frames), frames);
  sf_close(f);
  return test::read_text(path);
}

Sample parse(const std::string& bytes) {
  ParseContext ctx;
  ctx.where = "clip.wav";
  return parse_wav(bytes, ctx);
}

std::string parse_error(const std::string& bytes) {
  try {
    parse(bytes);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Wav, Pcm16MonoSamplesAreIntOver32768) {
  const std::vector<int16_t> pcm = {0, 1, -1, 12345, -20000, 32767, -32768};
  Sample s = parse(make_wav(8000, 1, SF_FORMAT_PCM_16, pcm));
  EXPECT_EQ(s.kind, SampleKind::TimeSeries);
  ASSERT_EQ(s.values.size(), pcm.size());
  for (size_t i = 0; i < pcm.size(); ++i) EXPECT_EQ(s.values[i], pcm[i] / 32768.0f) << i;
  EXPECT_DOUBLE_EQ(s.interval_ms, 0.125);
  ASSERT_EQ(s.sensors.size(), 1u);
  EXPECT_EQ(s.sensors[0], (Sensor{"audio", "wav"}));
  EXPECT_EQ(s.provenance, nlohmann::json({{"importer", "wav"}, {"sample_rate", 8000}, {"channels", 1}}));
}

TEST(Wav, StereoFloatIsAveragedToMono) {
  const std::vector<float> lr = {0.5f, -0.25f, 1.0f, 1.0f, -0.75f, 0.125f, 0.0f, -1.0f};
  Sample s = parse(make_wav(44100, 2, SF_FORMAT_FLOAT, lr));
  ASSERT_EQ(s.values.size(), 4u);
  for (size_t f = 0; f < 4; ++f) EXPECT_EQ(s.values[f], (lr[2 * f] + lr[2 * f + 1]) / 2) << f;
  EXPECT_DOUBLE_EQ(s.interval_ms, 1000.0 / 44100);
  EXPECT_EQ(s.provenance["sample_rate"], 44100);
  EXPECT_EQ(s.provenance["channels"], 2);
}

TEST(Wav, FourChannel16BitAveragesEveryChannel) {
  const std::vector<int16_t> pcm = {100, 200, 300, 400, -4, -4, -4, 8};
  Sample s = parse(make_wav(22050, 4, SF_FORMAT_PCM_16, pcm));
  ASSERT_EQ(s.values.size(), 2u);
  EXPECT_EQ(s.values[0], 250 / 32768.0f);
  EXPECT_EQ(s.values[1], -1 / 32768.0f);
}

TEST(Wav, OtherEncodingsAndRatesNormalise) {
  // 24-bit and 8-bit PCM written from 16-bit values keep them exactly (8-bit: multiples of 256).
  const std::vector<int16_t> pcm = {0, 256, -512, 32512, -32768};
  Sample s24 = parse(make_wav(16000, 1, SF_FORMAT_PCM_24, pcm));
  Sample s8 = parse(make_wav(11025, 1, SF_FORMAT_PCM_U8, pcm));
  ASSERT_EQ(s24.values.size(), pcm.size());
  ASSERT_EQ(s8.values.size(), pcm.size());
  for (size_t i = 0; i < pcm.size(); ++i) {
    EXPECT_EQ(s24.values[i], pcm[i] / 32768.0f) << i;
    EXPECT_EQ(s8.values[i], pcm[i] / 32768.0f) << i;
  }
  EXPECT_DOUBLE_EQ(s24.interval_ms, 0.0625);
  EXPECT_DOUBLE_EQ(s8.interval_ms, 1000.0 / 11025);
}

TEST(Wav, LongRecordingReadsEveryFrame) {
  std::vector<int16_t> pcm(100000);
  for (size_t i = 0; i < pcm.size(); ++i) pcm[i] = static_cast<int16_t>(i * 7);
  Sample s = parse(make_wav(16000, 1, SF_FORMAT_PCM_16, pcm));
  ASSERT_EQ(s.values.size(), pcm.size());
  EXPECT_EQ(s.values[99999], pcm[99999] / 32768.0f);
}

TEST(Wav, UnreadableAndEmptyFilesRefused) {
  std::string good = make_wav(8000, 1, SF_FORMAT_PCM_16, std::vector<int16_t>{1, 2, 3});
  for (const std::string& bad : {std::string(), std::string("RIFF....WAVEfmt this is not audio"), good.substr(0, 20)}) {
    std::string err = parse_error(bad);
    EXPECT_EQ(err.rfind("clip.wav: not a readable WAV file (libsndfile: ", 0), 0u) << err;
    EXPECT_NE(err.find("); re-export it as PCM WAV"), std::string::npos) << err;
    EXPECT_EQ(err.find(".)"), std::string::npos) << "libsndfile's full stop stays out: " << err;
    EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  }
  std::string err = parse_error(make_wav(8000, 1, SF_FORMAT_PCM_16, std::vector<int16_t>{}));
  EXPECT_NE(err.find("clip.wav: the WAV file has no audio frames"), std::string::npos) << err;
}
