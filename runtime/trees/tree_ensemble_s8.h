// Tree ensembles over int8 features (the input the impulse already quantizes for its learning block).
// Each tree is a table of its decision nodes in pre-order; node i compares x[feature] <= threshold and
// continues at its left or right child code. A code c < leaf_base is another decision node of the same tree
// (index relative to the tree's root); c >= leaf_base is a leaf with payload p = c - leaf_base:
//   kTreeVote: p is a class; out[k] = (trees voting for class k) - 128, so out dequantizes with scale
//              1 / trees and zero point -128 to the share of trees voting k (trees <= 255).
//   kTreeSum:  p indexes the tree's leaf values (leaf_values + leaf_start[t]); the trees feed the last
//              `sums` outputs (0 = all), tree t output (outputs - sums) + t % sums (a binary classifier's
//              one logit feeds class 1; class 0 keeps its bias); out[k] = clamp(round((bias[k] + sum) /
//              2^shift)) (round half up), in units of the leaf scale x 2^shift (the generator states it).
//   kTreeProba: soft votes. p indexes the forest's shared leaf distributions (leaf_proba + p * outputs,
//              uint8 shares of each leaf's training rows, summing to the same total per leaf); per class
//              s[k] = sum over trees, out[k] = min(255, (s[k] * proba_mult + 2^(shift-1)) >> shift) - 128,
//              the mean share in units of 1/255 (scale 1/255, zero point -128); uint32 arithmetic.
// Two node layouts:
//   packed (every feature index and child code < 256): one uint32 per node,
//            feature | left << 8 | right << 16 | (uint8)threshold << 24  -- one load per node, and the
//            threshold compares as the word shifted right (arithmetic) by 24;
//   wide:    feature16[], threshold[], left16[], right16[] arrays.
#ifndef MOTE_TREES_TREE_ENSEMBLE_S8_H
#define MOTE_TREES_TREE_ENSEMBLE_S8_H

#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"

namespace mote {
namespace trees {

enum TreeKind { kTreeVote = 0, kTreeSum = 1, kTreeProba = 2 };

struct TreeEnsembleS8 {
  uint16_t trees;              // >= 1; kTreeVote: <= 255
  uint16_t outputs;            // classes (vote) or outputs (sum); out has this many values
  uint8_t kind;                // TreeKind
  uint16_t leaf_base;          // child codes >= leaf_base are leaves
  const uint16_t* roots;       // trees entries: each tree's first node
  const uint32_t* nodes;       // packed layout (or null)
  const uint16_t* feature16;   // wide layout (or null)
  const int8_t* threshold;     // wide: go left when x[feature] <= threshold
  const uint16_t* left16;      // wide
  const uint16_t* right16;     // wide
  const uint16_t* leaf_start;  // kTreeSum: trees entries, each tree's first leaf value
  const int16_t* leaf_values;  // kTreeSum
  const int32_t* bias;         // kTreeSum: outputs values, in leaf units
  int32_t shift;               // kTreeSum: 0..30; kTreeProba: 1..31
  uint16_t sums;               // kTreeSum: outputs the trees feed (the last ones); 0 = all
  const uint8_t* leaf_proba;   // kTreeProba: outputs values per distribution
  uint32_t proba_mult;         // kTreeProba: sum x proba_mult >> shift = mean share x 255 (no uint32 overflow)
};

// The packed word of one node.
inline uint32_t tree_node_word(uint32_t feature, int8_t threshold, uint32_t left, uint32_t right) {
  return feature | (left << 8) | (right << 16) | (static_cast<uint32_t>(static_cast<uint8_t>(threshold)) << 24);
}

// kTreeProba: 4 bytes per output (the class sums); other kinds 0.
size_t tree_ensemble_s8_scratch_bytes(const TreeEnsembleS8& m);
// x: the features (as many as the largest feature index + 1); out: m.outputs int8 values; scratch:
// tree_ensemble_s8_scratch_bytes(m) (may be null when that is 0). Picks the variant
// below from the model. Errors: MOTE_ERR_ARG (null pointers, a missing array for the kind or layout, shift out
// of range, a voting forest over 255 trees, a vote for a class >= outputs).
// The tables are trusted to be well formed (children after their parent, inside the tree): the generator
// and the host's model checks make them so.
Status tree_ensemble_s8(const TreeEnsembleS8& m, const int8_t* x, int8_t* out, uint32_t* scratch = 0);
// The variants, for generated code to call directly (only the one a model uses is linked).
Status tree_vote_s8_packed(const TreeEnsembleS8& m, const int8_t* x, int8_t* out);
Status tree_sum_s8_packed(const TreeEnsembleS8& m, const int8_t* x, int8_t* out);
Status tree_vote_s8_wide(const TreeEnsembleS8& m, const int8_t* x, int8_t* out);
Status tree_sum_s8_wide(const TreeEnsembleS8& m, const int8_t* x, int8_t* out);
Status tree_proba_s8_packed(const TreeEnsembleS8& m, const int8_t* x, int8_t* out, uint32_t* scratch);
Status tree_proba_s8_wide(const TreeEnsembleS8& m, const int8_t* x, int8_t* out, uint32_t* scratch);

}  // namespace trees
}  // namespace mote

#endif  // MOTE_TREES_TREE_ENSEMBLE_S8_H
