// Speed perturbation: a replayed sample is the same signal faster or slower at the impulse's rate, the spec
// option is checked, and training adds two sped copies of every training sample's windows, never validation ones.
#include "learn/speed.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "impulse/window.h"
#include "learn/pipeline.h"
#include "learn/train.h"
#include "augment_project.h"
#include "support/test_support.h"

using namespace mote;
using nlohmann::json;

TEST(Speed, ReplayedSignalIsTheSameSineFasterOrSlower) {
  // A 5 Hz sine recorded at 1 kHz for 2 s: at speed f the impulse's input (1 kHz) holds a 5f Hz sine over 2/f s.
  Sample s;
  s.interval_ms = 1;
  s.sensors = {{"x", ""}};
  for (int i = 0; i < 2000; ++i) s.values.push_back(static_cast<float>(std::sin(2 * M_PI * 5 * i / 1000.0)));
  InputSpec in;
  in.frequency_hz = 1000;
  in.axes = {"x"};
  for (double f : {0.8, 0.9, 1.1, 1.25}) {
    Sample sped = s;
    learn::change_speed(sped, f);
    size_t frames = 0;
    std::vector<float> v = input_signal(sped, in, &frames);
    EXPECT_NEAR(static_cast<double>(frames), 2000 / f, 1.5) << f;
    double worst = 0;
    for (size_t i = 0; i + 1 < frames; ++i) worst = std::max(worst, std::fabs(v[i] - std::sin(2 * M_PI * 5 * f * i / 1000.0)));
    EXPECT_LT(worst, 2e-3) << f;  // linear interpolation between 1 ms points of a 5 Hz sine
  }
}

TEST(Speed, SpecOptionIsParsedAndChecked) {
  learn::InputInfo in{{13 * 30}, "mfcc"};
  auto cfg = learn::parse_network_config({{"augment", {{"speed", 0.1}}}}, in, 10, false, "impulse.learn[0]");
  EXPECT_EQ(cfg.augment.speed, 0.1);
  EXPECT_EQ(cfg.resolved["augment"]["speed"], 0.1);
  EXPECT_EQ(learn::parse_network_config(json::object(), in, 3, false, "x").augment.speed, 0);
  try {
    learn::parse_network_config({{"augment", {{"speed", 0.7}}}}, in, 3, false, "impulse.learn[0]");
    FAIL() << "speed 0.7 accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("impulse.learn[0].params.augment"), std::string::npos) << e.what();
  }
}

TEST(Speed, TrainingAddsTwoSpedCopiesOfTrainingWindows) {
  test::TempDir dir;
  Project p = test::augment_project(dir);
  json plain = test::train_metrics(p, json::object());
  json sped = test::train_metrics(p, {{"speed", 0.1}});
  EXPECT_EQ(sped["validation_windows"], plain["validation_windows"]);
  // Each training sample adds its windows at 0.9x (longer: more windows) and 1.1x (shorter: fewer).
  const size_t n = plain["train_windows"].get<size_t>(), m = sped["train_windows"].get<size_t>();
  EXPECT_GT(m, 2 * n);
  EXPECT_LT(m, 4 * n);
  learn::TrainOptions opts;
  opts.quiet = true;
  EXPECT_EQ(learn::train_impulse(p, opts).blocks[0].model, learn::train_impulse(p, opts).blocks[0].model);  // deterministic
}
