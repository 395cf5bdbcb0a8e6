// Deterministic stratified train/test split: per label, a fixed fraction of samples chosen by content hash.
#pragma once

#include <string>
#include <vector>

#include "store/sample.h"

namespace mote {

struct SplitItem {
  std::string label;
  std::string hash;
};

// For each label, round(fraction * n) of its samples (give or take one) go to testing, picked evenly
// along the hash order; the same items always split the same way, whatever their order.
std::vector<Category> stratified_split(const std::vector<SplitItem>& items, double test_fraction = 0.2);

}  // namespace mote
