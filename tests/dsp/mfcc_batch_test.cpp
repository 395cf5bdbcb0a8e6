// runtime/dsp/mfcc_batch (the host's frames-in-parallel MFCC) against runtime/dsp/mfcc (the device's
// one-frame path): the outputs must be the same bits, for every FFT length, window, lifter and frame count
// (including batches that leave lanes idle), on noise, silence, clipping and non-finite samples. The vector
// path needs AVX-512F: elsewhere mfcc_batch_f32 is mfcc_f32 and the comparison is trivial (said in the log).
#include "dsp/mfcc_batch.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "impulse/dsp_tables.h"
#include "impulse/dsp_tables_audio.h"

using namespace mote;

namespace {

struct Variant {
  float rate, length_s, stride_s, preemphasis;
  uint32_t fft;
  bool hamming;
  int filters, ceps;
  double low_hz, high_hz, lifter;
  bool normalize;
};

struct Block {
  RfftTableData fft;
  MelFilterbankTable mel;
  std::vector<float> window, dct, lifter;
  dsp::MfccConfig cfg{};

  explicit Block(const Variant& v)
      : fft(make_rfft_tables(v.fft)),
        mel(build_mel_filterbank(v.filters, int(v.fft), v.rate, v.low_hz, v.high_hz)),
        dct(build_dct2_ortho(v.ceps, v.filters)),
        lifter(build_lifter(v.ceps, v.lifter)) {
    dsp::AudioFrameConfig& f = cfg.frames;
    f.sample_rate_hz = v.rate;
    f.frame_length_s = v.length_s;
    f.frame_stride_s = v.stride_s;
    f.preemphasis = v.preemphasis;
    if (v.hamming) window = build_hamming_window(int(dsp::audio_frame_samples(v.length_s, v.rate)));
    f.window = window.empty() ? nullptr : window.data();
    f.fft = fft.view();
    cfg.mel = mel.view();
    cfg.num_cepstral = uint16_t(v.ceps);
    cfg.dct = dct.data();
    cfg.lifter = lifter.empty() ? nullptr : lifter.data();
    cfg.mean_normalize = v.normalize;
  }
};

std::vector<Variant> variants() {
  return {
      {16000, 0.02f, 0.02f, 0.98f, 512, true, 32, 13, 0, 8000, 22, true},   // bench/dsp's 16 kHz MFCC
      {8000, 0.02f, 0.02f, 0.98f, 256, true, 32, 13, 0, 4000, 22, true},    // bench/dsp's FSDD MFCC
      {8000, 0.025f, 0.01f, 0.97f, 256, true, 26, 13, 0, 4000, 22, false},  // python_speech_features
      {8000, 0.04f, 0.02f, 0.98f, 256, false, 32, 13, 300, 4000, 0, true},  // EI-like: frames cut to the FFT
      {8000, 0.025f, 0.01f, 0.0f, 512, true, 40, 20, 50, 3900, 12, false},  // no pre-emphasis
      {1000, 0.016f, 0.008f, 0.5f, 16, false, 4, 3, 0, 500, 0, false},       // the shortest FFT
      {16000, 0.25f, 0.1f, 0.97f, 4096, true, 64, 32, 20, 7000, 22, true},  // the longest FFT
  };
}

std::vector<std::pair<std::string, std::vector<float>>> signals(size_t len) {
  std::mt19937 rng(1234);
  std::normal_distribution<float> noise(0.0f, 0.3f);
  std::vector<float> speech(len), clip(len), odd(len);
  for (size_t i = 0; i < len; ++i) {
    speech[i] = 0.4f * std::sin(0.05f * float(i)) * std::sin(0.0007f * float(i)) + 0.05f * noise(rng);
    clip[i] = std::fmax(-1.0f, std::fmin(1.0f, 3.0f * noise(rng)));
    odd[i] = noise(rng);
  }
  odd[len / 3] = std::numeric_limits<float>::infinity();
  odd[len / 2] = std::numeric_limits<float>::quiet_NaN();
  odd[len / 2 + 7] = 1e30f;
  std::vector<float> huge(len, 0.25f);  // power beyond float range in the middle frames: log of +inf
  for (size_t i = len / 4; i < len / 2; ++i) huge[i] = (i % 2 ? 1e20f : -1e20f);
  return {{"speech", speech}, {"silence", std::vector<float>(len, 0.0f)}, {"clipping", clip},
          {"dc", std::vector<float>(len, 0.25f)}, {"non-finite", odd}, {"huge", huge}};
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

TEST(MfccBatch, SameBitsAsTheOneFramePath) {
  const size_t best = dsp::mfcc_batch_lanes();
  if (best == 1) std::printf("note: no AVX2 on this CPU: mfcc_batch_f32 runs mfcc_f32, the comparison is trivial\n");
  int compared = 0;
  for (size_t lanes : {size_t(16), size_t(8)}) {
    if (lanes > best) continue;
    for (const Variant& v : variants()) {
      Block blk(v);
      const size_t frame = dsp::audio_frame_samples(v.length_s, v.rate);
      const size_t stride = dsp::audio_frame_samples(v.stride_s, v.rate);
      // Frame counts around the batch widths: one frame, partial batches, exactly one, one more, several.
      for (size_t frames : {size_t(1), size_t(5), size_t(8), size_t(9), size_t(16), size_t(17), size_t(50)}) {
        if (v.normalize && frames == 1) continue;
        for (const auto& [name, x] : signals(frame + (frames - 1) * stride + stride / 2)) {
          SCOPED_TRACE(name + ", " + std::to_string(lanes) + " lanes, fft " + std::to_string(v.fft) + ", " +
                       std::to_string(frames) + " frames");
          std::vector<float> one(dsp::mfcc_output_len(blk.cfg, x.size()), -1.0f), many(one.size(), -2.0f);
          ASSERT_EQ(one.size(), frames * size_t(v.ceps));
          std::vector<float> s1(dsp::mfcc_scratch_bytes(blk.cfg) / 4), s2(dsp::mfcc_batch_scratch_bytes(blk.cfg) / 4);
          ASSERT_EQ(dsp::mfcc_f32(blk.cfg, x.data(), x.size(), one.data(), one.size(), s1.data(), s1.size() * 4),
                    MOTE_OK);
          ASSERT_EQ(dsp::mfcc_batch_lanes_f32(lanes, blk.cfg, x.data(), x.size(), many.data(), many.size(), s2.data(),
                                              s2.size() * 4),
                    MOTE_OK);
          ASSERT_TRUE(same_bits(one, many)) << "first values " << one[0] << " vs " << many[0];
          ++compared;
        }
      }
    }
  }
  if (best > 1) EXPECT_GT(compared, 200);
}

TEST(MfccBatch, PathsAreChosenByTheCpu) {
  const size_t best = dsp::mfcc_batch_lanes();
  EXPECT_TRUE(best == 16 || best == 8 || best == 1) << best;
  Block blk(variants()[1]);
  std::vector<float> in(8000, 0.1f), out(dsp::mfcc_output_len(blk.cfg, 8000));
  std::vector<float> scratch(dsp::mfcc_batch_scratch_bytes(blk.cfg) / 4);
  for (size_t lanes : {size_t(1), size_t(4), size_t(8), size_t(16), size_t(32)}) {
    const Status st = dsp::mfcc_batch_lanes_f32(lanes, blk.cfg, in.data(), in.size(), out.data(), out.size(),
                                                scratch.data(), scratch.size() * 4);
    const bool runs = lanes == 1 || ((lanes == 8 || lanes == 16) && lanes <= best);
    EXPECT_EQ(st, runs ? MOTE_OK : MOTE_ERR_ARG) << lanes << " lanes";
  }
}

TEST(MfccBatch, RefusesWhatTheOneFramePathRefuses) {
  Block blk(variants()[2]);
  std::vector<float> in(1000, 0.1f), out(dsp::mfcc_output_len(blk.cfg, 1000));
  const size_t bytes = dsp::mfcc_batch_scratch_bytes(blk.cfg);
  ASSERT_GT(bytes, dsp::mfcc_scratch_bytes(blk.cfg));
  std::vector<float> scratch(bytes / sizeof(float));
  auto run = [&](const dsp::MfccConfig& cfg, size_t in_len, size_t out_len, size_t scratch_bytes) {
    return dsp::mfcc_batch_f32(cfg, in.data(), in_len, out.data(), out_len, scratch.data(), scratch_bytes);
  };
  EXPECT_EQ(run(blk.cfg, in.size(), out.size(), bytes), MOTE_OK);
  EXPECT_EQ(run(blk.cfg, in.size(), out.size(), bytes - 4), MOTE_ERR_SCRATCH);
  EXPECT_EQ(run(blk.cfg, in.size(), out.size() - 1, bytes), MOTE_ERR_SHAPE);
  EXPECT_EQ(run(blk.cfg, 199, 0, bytes), MOTE_ERR_SHAPE);
  dsp::MfccConfig bad = blk.cfg;
  bad.num_cepstral = 27;
  EXPECT_EQ(run(bad, in.size(), out.size(), bytes), MOTE_ERR_ARG);
  bad = blk.cfg;
  bad.dct = nullptr;
  EXPECT_EQ(run(bad, in.size(), out.size(), bytes), MOTE_ERR_ARG);
  bad = blk.cfg;
  bad.frames.preemphasis = 2.0f;
  EXPECT_EQ(run(bad, in.size(), out.size(), bytes), MOTE_ERR_ARG);
  EXPECT_EQ(dsp::mfcc_batch_f32(blk.cfg, in.data(), in.size(), out.data(), out.size(), nullptr, bytes), MOTE_ERR_ARG);
}
