// A trained tree ensemble as mote stores, runs and deploys it: the per-feature int8 input map (the
// device quantizes the block's features with it, nn/quantize_affine_s8), the trees over those codes,
// and how its int8 outputs are scaled. Torch-free; JSON in and out (read back with every index checked).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "learn/trees/cart.h"
#include "trees/tree_ensemble_s8.h"

namespace mote::learn::trees {

struct Ensemble {
  std::string kind;                 // "random_forest" or "gradient_boosting"
  bool regression = false;
  std::vector<std::string> labels;  // classes; {"value"} for a regression
  size_t width = 0;                 // input features
  std::vector<float> gain, offset;  // code_i = clamp(round_half_away(x_i * gain_i + offset_i)), int8
  std::vector<Tree> trees;          // sum models: round-major, tree t adds to output t % outputs()
  std::vector<float> base;          // gradient boosting: initial score per output
  // int8 output of sum models (boosting, regressions): leaves and base in units of leaf_scale (int16),
  // out = clamp(round(sum / 2^shift) + zero_point); dequantized: (out - zero_point) x leaf_scale x 2^shift.
  float leaf_scale = 1;
  int shift = 0;
  int zero_point = 0;
  // A forest classifier votes soft (each tree adds its leaf's class shares, Node::proba, as scikit-learn's
  // predict_proba) or hard (each tree adds one vote for its leaf's class).
  bool soft = false;
  // A binary boosting classifier with one logit (class 1's; class 0's is 0): one tree per round, all output 1.
  bool single_logit = false;

  size_t outputs() const { return regression ? 1 : labels.size(); }
  bool votes() const { return kind == "random_forest" && !regression; }  // a voting forest (hard or soft)
  size_t sums() const { return single_logit ? 1 : outputs(); }          // sum models: outputs the trees feed (the last)
  float output_scale() const;      // of the int8 outputs
  int output_zero_point() const;   // -128 for votes
  size_t internal_nodes() const;
};

// The int8 map from training features (rows x width): per feature, its 0.1 % and 99.9 % quantiles span
// the 256 codes (a constant feature maps to 0).
void fit_input_map(Ensemble& e, const float* x, size_t rows);
// Codes through the runtime's quantize_affine_s8, as the device computes them.
std::vector<int8_t> quantize_features(const Ensemble& e, const float* x);
Binned bin_features(const Ensemble& e, const float* x, size_t rows);

// Host float model: leaves as trained, each split taken on x * gain + offset < code + 0.5 (the code's
// upper edge before rounding). Classifier: shares of votes (forest) or softmax probabilities (boosting);
// regression: the value.
std::vector<float> predict_float(const Ensemble& e, const float* x);
// Raw float scores: votes per class, or per-output sums (boosting logits / regression value).
std::vector<double> raw_scores(const Ensemble& e, const float* x);

// Soft votes on the device: each leaf's shares as whole units of 1/kLeafShares (largest remainder, so
// every leaf sums to kLeafShares; ties to the lower class).
constexpr int kLeafShares = 15;
std::vector<uint8_t> leaf_shares(const std::vector<float>& proba);

// Sets leaf_scale, shift and zero_point from the float outputs the model gives on `rows` training rows.
void calibrate_int8(Ensemble& e, const float* x, size_t rows);

// The device tables (runtime/trees/tree_ensemble_s8.h): packed node words when every feature index and
// child code fits a byte, else the wide arrays.
struct Tables {
  std::vector<uint16_t> roots, feature, leaf_start;
  std::vector<int8_t> threshold;
  std::vector<uint16_t> left, right;
  std::vector<int16_t> leaf_values;
  std::vector<int32_t> bias;
  std::vector<uint8_t> leaf_proba;  // soft votes: distinct leaf distributions (the one-hot ones first), outputs each
  uint32_t proba_mult = 0;          // soft votes: sum x proba_mult >> kProbaShift = mean share x 255
  static constexpr int kProbaShift = 23;
  uint16_t leaf_base = 0;
  bool packed = true;
  std::vector<uint32_t> words;  // packed: tree_node_word per node
  mote::trees::TreeEnsembleS8 kernel(const Ensemble& e) const;
  size_t const_bytes() const;  // every array as the generated code stores it
};
Tables make_tables(const Ensemble& e);

// Decision nodes a walk of every tree compares on these int8 codes (a one-leaf tree counts its one
// always-left node, as the device runs it): what `mote profile` reports for a tree model.
size_t comparisons(const Ensemble& e, const std::vector<int8_t>& codes);

// The int8 model on the host: features -> codes -> runtime/trees kernel -> int8 outputs.
std::vector<int8_t> predict_int8(const Ensemble& e, const Tables& t, const float* x);
// Dequantized int8 outputs in predict_float's terms (shares, softmax of the logits, value).
std::vector<float> dequantize(const Ensemble& e, const std::vector<int8_t>& q);

nlohmann::json to_json(const Ensemble& e);
// Throws mote::Error naming `where`.<field> for anything malformed (sizes, indices, cycles, ranges).
Ensemble from_json(const nlohmann::json& j, const std::string& where = "trees");

}  // namespace mote::learn::trees
