// The default impulse suggested from a project's data builds (every block accepts its parameters) and
// says why; audio gets MFCC, motion spectral analysis + k-means, fast vibration a longer FFT, slow series flatten.
#include "impulse/suggest.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "impulse/features.h"
#include "support/test_support.h"

using namespace mote;

namespace {

Sample series(double rate_hz, size_t axes, size_t frames, const std::string& label, double phase = 0) {
  Sample s;
  s.interval_ms = 1000.0 / rate_hz;
  for (size_t a = 0; a < axes; ++a) s.sensors.push_back({"axis" + std::to_string(a), ""});
  for (size_t i = 0; i < frames * axes; ++i) s.values.push_back(static_cast<float>(std::sin(0.37 * double(i) + phase) + 0.01 * double(i % 11)));
  s.label = label;
  s.name = label + std::to_string(frames);
  return s;
}

bool mentions(const std::vector<std::string>& why, const std::string& part) {
  for (auto& w : why)
    if (w.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(Suggest, AudioClipsGetMfccOverAWindowHoldingMostClips) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  // Ten 16 kHz clips of 300..750 ms: 90 % last at most 700 ms.
  for (int i = 0; i < 10; ++i) {
    Sample s = series(16000, 1, static_cast<size_t>(16 * (300 + 50 * i)), i % 2 ? "yes" : "no");
    p.store().insert(s);
  }
  Suggestion s = suggest_impulse(p.store());
  ASSERT_EQ(s.spec.dsp.size(), 1u);
  EXPECT_EQ(s.spec.dsp[0].type, "mfcc");
  EXPECT_DOUBLE_EQ(s.spec.input.window_ms, 750);  // nearest-rank 90th percentile of 10 clips: the longest
  EXPECT_DOUBLE_EQ(s.spec.input.frequency_hz, 16000);
  ASSERT_EQ(s.spec.learn.size(), 1u);
  EXPECT_EQ(s.spec.learn[0].inputs, std::vector<std::string>{"mfcc"});
  EXPECT_TRUE(mentions(s.why, "looks like audio -> MFCC")) << s.why[0];
  Impulse built(s.spec, 1);
  EXPECT_EQ(built.blocks()[0]->output_shape(), (std::vector<size_t>{37, 13}));  // 1 + (12000 - 320) / 320
  // A fresh project's features run on the suggestion with nothing configured.
  ImpulseSpec saved = load_impulse(p);
  FeatureStats st;
  FeatureTable t = generate_features(p.store(), Impulse(saved, impulse_axes(p, saved)), {}, true, &st);
  EXPECT_EQ(st.computed, 10u);
  EXPECT_EQ(t.width, 37u * 13u);
  for (float v : t.data) ASSERT_TRUE(std::isfinite(v));
}

TEST(Suggest, FastVibrationGetsALongerFftAndBoundedWindows) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  for (int i = 0; i < 3; ++i) {
    Sample s = series(48000, 3, 48000, i ? "fault" : "normal", i);
    p.store().insert(s);
  }
  Suggestion s = suggest_impulse(p.store());
  EXPECT_EQ(s.spec.dsp[0].type, "spectral");
  EXPECT_EQ(s.spec.dsp[0].params["fft_length"], 256);
  EXPECT_DOUBLE_EQ(s.spec.input.window_ms, 170);  // 8192 frames at most
  EXPECT_TRUE(mentions(s.why, "8192 frames at most"));
  ASSERT_EQ(s.spec.learn.size(), 2u);
  EXPECT_EQ(s.spec.learn[1].type, "kmeans");
  Impulse built(s.spec, 3);
  EXPECT_EQ(built.width(), 3u * (3u + 128u));  // RMS, skewness, kurtosis + bins 1..128 per axis
}

TEST(Suggest, SlowSeriesGetFlattenShortRecordingsShortWindows) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  Sample slow = series(4, 2, 40, "warm");  // 10 s at 4 Hz: 2 s windows hold 8 frames
  p.store().insert(slow);
  Suggestion s = suggest_impulse(p.store());
  EXPECT_EQ(s.spec.dsp[0].type, "flatten");
  EXPECT_TRUE(mentions(s.why, "too few for a spectrum"));
  EXPECT_EQ(s.spec.learn[1].inputs, std::vector<std::string>{"flatten"});
  EXPECT_NO_THROW(Impulse(s.spec, 2));

  auto q = Project::init(dir / "q");
  Sample shortrec = series(100, 3, 120, "tap");  // 1.2 s recordings
  q.store().insert(shortrec);
  Suggestion t = suggest_impulse(q.store());
  EXPECT_EQ(t.spec.dsp[0].type, "spectral");
  EXPECT_DOUBLE_EQ(t.spec.input.window_ms, 1200);
  EXPECT_DOUBLE_EQ(t.spec.input.stride_ms, 120);
  EXPECT_TRUE(mentions(t.why, "the median recording"));
  EXPECT_NO_THROW(Impulse(t.spec, 3));
}

TEST(Suggest, EmptyProjectIsRefusedWithWhatToDo) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  try {
    suggest_impulse(p.store());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("import data first"), std::string::npos) << e.what();
  }
}
