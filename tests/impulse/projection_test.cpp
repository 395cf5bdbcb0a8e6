// The feature explorer's PCA is fitted on training windows: test-only rows are projected, not fitted.
#include "impulse/projection.h"

#include <gtest/gtest.h>

using namespace mote;

TEST(Projection, FittedOnTrainingWindowsOnly) {
  FeatureTable t;
  t.width = 4;
  // Training: two classes apart along features 0 and 1, independent noise in 2 and 3.
  auto noise = [](int i, int k, int m) { return static_cast<float>((i * k) % m) / static_cast<float>(m) - 0.5f; };
  for (int i = 0; i < 40; ++i) {
    float a = (i % 2) ? 3.0f : -3.0f;
    t.data.insert(t.data.end(), {a + 0.3f * noise(i, 37, 11), 0.5f * a + 0.3f * noise(i, 41, 13), noise(i, 53, 7),
                                 noise(i, 29, 17)});
    t.rows.push_back({i, i % 2 ? "b" : "a", Category::Training, 0});
  }
  Projection train_only = project_2d(t);
  // Testing rows far out along feature 3 would dominate a PCA fitted on every row.
  for (int i = 0; i < 10; ++i) {
    t.data.insert(t.data.end(), {0.0f, 0.0f, 0.0f, 500.0f + static_cast<float>(i)});
    t.rows.push_back({100 + i, "odd", Category::Testing, 0});
  }
  Projection with_test = project_2d(t);
  ASSERT_EQ(with_test.xy.size(), 2u * 50u);
  for (size_t i = 0; i < 2 * 40; ++i) EXPECT_FLOAT_EQ(with_test.xy[i], train_only.xy[i]) << i;
  EXPECT_DOUBLE_EQ(with_test.explained[0], train_only.explained[0]);
  // Class separation shows on the first axis.
  float a = 0, b = 0;
  for (int i = 0; i < 40; ++i) (i % 2 ? b : a) += with_test.xy[2 * i] / 20;
  EXPECT_GT(std::abs(a - b), 2.0f);
}

TEST(Projection, AllTestingStillProjects) {
  FeatureTable t;
  t.width = 2;
  for (int i = 0; i < 10; ++i) {
    t.data.insert(t.data.end(), {static_cast<float>(i), static_cast<float>(i % 3)});
    t.rows.push_back({i, "x", Category::Testing, 0});
  }
  Projection p = project_2d(t);
  EXPECT_GT(p.explained[0], 0.3);
  float spread = 0;
  for (int i = 0; i < 10; ++i) spread = std::max(spread, std::abs(p.xy[2 * i]));
  EXPECT_GT(spread, 0.5f);
}
