#include "learn/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mote::learn {

Confusion make_confusion(const std::vector<std::string>& classes, const std::vector<std::string>& extra_cols) {
  Confusion c;
  c.rows = classes;
  c.cols = classes;
  c.cols.insert(c.cols.end(), extra_cols.begin(), extra_cols.end());
  c.matrix.assign(c.rows.size() * c.cols.size(), 0);
  return c;
}

double accuracy(const Confusion& c) {
  double right = 0, total = 0;
  for (size_t r = 0; r < c.rows.size(); ++r)
    for (size_t p = 0; p < c.cols.size(); ++p) {
      total += c.matrix[r * c.cols.size() + p];
      if (r == p) right += c.matrix[r * c.cols.size() + p];
    }
  return total > 0 ? right / total : std::numeric_limits<double>::quiet_NaN();
}

std::vector<ClassMetrics> class_metrics(const Confusion& c) {
  std::vector<ClassMetrics> out;
  size_t n = c.cols.size();
  for (size_t k = 0; k < c.rows.size(); ++k) {
    double tp = c.matrix[k * n + k], row = 0, col = 0;
    for (size_t p = 0; p < n; ++p) row += c.matrix[k * n + p];
    for (size_t t = 0; t < c.rows.size(); ++t) col += c.matrix[t * n + k];
    ClassMetrics m;
    m.label = c.rows[k];
    m.support = static_cast<size_t>(row);
    m.precision = col > 0 ? tp / col : 0;
    m.recall = row > 0 ? tp / row : 0;
    m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0;
    out.push_back(m);
  }
  return out;
}

double roc_auc(const std::vector<double>& pos, const std::vector<double>& neg) {
  if (pos.empty() || neg.empty()) return std::numeric_limits<double>::quiet_NaN();
  // Rank-sum over the merged, sorted scores with average ranks for ties.
  std::vector<std::pair<double, int>> all;
  for (double s : pos) all.push_back({s, 1});
  for (double s : neg) all.push_back({s, 0});
  std::sort(all.begin(), all.end(), [](auto& a, auto& b) { return a.first < b.first; });
  double rank_sum = 0;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    double avg = (i + 1 + j) / 2.0;  // ranks i+1 .. j
    for (size_t k = i; k < j; ++k)
      if (all[k].second) rank_sum += avg;
    i = j;
  }
  double np = pos.size(), nn = neg.size();
  return (rank_sum - np * (np + 1) / 2) / (np * nn);
}

}  // namespace mote::learn
