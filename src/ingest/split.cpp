#include "ingest/split.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace mote {

std::vector<Category> stratified_split(const std::vector<SplitItem>& items, double test_fraction) {
  std::vector<Category> out(items.size(), Category::Training);
  std::map<std::string, std::vector<size_t>> by_label;
  for (size_t i = 0; i < items.size(); ++i) by_label[items[i].label].push_back(i);
  for (auto& [label, idx] : by_label) {
    std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
      return items[a].hash != items[b].hash ? items[a].hash < items[b].hash : a < b;
    });
    // Phase from the smallest hash: a group of one still lands in testing with probability test_fraction.
    double phase = std::stoul(items[idx.front()].hash.substr(0, 8), nullptr, 16) / 4294967296.0;
    for (size_t k = 0; k < idx.size(); ++k) {
      if (std::floor((k + 1) * test_fraction + phase) > std::floor(k * test_fraction + phase))
        out[idx[k]] = Category::Testing;
    }
  }
  return out;
}

}  // namespace mote
