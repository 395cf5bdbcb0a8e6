#include "ingest/split.h"

#include <gtest/gtest.h>

#include "core/crypto.h"

using namespace mote;

TEST(Split, ExactShareForEveryLabelAndOrderIndependent) {
  std::vector<SplitItem> items;
  for (int i = 0; i < 37; ++i) items.push_back({"a", sha256_hex("a" + std::to_string(i))});
  for (int i = 0; i < 5; ++i) items.push_back({"b", sha256_hex("b" + std::to_string(i))});
  auto cats = stratified_split(items, 0.2);
  int test_a = 0, test_b = 0;
  for (size_t i = 0; i < items.size(); ++i) (items[i].label == "a" ? test_a : test_b) += cats[i] == Category::Testing;
  EXPECT_TRUE(test_a == 7 || test_a == 8) << test_a;  // 0.2 * 37 = 7.4
  EXPECT_EQ(test_b, 1);
  std::vector<SplitItem> reversed(items.rbegin(), items.rend());
  auto cats2 = stratified_split(reversed, 0.2);
  for (size_t i = 0; i < items.size(); ++i) EXPECT_EQ(cats[i], cats2[items.size() - 1 - i]);
}

TEST(Split, FractionZeroAndOne) {
  std::vector<SplitItem> items;
  for (int i = 0; i < 10; ++i) items.push_back({"a", sha256_hex(std::to_string(i))});
  for (auto c : stratified_split(items, 0.0)) EXPECT_EQ(c, Category::Training);
  for (auto c : stratified_split(items, 1.0)) EXPECT_EQ(c, Category::Testing);
}
