// Rotation augmentation: the rotations themselves, rotating axis triples, the spec option, and training with it
// (rotated copies add training windows, never validation ones).
#include "learn/rotate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "core/error.h"
#include "learn/pipeline.h"
#include "learn/train.h"
#include "augment_project.h"
#include "support/test_support.h"

using namespace mote;
using nlohmann::json;

TEST(Rotate, RandomRotationsAreProperBoundedAndReproducible) {
  uint64_t state = 42, again = 42;
  for (double max_deg : {10.0, 45.0, 180.0}) {
    double worst = 0;
    for (int i = 0; i < 200; ++i) {
      double r[9], q[9];
      learn::random_rotation(state, max_deg, r);
      learn::random_rotation(again, max_deg, q);
      for (int k = 0; k < 9; ++k) ASSERT_EQ(r[k], q[k]);
      for (int a = 0; a < 3; ++a)  // R R^T = I
        for (int b = 0; b < 3; ++b) {
          double dot = r[a * 3] * r[b * 3] + r[a * 3 + 1] * r[b * 3 + 1] + r[a * 3 + 2] * r[b * 3 + 2];
          ASSERT_NEAR(dot, a == b ? 1.0 : 0.0, 1e-12);
        }
      double det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6]);
      ASSERT_NEAR(det, 1.0, 1e-12);
      double angle = std::acos(std::clamp((r[0] + r[4] + r[8] - 1) / 2, -1.0, 1.0)) * 180 / M_PI;  // trace = 1 + 2 cos
      ASSERT_LE(angle, max_deg + 1e-6);
      worst = std::max(worst, angle);
    }
    EXPECT_GT(worst, 0.8 * max_deg);  // the whole range is used
  }
}

TEST(Rotate, TurnsEveryTripleTheSameWay) {
  Sample s;
  s.interval_ms = 10;
  for (const char* n : {"accX", "accY", "accZ", "temp", "gyrX", "gyrY", "gyrZ"}) s.sensors.push_back({n, ""});
  s.values = {1, 0, 0, 25, 0, 2, 0,  //
              0, 0, 9.81f, 26, 1, 1, 1};
  const double quarter_z[9] = {0, -1, 0, 1, 0, 0, 0, 0, 1};  // +90 degrees about z: x -> y, y -> -x
  learn::rotate_axes(s, {0, 1, 2, 4, 5, 6}, quarter_z);
  std::vector<float> want = {0, 1, 0, 25, -2, 0, 0,  //
                             0, 0, 9.81f, 26, -1, 1, 1};
  ASSERT_EQ(s.values.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(s.values[i], want[i], 1e-6) << i;
}

TEST(Rotate, SpecOptionIsParsedAndChecked) {
  learn::InputInfo in{{105}, "spectral"};
  auto cfg = learn::parse_network_config({{"augment", {{"rotate", 30}, {"rotate_copies", 2}}}}, in, 3, false, "impulse.learn[0]");
  EXPECT_EQ(cfg.augment.rotate, 30);
  EXPECT_EQ(cfg.augment.rotate_copies, 2);
  EXPECT_FALSE(cfg.augment.any());  // no per-batch tensor work
  EXPECT_EQ(cfg.resolved["augment"]["rotate"], 30);
  EXPECT_EQ(learn::parse_network_config(json::object(), in, 3, false, "x").augment.rotate, 0);
  try {
    learn::parse_network_config({{"augment", {{"rotate", 200}}}}, in, 3, false, "impulse.learn[0]");
    FAIL() << "rotate 200 accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("impulse.learn[0].params.augment"), std::string::npos) << e.what();
  }
  EXPECT_THROW(learn::parse_network_config({{"augment", {{"rotate_copies", 0}}}}, in, 3, false, "x"), Error);
}

TEST(Rotate, TrainingAddsRotatedWindowsOnlyToTraining) {
  test::TempDir dir;
  Project p = test::augment_project(dir);
  json plain = test::train_metrics(p, json::object());
  json turned = test::train_metrics(p, {{"rotate", 20}, {"rotate_copies", 3}});
  EXPECT_EQ(turned["validation_windows"], plain["validation_windows"]);
  // 3 rotated copies of the windows of every sample on the training side; those of validation samples are
  // dropped with them (the split is by sample, so no rotated twin of a validation sample is trained on).
  EXPECT_GT(plain["validation_windows"].get<size_t>(), 0u);
  EXPECT_EQ(turned["train_windows"].get<size_t>(), 4 * plain["train_windows"].get<size_t>());
  learn::TrainOptions opts;
  opts.quiet = true;
  EXPECT_EQ(learn::train_impulse(p, opts).blocks[0].model, learn::train_impulse(p, opts).blocks[0].model);  // deterministic

  // Two axes cannot be rotated in 3-D.
  ImpulseSpec spec = load_impulse(p);
  spec.input.axes = {"accX", "accY"};
  spec.dsp[0].inputs.clear();
  save_impulse(p, spec);
  try {
    learn::train_impulse(p, opts);
    FAIL() << "two axes rotated";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("augment.rotate: rotates axes in (x, y, z) triples"), std::string::npos) << e.what();
  }
}
