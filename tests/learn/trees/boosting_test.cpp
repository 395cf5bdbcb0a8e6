// Gradient boosting: deterministic, more rounds fit better, shrinkage and depth respected, softmax
// probabilities that sum to one.
#include <gtest/gtest.h>

#include <cmath>

#include "learn/trees/block.h"
#include "learn/trees/blobs.h"

using namespace mote::learn::trees;
using nlohmann::json;

namespace {
TreeTrained fit(const mote::test::Blobs& b, json params, bool regression = false) {
  return mote::test::fit_blobs("gradient_boosting", b, std::move(params), regression);
}
}  // namespace

TEST(GradientBoosting, DeterministicAndRoundMajor) {
  const auto b = mote::test::make_blobs(300, 6, 3, 4);
  const auto a = fit(b, {{"trees", 10}, {"max_features", 3}, {"seed", 2}});
  EXPECT_EQ(to_json(a.model).dump(), to_json(fit(b, {{"trees", 10}, {"max_features", 3}, {"seed", 2}}).model).dump());
  ASSERT_EQ(a.model.trees.size(), 30u);  // 10 rounds x 3 classes
  for (size_t t = 0; t < a.model.trees.size(); ++t) EXPECT_EQ(a.model.trees[t].output, static_cast<int>(t % 3));
  const auto p = predict_float(a.model, b.x.data());
  double sum = 0;
  for (float v : p) sum += v;
  EXPECT_NEAR(sum, 1.0, 1e-5);
}

TEST(GradientBoosting, MoreRoundsFitBetter) {
  const auto b = mote::test::make_blobs(500, 6, 4, 8);
  const double few = fit(b, {{"trees", 2}, {"max_depth", 2}}).metrics["accuracy"], many = fit(b, {{"trees", 60}, {"max_depth", 2}}).metrics["accuracy"];
  EXPECT_GE(many, few);
  EXPECT_GT(many, 0.9);
  const double r_few = fit(b, {{"trees", 3}}, true).metrics["rmse"], r_many = fit(b, {{"trees", 80}, {"learning_rate", 0.2}}, true).metrics["rmse"];
  EXPECT_LT(r_many, 0.6 * r_few);
  const auto stump = fit(b, {{"trees", 5}, {"max_depth", 1}});
  EXPECT_EQ(stump.metrics["depth"], 1);
}

// Two classes: one logit (class 1's), one tree per round, every tree feeding output 1; class 0's score is 0,
// so the softmax is the logistic of the logit; the int8 model reports class 0's logit as exactly 0.
TEST(GradientBoosting, BinaryHasOneLogitPerRound) {
  const auto b = mote::test::make_blobs(400, 6, 2, 12);
  const auto a = fit(b, {{"trees", 12}, {"max_depth", 2}});
  ASSERT_TRUE(a.model.single_logit);
  ASSERT_EQ(a.model.trees.size(), 12u);
  for (const auto& t : a.model.trees) EXPECT_EQ(t.output, 1);
  EXPECT_EQ(a.model.base[0], 0.0f);
  EXPECT_GT(a.metrics["accuracy"].get<double>(), 0.9);
  const Tables tab = make_tables(a.model);
  for (size_t r = 0; r < b.rows; r += 5) {
    const float* row = &b.x[r * b.width];
    const auto raw = raw_scores(a.model, row);
    const auto p = predict_float(a.model, row);
    EXPECT_EQ(raw[0], 0.0);
    EXPECT_NEAR(p[1], 1.0 / (1.0 + std::exp(-raw[1])), 1e-5);
    EXPECT_EQ(predict_int8(a.model, tab, row)[0], 0) << "row " << r;
  }
  // More classes keep one tree per class per round.
  EXPECT_FALSE(fit(mote::test::make_blobs(300, 6, 3, 12), {{"trees", 2}}).model.single_logit);
}
