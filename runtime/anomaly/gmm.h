// Gaussian-mixture anomaly score: the negative log-likelihood of the standardized features
// z = (x - mean) * inv_scale under sum_k w_k N(z; mu_k, S_k). Each component is stored as its log
// normalizer log w_k - d/2 log(2 pi) + 1/2 log|S_k^-1| and a factor U_k of its precision
// (S_k^-1 = U_k^T U_k), so log N = log_norm_k - 1/2 |U_k (z - mu_k)|^2; the sum over components is a
// log-sum-exp with the runtime's portable exp/log.
#ifndef MOTE_ANOMALY_GMM_H
#define MOTE_ANOMALY_GMM_H

#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"

namespace mote {
namespace anomaly {

struct GmmModel {
  uint16_t dim;
  uint16_t components;     // >= 1
  bool full;               // true: U_k is dim x dim upper triangular; false: diagonal (dim values)
  const uint16_t* select;  // dim indices into the input vector, or null for input[0, dim)
  const float* mean;       // dim
  const float* inv_scale;  // dim
  const float* means;      // components x dim
  const float* factors;    // components x (full ? dim x dim row-major : dim)
  const float* log_norm;   // components
};

// input: input_len floats; score: -log p(z).
Status gmm_score_f32(const GmmModel& m, const float* input, size_t input_len, float* score);

// Limits: the scorer keeps one dim-sized float vector on its stack.
enum { kGmmMaxDim = 256, kGmmMaxComponents = 64 };

}  // namespace anomaly
}  // namespace mote

#endif  // MOTE_ANOMALY_GMM_H
