#include "impulse/features.h"

#include <gtest/gtest.h>

#include "impulse/projection.h"
#include "impulse/suggest.h"
#include "support/test_support.h"

using namespace mote;
using nlohmann::json;

namespace {
Sample image(uint8_t shade, const std::string& label) {
  Sample s;
  s.kind = SampleKind::Image;
  s.width = 16;
  s.height = 12;
  s.channels = 3;
  for (uint32_t i = 0; i < s.width * s.height; ++i)
    for (int c = 0; c < 3; ++c) s.pixels.push_back(static_cast<uint8_t>(shade + (i % 16) * (c + 1)));
  s.name = label + std::to_string(shade);
  s.label = label;
  return s;
}
}  // namespace

TEST(Features, ImageProjectIsSuggestedComputedThenCached) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  for (uint8_t shade : {10, 20, 30}) {
    Sample a = image(shade, "dark"), b = image(static_cast<uint8_t>(shade + 150), "light");
    p.store().insert(a);
    p.store().insert(b);
  }
  std::vector<std::string> why;
  ImpulseSpec spec = load_impulse(p, &why);
  ASSERT_FALSE(why.empty());
  EXPECT_EQ(spec.input.type, InputType::Image);
  EXPECT_EQ(spec.dsp[0].type, "image");
  EXPECT_FALSE(Project::open(dir / "p").config()["impulse"].is_null()) << "the suggestion is saved to mote.json";

  json small = impulse_to_json(spec);
  small["input"]["width"] = 4;
  small["input"]["height"] = 3;
  small["input"]["color"] = "grayscale";
  save_impulse(p, parse_impulse(small));
  Impulse impulse(load_impulse(p), 0);
  EXPECT_EQ(impulse.width(), 12u);
  FeatureStats st;
  FeatureTable t = generate_features(p.store(), impulse, {}, true, &st);
  EXPECT_EQ(st.computed, 6u);
  EXPECT_EQ(t.rows.size(), 6u);
  for (size_t r = 0; r < t.rows.size(); ++r)
    for (size_t c = 0; c < t.width; ++c) {
      EXPECT_GE(t.row(r)[c], 0.0f);
      EXPECT_LE(t.row(r)[c], 1.0f);
    }
  FeatureTable again = generate_features(p.store(), impulse, {}, true, &st);
  EXPECT_EQ(st.computed, 0u);
  EXPECT_EQ(st.cached, 6u);
  EXPECT_EQ(again.data, t.data);

  Projection proj = project_2d(t);
  // The two shades separate along the first component.
  float dark_mean = 0, light_mean = 0;
  for (size_t r = 0; r < t.rows.size(); ++r) (t.rows[r].label == "dark" ? dark_mean : light_mean) += proj.xy[2 * r] / 3;
  EXPECT_GT(std::abs(dark_mean - light_mean), 1.0f);
  EXPECT_GT(proj.explained[0], 0.5);
  EXPECT_LE(proj.explained[0] + proj.explained[1], 1.0 + 1e-9);
}

TEST(Projection, PointsOnALineNeedOneComponent) {
  FeatureTable t;
  t.width = 3;
  for (int i = 0; i < 20; ++i) {
    float v = static_cast<float>(i);
    t.data.insert(t.data.end(), {v, 2 * v + 1, -v});
    t.rows.push_back({i, "x", Category::Training, 0});
  }
  Projection p = project_2d(t);
  EXPECT_NEAR(p.explained[0], 1.0, 1e-9);
  EXPECT_NEAR(p.explained[1], 0.0, 1e-9);
  // Order along the line is preserved (up to the sign of the component).
  float sign = p.xy[2 * 19] > p.xy[0] ? 1.f : -1.f;
  for (int i = 1; i < 20; ++i) EXPECT_GT(sign * (p.xy[2 * i] - p.xy[2 * (i - 1)]), 0.0f);
}

TEST(Suggest, MotionGetsSpectralAndAnomalyAudioGetsMfcc) {
  test::TempDir dir;
  auto p = Project::init(dir / "p");
  Sample motion;
  motion.interval_ms = 16;
  motion.sensors = {{"x", ""}, {"y", ""}, {"z", ""}};
  motion.values.assign(3 * 625, 0.5f);
  motion.label = "idle";
  p.store().insert(motion);
  Sample moving = motion;  // a classifier needs two labels
  moving.values.assign(3 * 625, 0.25f);
  moving.label = "moving";
  p.store().insert(moving);
  Suggestion s = suggest_impulse(p.store());
  EXPECT_EQ(s.spec.dsp[0].type, "spectral");
  EXPECT_EQ(s.spec.learn.size(), 2u);
  EXPECT_EQ(s.spec.learn[1].type, "kmeans");
  EXPECT_DOUBLE_EQ(s.spec.input.frequency_hz, 62.5);
  EXPECT_DOUBLE_EQ(s.spec.input.window_ms, 2000);

  auto q = Project::init(dir / "q");
  Sample audio;
  audio.interval_ms = 0.125;
  audio.sensors = {{"audio", "wav"}};
  audio.values.assign(8000, 0.1f);
  audio.label = "yes";
  q.store().insert(audio);
  Suggestion a = suggest_impulse(q.store());
  EXPECT_EQ(a.spec.dsp[0].type, "mfcc");
  EXPECT_EQ(a.spec.learn.size(), 1u);
  EXPECT_DOUBLE_EQ(a.spec.input.window_ms, 1000);
}
