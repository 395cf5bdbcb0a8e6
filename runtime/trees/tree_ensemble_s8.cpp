#include "trees/tree_ensemble_s8.h"

namespace mote {
namespace trees {
namespace {

// One tree from its first node: the leaf payload it reaches. One 32-bit load per node; on Cortex-M the
// threshold is compared straight from the word (cmp x, w, asr #24).
inline uint32_t walk_packed(const uint32_t* n, uint32_t leaf_base, const int8_t* x) {
  uint32_t w = n[0];
  for (;;) {
    const int32_t t = static_cast<int32_t>(w) >> 24;  // arithmetic on every target mote supports (gcc, clang)
    const uint32_t c = x[w & 0xFFu] <= t ? (w >> 8) & 0xFFu : (w >> 16) & 0xFFu;
    if (c >= leaf_base) return c - leaf_base;
    w = n[c];
  }
}

inline uint32_t walk_wide(const TreeEnsembleS8& m, uint32_t r, const int8_t* x) {
  const uint16_t* f = m.feature16 + r;
  const int8_t* t = m.threshold + r;
  const uint16_t* l = m.left16 + r;
  const uint16_t* rt = m.right16 + r;
  uint32_t i = 0;
  for (;;) {
    const uint32_t c = x[f[i]] <= t[i] ? l[i] : rt[i];
    if (c >= m.leaf_base) return c - m.leaf_base;
    i = c;
  }
}

struct Packed {
  static bool ok(const TreeEnsembleS8& m) { return m.nodes != 0; }
  static uint32_t walk(const TreeEnsembleS8& m, uint32_t t, const int8_t* x) { return walk_packed(m.nodes + m.roots[t], m.leaf_base, x); }
};
struct Wide {
  static bool ok(const TreeEnsembleS8& m) { return m.feature16 && m.threshold && m.left16 && m.right16; }
  static uint32_t walk(const TreeEnsembleS8& m, uint32_t t, const int8_t* x) { return walk_wide(m, m.roots[t], x); }
};

template <typename L>
Status vote(const TreeEnsembleS8& m, const int8_t* x, int8_t* out) {
  if (!x || !out || !m.roots || !L::ok(m) || m.trees == 0 || m.trees > 255 || m.outputs == 0) return MOTE_ERR_ARG;
  const uint32_t outputs = m.outputs, trees = m.trees;  // locals: out[] writes would otherwise reload them
  for (uint32_t k = 0; k < outputs; ++k) out[k] = -128;
  for (uint32_t t = 0; t < trees; ++t) {
    const uint32_t cls = L::walk(m, t, x);
    if (cls >= outputs) return MOTE_ERR_ARG;
    ++out[cls];
  }
  return MOTE_OK;
}

// The packed vote with every invariant in a register (its per-tree overhead is what the hot path pays).
template <>
Status vote<Packed>(const TreeEnsembleS8& m, const int8_t* x, int8_t* out) {
  if (!x || !out || !m.roots || !m.nodes || m.trees == 0 || m.trees > 255 || m.outputs == 0) return MOTE_ERR_ARG;
  const uint32_t outputs = m.outputs, trees = m.trees, base = m.leaf_base;
  const uint16_t* roots = m.roots;
  const uint32_t* nodes = m.nodes;
  for (uint32_t k = 0; k < outputs; ++k) out[k] = -128;
  for (uint32_t t = 0; t < trees; ++t) {
    const uint32_t cls = walk_packed(nodes + roots[t], base, x);
    if (cls >= outputs) return MOTE_ERR_ARG;
    ++out[cls];
  }
  return MOTE_OK;
}

template <typename L>
Status sum(const TreeEnsembleS8& m, const int8_t* x, int8_t* out) {
  if (!x || !out || !m.roots || !L::ok(m) || m.trees == 0 || m.outputs == 0 || !m.leaf_start || !m.leaf_values || !m.bias ||
      m.shift < 0 || m.shift > 30 || m.sums > m.outputs)
    return MOTE_ERR_ARG;
  // Trees are stored round-major (tree t feeds output first + t % sums): one running sum per output.
  const uint32_t sums = m.sums ? m.sums : m.outputs, first = m.outputs - sums;
  const int32_t half = m.shift > 0 ? (int32_t(1) << (m.shift - 1)) : 0;
  for (uint32_t k = 0; k < m.outputs; ++k) {
    int32_t s = m.bias[k];
    if (k >= first)
      for (uint32_t t = k - first; t < m.trees; t += sums) s += m.leaf_values[m.leaf_start[t] + L::walk(m, t, x)];
    const int32_t v = (s + half) >> m.shift;  // arithmetic shift: floor, so + half rounds half up
    out[k] = static_cast<int8_t>(v < -128 ? -128 : (v > 127 ? 127 : v));
  }
  return MOTE_OK;
}

// Soft votes: each tree adds its leaf's class shares; the sums become mean shares x 255 by one multiply and
// shift (the generator keeps sum x proba_mult below 2^32).
template <typename L>
Status proba(const TreeEnsembleS8& m, const int8_t* x, int8_t* out, uint32_t* s) {
  if (!x || !out || !s || !m.roots || !L::ok(m) || m.trees == 0 || m.outputs == 0 || !m.leaf_proba || m.shift < 1 || m.shift > 31)
    return MOTE_ERR_ARG;
  const uint32_t outputs = m.outputs, trees = m.trees;
  for (uint32_t k = 0; k < outputs; ++k) s[k] = 0;
  for (uint32_t t = 0; t < trees; ++t) {
    const uint8_t* p = m.leaf_proba + L::walk(m, t, x) * outputs;
    for (uint32_t k = 0; k < outputs; ++k) s[k] += p[k];
  }
  const uint32_t half = uint32_t(1) << (m.shift - 1);
  for (uint32_t k = 0; k < outputs; ++k) {
    const uint32_t v = (s[k] * m.proba_mult + half) >> m.shift;
    out[k] = static_cast<int8_t>(static_cast<int32_t>(v > 255 ? 255 : v) - 128);
  }
  return MOTE_OK;
}

}  // namespace

size_t tree_ensemble_s8_scratch_bytes(const TreeEnsembleS8& m) { return m.kind == kTreeProba ? 4u * m.outputs : 0u; }

Status tree_vote_s8_packed(const TreeEnsembleS8& m, const int8_t* x, int8_t* out) { return vote<Packed>(m, x, out); }
Status tree_sum_s8_packed(const TreeEnsembleS8& m, const int8_t* x, int8_t* out) { return sum<Packed>(m, x, out); }
Status tree_vote_s8_wide(const TreeEnsembleS8& m, const int8_t* x, int8_t* out) { return vote<Wide>(m, x, out); }
Status tree_sum_s8_wide(const TreeEnsembleS8& m, const int8_t* x, int8_t* out) { return sum<Wide>(m, x, out); }
Status tree_proba_s8_packed(const TreeEnsembleS8& m, const int8_t* x, int8_t* out, uint32_t* scratch) {
  return proba<Packed>(m, x, out, scratch);
}
Status tree_proba_s8_wide(const TreeEnsembleS8& m, const int8_t* x, int8_t* out, uint32_t* scratch) { return proba<Wide>(m, x, out, scratch); }

Status tree_ensemble_s8(const TreeEnsembleS8& m, const int8_t* x, int8_t* out, uint32_t* scratch) {
  if (m.kind == kTreeVote) return m.nodes ? tree_vote_s8_packed(m, x, out) : tree_vote_s8_wide(m, x, out);
  if (m.kind == kTreeSum) return m.nodes ? tree_sum_s8_packed(m, x, out) : tree_sum_s8_wide(m, x, out);
  if (m.kind == kTreeProba) return m.nodes ? tree_proba_s8_packed(m, x, out, scratch) : tree_proba_s8_wide(m, x, out, scratch);
  return MOTE_ERR_ARG;
}

}  // namespace trees
}  // namespace mote
