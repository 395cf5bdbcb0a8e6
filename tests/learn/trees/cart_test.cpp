// CART on bins: a single clean threshold is found exactly (midway between the occupied bins), impurity
// criteria agree on a clean split, min_samples_leaf holds, and second-order leaves are -G/(H + lambda).
#include <gtest/gtest.h>

#include "learn/trees/cart.h"

using namespace mote::learn::trees;

TEST(Cart, FindsACleanSplitMidwayBetweenBins) {
  Binned x;
  x.rows = 8, x.features = 2;
  // feature 0 is noise; feature 1 separates: bins 10,11,12,13 -> class 0, 40,41,42,43 -> class 1.
  x.bins = {5, 200, 5, 200, 5, 200, 5, 200, 10, 11, 12, 13, 40, 41, 42, 43};
  std::vector<int> y = {0, 0, 0, 0, 1, 1, 1, 1};
  Targets t;
  t.y = y.data(), t.classes = 2;
  for (Criterion c : {Criterion::Gini, Criterion::Entropy}) {
    CartParams p;
    p.criterion = c;
    std::mt19937_64 rng(1);
    Tree tree = fit_tree(x, {0, 1, 2, 3, 4, 5, 6, 7}, t, p, rng);
    ASSERT_EQ(tree.nodes.size(), 3u);
    EXPECT_EQ(tree.nodes[0].feature, 1);
    EXPECT_EQ(tree.nodes[0].bin, (13 + 40) / 2);
    EXPECT_EQ(tree.nodes[tree.nodes[0].left].value, 0);
    EXPECT_EQ(tree.nodes[tree.nodes[0].right].value, 1);
    EXPECT_EQ(tree.depth(), 1);
  }
}

TEST(Cart, MinSamplesLeafAndSecondOrderLeaves) {
  Binned x;
  x.rows = 6, x.features = 1;
  x.bins = {1, 2, 3, 4, 5, 6};
  std::vector<double> g = {-1, -1, -1, 4, 4, 4}, h(6, 1.0);
  Targets t;
  t.g = g.data(), t.h = h.data();
  CartParams p;
  p.criterion = Criterion::SecondOrder;
  p.lambda = 1;
  p.min_samples_leaf = 3;
  std::mt19937_64 rng(1);
  Tree tree = fit_tree(x, {0, 1, 2, 3, 4, 5}, t, p, rng);
  ASSERT_EQ(tree.nodes.size(), 3u);
  EXPECT_FLOAT_EQ(tree.nodes[tree.nodes[0].left].value, 3.0f / 4.0f);     // -(-3) / (3 + 1)
  EXPECT_FLOAT_EQ(tree.nodes[tree.nodes[0].right].value, -12.0f / 4.0f);  // -(12) / (3 + 1)
  p.min_samples_leaf = 4;  // no split leaves 4 rows on both sides of 6
  std::mt19937_64 rng2(1);
  EXPECT_EQ(fit_tree(x, {0, 1, 2, 3, 4, 5}, t, p, rng2).nodes.size(), 1u);
}
