// The streaming audio blocks (mfcc/mfe/spectrogram_stream_f32: the window read frame by frame through a
// callback, one frame and the sample before it buffered) against the whole-window functions: the same bits,
// on overlapping, gapped and FFT-truncated frames, with and without pre-emphasis and window.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "dsp/mfcc.h"
#include "dsp/mfe.h"
#include "dsp/spectrogram.h"
#include "impulse/dsp_tables.h"
#include "impulse/dsp_tables_audio.h"

using namespace mote;

namespace {

struct Case {
  float rate, length_s, stride_s, preemphasis;
  bool hamming;
  uint32_t fft;
};

// Each read lands in a buffer of exactly its length, so reading outside the window or the frame shows.
struct Reader {
  const std::vector<float>* signal;
  size_t reads = 0, largest = 0;
  bool fail = false;
  static int read(size_t offset, size_t length, float* out, void* ctx) {
    Reader* r = static_cast<Reader*>(ctx);
    if (r->fail || offset + length > r->signal->size()) return 1;
    std::memcpy(out, r->signal->data() + offset, length * sizeof(float));
    ++r->reads;
    r->largest = std::max(r->largest, length);
    return 0;
  }
};

std::vector<float> speech_like(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.0f, 0.05f);
  std::vector<float> x(n);
  for (size_t i = 0; i < n; ++i) x[i] = 0.3f * std::sin(0.07f * i) + 0.2f * std::sin(0.9f * i) + nd(rng);
  return x;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

const Case kCases[] = {
    {8000, 0.02f, 0.02f, 0.98f, false, 256},   // FSDD's framing: back to back
    {8000, 0.025f, 0.01f, 0.97f, true, 256},   // overlapping frames
    {16000, 0.02f, 0.03f, 0.0f, false, 512},   // gaps between frames, no pre-emphasis
    {8000, 0.041f, 0.013f, 0.5f, true, 256},   // a frame longer than the FFT (truncated), odd lengths
    {8000, 0.016f, 0.01f, 0.98f, false, 128},
};

TEST(AudioStream, EveryBlockEqualsTheWholeWindowPathBitForBit) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::to_string(c.length_s) + " s frames every " + std::to_string(c.stride_s) + " s, fft " +
                 std::to_string(c.fft));
    const RfftTableData fft = make_rfft_tables(c.fft);
    dsp::AudioFrameConfig frames{};
    frames.sample_rate_hz = c.rate;
    frames.frame_length_s = c.length_s;
    frames.frame_stride_s = c.stride_s;
    frames.preemphasis = c.preemphasis;
    const std::vector<float> window =
        c.hamming ? build_hamming_window(int(dsp::audio_frame_samples(c.length_s, c.rate))) : std::vector<float>();
    frames.window = window.empty() ? nullptr : window.data();
    frames.fft = fft.view();
    const std::vector<float> x = speech_like(4877, 3);  // not a whole number of frames
    const size_t take = std::min<size_t>(dsp::audio_frame_samples(c.length_s, c.rate), c.fft);
    ASSERT_EQ(dsp::audio_frame_reads(frames), take);

    const MelFilterbankTable mel = build_mel_filterbank(20, int(c.fft), c.rate, 0.0, c.rate / 2);
    const std::vector<float> dct = build_dct2_ortho(13, 20), lifter = build_lifter(13, 22.0);
    dsp::MfccConfig mfcc{frames, mel.view(), 13, dct.data(), lifter.data(), true};
    dsp::MfeConfig mfe{frames, mel.view(), -52.0f, dsp::DB_SCALE_NORMALIZED};
    dsp::SpectrogramConfig spec{frames, -80.0f, dsp::DB_SCALE_DECIBELS};

    auto check = [&](const char* name, size_t out_len, size_t whole_scratch, size_t stream_scratch, auto whole,
                     auto streamed) {
      SCOPED_TRACE(name);
      ASSERT_GT(out_len, 0u);
      EXPECT_EQ(stream_scratch, whole_scratch + (take + 1 + 1) / 2 * 2 * sizeof(float));
      std::vector<float> a(out_len), b(out_len), s1(whole_scratch / 4 + 1), s2(stream_scratch / 4);
      ASSERT_EQ(whole(a.data(), s1.data(), s1.size() * 4), MOTE_OK);
      Reader r{&x};
      const dsp::AudioSource src = {Reader::read, &r};
      ASSERT_EQ(streamed(src, b.data(), s2.data(), s2.size() * 4), MOTE_OK);
      EXPECT_TRUE(same_bits(a, b));
      EXPECT_EQ(r.largest, take + 1) << "one frame and the sample before it per read";
      EXPECT_EQ(r.reads, dsp::audio_frame_count(frames, x.size()));
      // A failing source is the signal's error; too little scratch is refused before any read.
      r.fail = true;
      EXPECT_EQ(streamed(src, b.data(), s2.data(), s2.size() * 4), MOTE_ERR_SIGNAL);
      r.fail = false;
      EXPECT_EQ(streamed(src, b.data(), s2.data(), s2.size() * 4 - 4), MOTE_ERR_SCRATCH);
      const dsp::AudioSource none = {nullptr, nullptr};
      EXPECT_EQ(streamed(none, b.data(), s2.data(), s2.size() * 4), MOTE_ERR_ARG);
    };
    check("mfcc", dsp::mfcc_output_len(mfcc, x.size()), dsp::mfcc_scratch_bytes(mfcc), dsp::mfcc_stream_scratch_bytes(mfcc),
          [&](float* out, void* s, size_t sb) {
            return dsp::mfcc_f32(mfcc, x.data(), x.size(), out, dsp::mfcc_output_len(mfcc, x.size()), s, sb);
          },
          [&](const dsp::AudioSource& src, float* out, void* s, size_t sb) {
            return dsp::mfcc_stream_f32(mfcc, src, x.size(), out, dsp::mfcc_output_len(mfcc, x.size()), s, sb);
          });
    check("mfe", dsp::mfe_output_len(mfe, x.size()), dsp::mfe_scratch_bytes(mfe), dsp::mfe_stream_scratch_bytes(mfe),
          [&](float* out, void* s, size_t sb) {
            return dsp::mfe_f32(mfe, x.data(), x.size(), out, dsp::mfe_output_len(mfe, x.size()), s, sb);
          },
          [&](const dsp::AudioSource& src, float* out, void* s, size_t sb) {
            return dsp::mfe_stream_f32(mfe, src, x.size(), out, dsp::mfe_output_len(mfe, x.size()), s, sb);
          });
    check("spectrogram", dsp::spectrogram_output_len(spec, x.size()), dsp::spectrogram_scratch_bytes(spec),
          dsp::spectrogram_stream_scratch_bytes(spec),
          [&](float* out, void* s, size_t sb) {
            return dsp::spectrogram_f32(spec, x.data(), x.size(), out, dsp::spectrogram_output_len(spec, x.size()), s, sb);
          },
          [&](const dsp::AudioSource& src, float* out, void* s, size_t sb) {
            return dsp::spectrogram_stream_f32(spec, src, x.size(), out, dsp::spectrogram_output_len(spec, x.size()), s, sb);
          });
  }
}

}  // namespace
