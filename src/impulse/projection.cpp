#include "impulse/projection.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

namespace mote {

Projection project_2d(const FeatureTable& t) {
  using Mat = Eigen::MatrixXd;
  Projection p;
  size_t n = t.rows.size(), w = t.width;
  p.xy.assign(n * 2, 0.0f);
  if (n < 2 || w == 0) return p;
  std::vector<size_t> fit_rows;
  for (size_t r = 0; r < n; ++r)
    if (t.rows[r].category == Category::Training) fit_rows.push_back(r);
  if (fit_rows.size() < 2) {
    fit_rows.resize(n);
    for (size_t r = 0; r < n; ++r) fit_rows[r] = r;
  }
  Mat all(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(w));
  for (size_t r = 0; r < n; ++r)
    for (size_t c = 0; c < w; ++c) all(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = t.row(r)[c];
  Mat x(static_cast<Eigen::Index>(fit_rows.size()), all.cols());
  for (size_t i = 0; i < fit_rows.size(); ++i) x.row(static_cast<Eigen::Index>(i)) = all.row(static_cast<Eigen::Index>(fit_rows[i]));
  n = fit_rows.size();
  Eigen::RowVectorXd mean = x.colwise().mean();
  x.rowwise() -= mean;
  all.rowwise() -= mean;
  Eigen::RowVectorXd sd = (x.array().square().colwise().sum() / static_cast<double>(n - 1)).sqrt();
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    const double s = sd(c) > 1e-12 ? sd(c) : 1.0;  // constant features stay 0
    x.col(c) /= s;
    all.col(c) /= s;
  }

  Mat components;  // w x 2
  Eigen::VectorXd top(2);
  double total = 0;
  if (w <= 1024) {
    Mat cov = (x.transpose() * x) / static_cast<double>(n - 1);
    Eigen::SelfAdjointEigenSolver<Mat> eig(cov);
    Eigen::Index k = eig.eigenvalues().size();
    components = eig.eigenvectors().rightCols(std::min<Eigen::Index>(2, k)).rowwise().reverse();
    top = eig.eigenvalues().tail(std::min<Eigen::Index>(2, k)).reverse();
    total = eig.eigenvalues().sum();
  } else {
    // Gram trick on a subsample: eigenvectors of X X^T give the components as X^T u / sqrt(lambda).
    size_t m = std::min<size_t>(n, 2000), step = n / m;
    Mat xs(static_cast<Eigen::Index>(m), x.cols());
    for (size_t i = 0; i < m; ++i) xs.row(static_cast<Eigen::Index>(i)) = x.row(static_cast<Eigen::Index>(i * step));
    Mat gram = (xs * xs.transpose()) / static_cast<double>(m - 1);
    Eigen::SelfAdjointEigenSolver<Mat> eig(gram);
    Eigen::Index k = std::min<Eigen::Index>(2, eig.eigenvalues().size());
    top = eig.eigenvalues().tail(k).reverse();
    Mat u = eig.eigenvectors().rightCols(k).rowwise().reverse();
    components = xs.transpose() * u;
    for (Eigen::Index c = 0; c < components.cols(); ++c) {
      double norm = components.col(c).norm();
      if (norm > 0) components.col(c) /= norm;
    }
    total = eig.eigenvalues().sum();
  }
  if (components.cols() < 2) {  // a single feature: the second axis is flat
    Mat padded = Mat::Zero(components.rows(), 2);
    padded.leftCols(components.cols()) = components;
    components = padded;
  }
  Mat xy = all * components.leftCols(2);
  for (size_t r = 0; r < t.rows.size(); ++r) {
    p.xy[2 * r] = static_cast<float>(xy(static_cast<Eigen::Index>(r), 0));
    p.xy[2 * r + 1] = static_cast<float>(xy(static_cast<Eigen::Index>(r), 1));
  }
  if (total > 0)
    for (int i = 0; i < 2 && i < top.size(); ++i) p.explained[i] = std::max(0.0, top(i)) / total;
  return p;
}

}  // namespace mote
