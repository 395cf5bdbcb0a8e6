// Gradient boosting: classification by softmax log-loss (one tree per class per round, Newton leaves
// -G/(H + lambda), the base score the log of each class's weighted share; two classes: logistic loss on
// class 1's one logit, one tree per round, as XGBoost's binary:logistic), regression by squared error
// (base = mean). Every leaf is shrunk by the learning rate; class weights scale each row's gradient and
// hessian. Deterministic: feature draws (max_features) come from mt19937_64(seed, round).
#pragma once

#include "learn/trees/cart.h"
#include "learn/trees/ensemble.h"

namespace mote::learn::trees {

struct BoostParams {
  int rounds = 50;
  double learning_rate = 0.1;
  CartParams cart;  // criterion is SecondOrder; lambda defaults to 1 here
  uint64_t seed = 1;
};

void fit_boosting_classifier(Ensemble& e, const Binned& x, const std::vector<int>& y, const std::vector<double>& class_weight,
                             const BoostParams& p);
void fit_boosting_regressor(Ensemble& e, const Binned& x, const std::vector<float>& y, const BoostParams& p);

}  // namespace mote::learn::trees
