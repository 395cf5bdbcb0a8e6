// Evaluation metrics: confusion matrix, per-class precision/recall/F1, ROC AUC. Plain C++.
#pragma once

#include <string>
#include <vector>

namespace mote::learn {

struct ClassMetrics {
  std::string label;
  double precision = 0, recall = 0, f1 = 0;
  size_t support = 0;  // true examples of the class
};

// matrix[t * cols + p]: examples of true class t predicted as p; predictions may use extra columns
// (e.g. "uncertain") beyond the classes, which count as misses.
struct Confusion {
  std::vector<std::string> rows, cols;
  std::vector<double> matrix;
  void add(size_t truth, size_t predicted) { matrix[truth * cols.size() + predicted] += 1; }
};

Confusion make_confusion(const std::vector<std::string>& classes, const std::vector<std::string>& extra_cols);
double accuracy(const Confusion& c);  // diagonal over total (extra columns count as wrong)
std::vector<ClassMetrics> class_metrics(const Confusion& c);

// Area under the ROC curve of scores for positives against negatives (ties count one half): the
// Mann-Whitney statistic. NaN when either side is empty.
double roc_auc(const std::vector<double>& positive, const std::vector<double>& negative);

}  // namespace mote::learn
