// Random forests: the same seed gives the same trees, another seed other trees; they fit separable blobs
// and a smooth regression; bootstrap and feature draws show (trees differ from one another).
#include <gtest/gtest.h>

#include "learn/trees/block.h"
#include "learn/trees/blobs.h"

using namespace mote::learn::trees;
using nlohmann::json;

namespace {
TreeTrained fit(const mote::test::Blobs& b, json params, bool regression = false) {
  return mote::test::fit_blobs("random_forest", b, std::move(params), regression);
}
}  // namespace

TEST(RandomForest, DeterministicForASeed) {
  const auto b = mote::test::make_blobs(400, 10, 3, 1);
  const auto a = to_json(fit(b, {{"seed", 5}}).model), again = to_json(fit(b, {{"seed", 5}}).model);
  EXPECT_EQ(a.dump(), again.dump());
  EXPECT_NE(a.dump(), to_json(fit(b, {{"seed", 6}}).model).dump());
  EXPECT_NE(a["trees"][0].dump(), a["trees"][1].dump());  // bootstrap + feature draws differ per tree
}

TEST(RandomForest, FitsBlobsAndARegression) {
  const auto b = mote::test::make_blobs(600, 8, 4, 2);
  const auto c = fit(b, {{"trees", 20}});
  EXPECT_GT(c.metrics["accuracy"].get<double>(), 0.9);
  EXPECT_LE(c.metrics["depth"].get<int>(), 8);
  EXPECT_EQ(c.metrics["trees"], 20);
  const auto shallow = fit(b, {{"trees", 5}, {"max_depth", 2}, {"min_samples_leaf", 20}});
  EXPECT_LE(shallow.metrics["depth"].get<int>(), 2);
  EXPECT_LE(shallow.metrics["decision_nodes"].get<int>(), 5 * 3);
  const auto r = fit(b, {{"trees", 20}}, true);
  double var = 0, mean = 0;
  for (float v : b.target) mean += v / b.rows;
  for (float v : b.target) var += (v - mean) * (v - mean) / b.rows;
  EXPECT_LT(r.metrics["rmse"].get<double>(), 0.5 * std::sqrt(var));
}

TEST(RandomForest, ClassWeightsShiftTheVote) {
  // Three classes, the last one rare: weighting it up must not lower its recall on the training set.
  auto b = mote::test::make_blobs(600, 4, 3, 9);
  mote::test::Blobs skew;
  skew.width = b.width;
  for (size_t r = 0; r < b.rows; ++r) {
    if (b.labels[r] == "c2" && r % 6 != 2) continue;
    skew.x.insert(skew.x.end(), &b.x[r * b.width], &b.x[r * b.width] + b.width);
    skew.labels.push_back(b.labels[r]);
    ++skew.rows;
  }
  auto recall = [&](const TreeTrained& t) {
    size_t hit = 0, n = 0;
    for (size_t r = 0; r < skew.rows; ++r) {
      if (skew.labels[r] != "c2") continue;
      auto p = predict_float(t.model, &skew.x[r * skew.width]);
      hit += std::max_element(p.begin(), p.end()) - p.begin() == 2, ++n;
    }
    return double(hit) / n;
  };
  const double plain = recall(fit(skew, {{"max_depth", 2}})), weighted = recall(fit(skew, {{"max_depth", 2}, {"class_weights", {{"c2", 8}}}}));
  EXPECT_GE(weighted, plain);
  EXPECT_GT(weighted, 0.5);
}
