#include "demo/motion.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

using namespace mote;

namespace {
// Mean magnitude (gravity at rest) and the summed per-axis variance (near zero at rest, large when moving).
std::pair<double, double> motion_stats(const Sample& s) {
  double mag = 0, var = 0;
  size_t n = s.frames();
  for (size_t i = 0; i < n; ++i)
    mag += std::sqrt(std::pow(s.values[3 * i], 2) + std::pow(s.values[3 * i + 1], 2) + std::pow(s.values[3 * i + 2], 2));
  for (size_t a = 0; a < 3; ++a) {
    double sum = 0, sq = 0;
    for (size_t i = 0; i < n; ++i) {
      sum += s.values[3 * i + a];
      sq += s.values[3 * i + a] * s.values[3 * i + a];
    }
    var += sq / n - (sum / n) * (sum / n);
  }
  return {mag / n, var};
}
}  // namespace

TEST(DemoMotion, DeterministicAndShapedLikeTheSpec) {
  auto a = generate_motion(), b = generate_motion();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(content_hash(a[i]), content_hash(b[i]));
  std::map<std::string, int> count;
  double minutes = 0;
  for (auto& s : a) {
    count[s.label]++;
    minutes += s.length_ms() / 60000.0;
    EXPECT_EQ(s.axes(), 3u);
    EXPECT_DOUBLE_EQ(s.interval_ms, 16.0);
    validate_sample(s, s.name);
  }
  EXPECT_NEAR(minutes, 10.0, 1.0);
  EXPECT_EQ(count.size(), 5u);
  MotionOptions other;
  other.seed = 7;
  EXPECT_NE(content_hash(generate_motion(other)[0]), content_hash(a[0]));
}

TEST(DemoMotion, GravityAtRestAndMotionWhenMoving) {
  for (auto& s : generate_motion()) {
    auto [mean, var] = motion_stats(s);
    if (s.label == "idle") {
      EXPECT_NEAR(mean, 9.81, 0.3) << s.name;
      EXPECT_LT(var, 0.2) << s.name;
    } else {
      EXPECT_GT(var, 2.0) << s.name;
    }
    if (s.label == "anomaly") EXPECT_EQ(s.category, Category::Testing);
  }
}
