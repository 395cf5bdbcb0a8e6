// The impulse suggested from a project's data adapts to it — rates, lengths, image sizes and colour, samples
// per label, the labels — builds (every block accepts its parameters) and says why for each choice.
#include "impulse/suggest.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "impulse/features.h"
#include "support/test_support.h"

using namespace mote;

namespace {

Sample series(double rate_hz, size_t axes, size_t frames, const std::string& label, double phase = 0,
              const std::string& axis = "axis") {
  Sample s;
  s.interval_ms = 1000.0 / rate_hz;
  for (size_t a = 0; a < axes; ++a) s.sensors.push_back({axis + std::to_string(a), ""});
  for (size_t i = 0; i < frames * axes; ++i)
    s.values.push_back(static_cast<float>(std::sin(0.37 * double(i) + phase) + 0.01 * double(i % 11)));
  s.label = label;
  s.name = label + std::to_string(frames) + "_" + std::to_string(phase);
  return s;
}

Sample picture(uint32_t w, uint32_t h, uint32_t channels, bool gray_rgb, const std::string& label, int seed) {
  Sample s;
  s.kind = SampleKind::Image;
  s.width = w, s.height = h, s.channels = channels;
  for (uint32_t i = 0; i < w * h; ++i) {
    uint8_t v = static_cast<uint8_t>((i * 7 + static_cast<uint32_t>(seed) * 31) % 251);
    for (uint32_t c = 0; c < channels; ++c) s.pixels.push_back(gray_rgb ? v : static_cast<uint8_t>(v * (c + 1) + c * 60));
  }
  s.label = label;
  s.name = label + std::to_string(seed);
  return s;
}

bool mentions(const std::vector<std::string>& why, const std::string& part) {
  for (auto& w : why)
    if (w.find(part) != std::string::npos) return true;
  return false;
}

std::string all(const std::vector<std::string>& why) {
  std::string s;
  for (auto& w : why) s += "\n  " + w;
  return s;
}

void add(Project& p, Sample s, Category c = Category::Training) {
  s.category = c;
  p.store().insert(s);
}

}  // namespace

TEST(Suggest, AudioClipsAt16kHzGetMfccWithFramesFromTheRate) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  // Ten 16 kHz clips of 300..750 ms: 90 % last at most 700 ms.
  for (int i = 0; i < 10; ++i) add(p, series(16000, 1, static_cast<size_t>(16 * (300 + 50 * i)), i % 2 ? "yes" : "no"));
  Suggestion s = suggest_impulse(p.store());
  ASSERT_EQ(s.spec.dsp.size(), 1u);
  EXPECT_EQ(s.spec.dsp[0].type, "mfcc");
  EXPECT_DOUBLE_EQ(s.spec.input.window_ms, 750);  // nearest-rank 90th percentile of 10 clips: the longest
  EXPECT_DOUBLE_EQ(s.spec.input.frequency_hz, 16000);
  EXPECT_EQ(s.spec.dsp[0].params["fft_length"], 512);  // the power of two covering 20 ms at 16 kHz
  EXPECT_TRUE(mentions(s.why, "standard audio rate")) << all(s.why);
  EXPECT_TRUE(mentions(s.why, "-> MFCC")) << all(s.why);
  EXPECT_TRUE(mentions(s.why, "FFT 512")) << all(s.why);
  EXPECT_TRUE(mentions(s.why, "kept at 16000 Hz")) << all(s.why);
  ASSERT_EQ(s.spec.learn.size(), 1u);
  EXPECT_EQ(s.spec.learn[0].inputs, std::vector<std::string>{"mfcc"});
  // Three conv stages and one average over time: the word may sit anywhere; shifts of a third of 37 frames.
  const auto& layers = s.spec.learn[0].params["layers"];
  EXPECT_EQ(layers[6]["type"], "conv1d");
  EXPECT_EQ(layers[7]["type"], "global_avg_pool");
  EXPECT_EQ(s.spec.learn[0].params["augment"]["shift"], 12);
  EXPECT_EQ(s.spec.learn[0].params["augment"]["speed"], 0.1);  // another speaker's tempo and pitch
  EXPECT_TRUE(mentions(s.why, "global average over time")) << all(s.why);
  EXPECT_TRUE(mentions(s.why, "0.9x and 1.1x speed")) << all(s.why);
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

TEST(Suggest, LongRecordingsAt48kHzGetMfeResampledTo16kHz) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  for (int i = 0; i < 4; ++i) {
    Sample s = series(48000, 1, 48000 * 3, i % 2 ? "engine" : "street", i);
    s.sensors = {{"audio", "wav"}};
    add(p, s);
  }
  Suggestion s = suggest_impulse(p.store());
  EXPECT_EQ(s.spec.dsp[0].type, "mfe");
  EXPECT_DOUBLE_EQ(s.spec.input.frequency_hz, 16000);
  EXPECT_DOUBLE_EQ(s.spec.input.window_ms, 1000);
  EXPECT_TRUE(mentions(s.why, "its sensor is named 'audio'")) << all(s.why);
  EXPECT_TRUE(mentions(s.why, "resampled to 16000 Hz")) << all(s.why);
  EXPECT_TRUE(mentions(s.why, "-> MFE")) << all(s.why);
  EXPECT_NO_THROW(Impulse(s.spec, 1));
}

TEST(Suggest, MotionAt100And400HzGetsFftBinsOfAtMost2Hz) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  for (int i = 0; i < 10; ++i) add(p, series(100, 3, 1000, i % 2 ? "walk" : "run", i, "acc"));
  Suggestion s = suggest_impulse(p.store());
  EXPECT_DOUBLE_EQ(s.spec.input.frequency_hz, 100);
  EXPECT_DOUBLE_EQ(s.spec.input.window_ms, 2000);
  EXPECT_DOUBLE_EQ(s.spec.input.stride_ms, 200);  // window/10: 5 x 41 windows per label
  ASSERT_EQ(s.spec.dsp[0].type, "spectral");
  EXPECT_EQ(s.spec.dsp[0].params["fft_length"], 64);  // 1.6 Hz bins
  EXPECT_FALSE(s.spec.dsp[0].params.contains("filter_type"));
  EXPECT_TRUE(mentions(s.why, "FFT 64 (1.6 Hz bins, 64 at least)")) << all(s.why);
  EXPECT_TRUE(mentions(s.why, "Nyquist frequency, 50 Hz")) << all(s.why);
  EXPECT_TRUE(mentions(s.why, "every 200 ms (window/10")) << all(s.why);
  ASSERT_EQ(s.spec.learn.size(), 2u);
  EXPECT_EQ(s.spec.learn[0].type, "classifier");
  EXPECT_EQ(s.spec.learn[0].params["layers"][0]["units"], 20);
  EXPECT_EQ(s.spec.learn[1].type, "kmeans");
  Impulse built(s.spec, 3);
  EXPECT_EQ(built.width(), 3u * (3u + 32u));

  auto q = Project::init(dir / "q");
  for (int i = 0; i < 10; ++i) add(q, series(400, 3, 4000, i % 2 ? "walk" : "run", i, "acc"));
  Suggestion t = suggest_impulse(q.store());
  EXPECT_EQ(t.spec.dsp[0].params["fft_length"], 256);  // 1.56 Hz bins
  EXPECT_TRUE(mentions(t.why, "FFT 256 (1.6 Hz bins")) << all(t.why);
}

TEST(Suggest, SixAxisImuGetsStatisticsBesideTheSpectrum) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  for (int i = 0; i < 12; ++i) add(p, series(50, 6, 1000, "a" + std::to_string(i % 6), i, "imu"));
  Suggestion s = suggest_impulse(p.store());
  ASSERT_EQ(s.spec.dsp.size(), 2u);
  EXPECT_EQ(s.spec.dsp[1].type, "flatten");
  EXPECT_EQ(s.spec.learn[0].inputs, (std::vector<std::string>{"spectral", "stats"}));
  EXPECT_EQ(s.spec.learn[0].params["layers"][0]["units"], 30);  // 5 per class for 6 classes
  EXPECT_TRUE(mentions(s.why, "6 axes (an IMU: activities and postures) -> per-axis statistics")) << all(s.why);
  EXPECT_TRUE(mentions(s.why, "6 classes")) << all(s.why);
  Impulse built(s.spec, 6);
  EXPECT_EQ(built.width(), 6u * (3u + 32u) + 6u * 7u);
}

TEST(Suggest, DemoLikeMotionKeepsTheDemoImpulse) {
  // 62.5 Hz, 10 s recordings, 4 labels: 2 s windows every 200 ms, FFT 64, no filter, dense 20 -> 10 + k-means.
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  for (int i = 0; i < 48; ++i) add(p, series(62.5, 3, 625, "g" + std::to_string(i % 4), i));
  Suggestion s = suggest_impulse(p.store());
  EXPECT_DOUBLE_EQ(s.spec.input.window_ms, 2000);
  EXPECT_DOUBLE_EQ(s.spec.input.stride_ms, 200);
  EXPECT_EQ(s.spec.dsp[0].params["fft_length"], 64);
  EXPECT_FALSE(s.spec.dsp[0].params.contains("filter_type"));
  EXPECT_EQ(s.spec.learn[0].params["layers"], nlohmann::json::parse(R"([{"type":"dense","units":20},{"type":"dense","units":10}])"));
  EXPECT_EQ(s.spec.learn[1].type, "kmeans");
  EXPECT_TRUE(mentions(s.why, "FFT 64 (0.98 Hz bins")) << all(s.why);
}

TEST(Suggest, Vibration20kHzGetsBoundedWindowsAndA256Fft) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  for (int i = 0; i < 4; ++i) add(p, series(20000, 1, 20000, i % 2 ? "fault" : "normal", i));
  Suggestion s = suggest_impulse(p.store());
  ASSERT_EQ(s.spec.dsp[0].type, "spectral");  // one axis at 20 kHz is not a standard audio rate
  EXPECT_DOUBLE_EQ(s.spec.input.window_ms, 102);  // 2048 frames at most
  EXPECT_EQ(s.spec.dsp[0].params["fft_length"], 256);
  EXPECT_FALSE(s.spec.dsp[0].params.contains("filter_type"));
  EXPECT_TRUE(mentions(s.why, "1 axis at 20000 Hz look like vibration -> kept at 20000 Hz")) << all(s.why);
  EXPECT_TRUE(mentions(s.why, "FFT 256 (78 Hz bins, 256 at most)")) << all(s.why);
  EXPECT_TRUE(mentions(s.why, "2048 frames at most")) << all(s.why);
  EXPECT_TRUE(mentions(s.why, "FFT 256")) << all(s.why);
  ASSERT_EQ(s.spec.learn.size(), 2u);
  EXPECT_EQ(s.spec.learn[1].type, "kmeans");
  Impulse built(s.spec, 1);
  EXPECT_EQ(built.width(), 3u + 128u);
}

TEST(Suggest, FastVibrationWithFewPiecesGetsFinerStrides) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  for (int i = 0; i < 3; ++i) add(p, series(48000, 3, 4800, i ? "fault" : "normal", i));  // 100 ms pieces
  Suggestion s = suggest_impulse(p.store());
  EXPECT_DOUBLE_EQ(s.spec.input.window_ms, 42);
  // 'normal' has one 100 ms piece: window/10 (4 ms) gives it 15 windows, window/40 (1 ms) 59.
  EXPECT_DOUBLE_EQ(s.spec.input.stride_ms, 1);
  EXPECT_TRUE(mentions(s.why, "window/40: under 100 windows for the rarest label")) << all(s.why);
  Impulse built(s.spec, 3);
  EXPECT_EQ(built.width(), 3u * (3u + 128u));
}

TEST(Suggest, ShortRecordingsGetAWindowThatFits) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  for (int i = 0; i < 6; ++i) add(p, series(100, 3, 80, "tap", i));        // 0.8 s
  for (int i = 0; i < 6; ++i) add(p, series(100, 3, 3000, "shake", i));    // 30 s
  for (int i = 0; i < 6; ++i) add(p, series(100, 3, 3000, "rest", i + 9));
  Suggestion s = suggest_impulse(p.store());
  EXPECT_DOUBLE_EQ(s.spec.input.window_ms, 800);
  EXPECT_TRUE(mentions(s.why, "fits the recordings of 'tap'")) << all(s.why);
  EXPECT_EQ(s.spec.dsp[0].type, "spectral");  // most recordings are long: continuous
  EXPECT_NO_THROW(Impulse(s.spec, 3));
}

TEST(Suggest, OneEventPerRecordingGetsRawAndAConvolution) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  for (int i = 0; i < 40; ++i) add(p, series(119, 6, 119, i % 2 ? "wing" : "ring", i));  // 1 s gestures, like the wand set
  Suggestion s = suggest_impulse(p.store());
  EXPECT_DOUBLE_EQ(s.spec.input.window_ms, 1000);
  EXPECT_EQ(s.spec.dsp[0].type, "raw");
  EXPECT_EQ(s.spec.learn[0].params["layers"][0]["type"], "conv1d");
  EXPECT_EQ(s.spec.learn[0].params["augment"]["shift"], 4);
  EXPECT_TRUE(mentions(s.why, "one event")) << all(s.why);
  EXPECT_TRUE(mentions(s.why, "1-D conv 16 -> 32")) << all(s.why);
  EXPECT_TRUE(mentions(s.why, "few windows: dropout and augmentation")) << all(s.why);
  EXPECT_EQ(s.spec.learn[0].params["layers"][1]["type"], "batch_norm");
  EXPECT_EQ(s.spec.learn[0].params["validation"], 0);  // 20 windows per label: none held out
  EXPECT_TRUE(mentions(s.why, "no validation split (fixed epochs)")) << all(s.why);
  Impulse built(s.spec, 6);
  EXPECT_EQ(built.width(), 119u * 6u);
}

TEST(Suggest, TinyDatasetGetsFinerStridesAndASmallRegularisedNetwork) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  add(p, series(100, 3, 320, "up", 0));  // 3.2 s each: 7 windows at window/10
  add(p, series(100, 3, 320, "down", 1));
  Suggestion s = suggest_impulse(p.store());
  EXPECT_DOUBLE_EQ(s.spec.input.window_ms, 2000);
  EXPECT_DOUBLE_EQ(s.spec.input.stride_ms, 50);  // window/40: 25 windows per label
  const auto& layers = s.spec.learn[0].params["layers"];
  EXPECT_EQ(layers[0]["units"], 10);
  EXPECT_EQ(layers[1]["type"], "dropout");
  EXPECT_EQ(layers[1]["rate"], 0.5);
  EXPECT_TRUE(mentions(s.why, "few windows: a small, regularised network")) << all(s.why);
  EXPECT_TRUE(mentions(s.why, "has 25 training windows")) << all(s.why);
}

TEST(Suggest, NumericLabelsGetRegressionDigitsStayClasses) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  const char* values[] = {"0.5", "1.25", "2", "3.75", "4.5", "6"};
  for (int i = 0; i < 6; ++i) add(p, series(50, 3, 500, values[i], i));
  Suggestion s = suggest_impulse(p.store());
  ASSERT_GE(s.spec.learn.size(), 1u);
  EXPECT_EQ(s.spec.learn[0].type, "regression");
  EXPECT_TRUE(mentions(s.why, "every label is a number (6 values, 0.5 to 6, with fractions) -> regression")) << all(s.why);

  auto q = Project::init(dir / "q");
  for (int i = 0; i < 6; ++i) add(q, series(50, 3, 500, std::to_string(i % 3), i));
  EXPECT_EQ(suggest_impulse(q.store()).spec.learn[0].type, "classifier");
}

TEST(Suggest, SmallGrayscaleImagesKeepTheirSize) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  for (int i = 0; i < 6; ++i) add(p, picture(28, 28, 1, false, i % 2 ? "seven" : "one", i));
  Suggestion s = suggest_impulse(p.store());
  EXPECT_EQ(s.spec.input.type, InputType::Image);
  EXPECT_EQ(s.spec.input.width, 28u);
  EXPECT_EQ(s.spec.input.height, 28u);
  EXPECT_EQ(s.spec.input.color, "grayscale");
  EXPECT_TRUE(mentions(s.why, "28x28 input")) << all(s.why);
  EXPECT_TRUE(mentions(s.why, "never upscaled")) << all(s.why);
  EXPECT_TRUE(mentions(s.why, "grayscale input")) << all(s.why);
  EXPECT_EQ(s.spec.learn[0].params["layers"][0]["type"], "conv2d");
  Impulse built(s.spec, 0);
  EXPECT_EQ(built.width(), 28u * 28u);
}

TEST(Suggest, LargeColourImagesGet96AndGrayRgbGetsGrayscale) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  for (int i = 0; i < 6; ++i) add(p, picture(160, 120, 3, false, i % 2 ? "cat" : "dog", i));
  Suggestion s = suggest_impulse(p.store());
  EXPECT_EQ(s.spec.input.width, 96u);
  EXPECT_EQ(s.spec.input.color, "rgb");
  EXPECT_TRUE(mentions(s.why, "shorter side 120 px")) << all(s.why);
  EXPECT_TRUE(mentions(s.why, "96x96 input")) << all(s.why);
  EXPECT_TRUE(mentions(s.why, "in colour -> RGB")) << all(s.why);

  auto q = Project::init(dir / "q");
  for (int i = 0; i < 6; ++i) add(q, picture(64, 50, 3, true, i % 2 ? "a" : "b", i));
  Suggestion t = suggest_impulse(q.store());
  EXPECT_EQ(t.spec.input.width, 48u);  // the largest of 32/48/64/96 within 50 px
  EXPECT_EQ(t.spec.input.color, "grayscale");
  EXPECT_TRUE(mentions(t.why, "channels are equal -> grayscale")) << all(t.why);
}

TEST(Suggest, OneLabelGetsAnomalyDetectionOnlyUnseenTestLabelsAddIt) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  for (int i = 0; i < 3; ++i) add(p, series(100, 3, 1000, "normal", i));
  Suggestion s = suggest_impulse(p.store());
  ASSERT_EQ(s.spec.learn.size(), 1u);
  EXPECT_EQ(s.spec.learn[0].type, "kmeans");
  EXPECT_TRUE(mentions(s.why, "one label in training ('normal') -> no classifier")) << all(s.why);

  // Audio gets k-means only when the testing set holds labels the training set lacks.
  auto q = Project::init(dir / "q");
  for (int i = 0; i < 4; ++i) add(q, series(8000, 1, 4000, i % 2 ? "yes" : "no", i));
  add(q, series(8000, 1, 4000, "cough", 9), Category::Testing);
  Suggestion t = suggest_impulse(q.store());
  ASSERT_EQ(t.spec.learn.size(), 2u);
  EXPECT_EQ(t.spec.learn[1].type, "kmeans");
  EXPECT_TRUE(mentions(t.why, "labels training lacks ('cough')")) << all(t.why);
}

TEST(Suggest, SlowSeriesGetFlatten) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  add(p, series(4, 2, 40, "warm"));  // 10 s at 4 Hz: 2 s windows hold 8 frames
  add(p, series(4, 2, 40, "cold", 1));
  Suggestion s = suggest_impulse(p.store());
  EXPECT_EQ(s.spec.dsp[0].type, "flatten");
  EXPECT_TRUE(mentions(s.why, "too few for a spectrum")) << all(s.why);
  EXPECT_EQ(s.spec.learn[1].inputs, std::vector<std::string>{"flatten"});
  EXPECT_NO_THROW(Impulse(s.spec, 2));
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
