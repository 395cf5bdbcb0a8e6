#include "trees/tree_ensemble_s8.h"

namespace mote {
namespace trees {
namespace {

// One tree from its root: the leaf payload it reaches.
template <typename F, typename C>
inline uint32_t walk(const F* feature, const int8_t* threshold, const C* left, const C* right, uint32_t leaf_base,
                     const int8_t* x) {
  uint32_t i = 0;
  for (;;) {
    const uint32_t c = x[feature[i]] <= threshold[i] ? left[i] : right[i];
    if (c >= leaf_base) return c - leaf_base;
    i = c;
  }
}

template <typename F, typename C>
Status run(const TreeEnsembleS8& m, const F* feature, const C* left, const C* right, const int8_t* x, int8_t* out) {
  const uint32_t base = m.leaf_base;
  if (m.kind == kTreeVote) {
    for (uint16_t k = 0; k < m.outputs; ++k) out[k] = -128;
    for (uint16_t t = 0; t < m.trees; ++t) {
      const uint32_t r = m.roots[t];
      const uint32_t cls = walk(feature + r, m.threshold + r, left + r, right + r, base, x);
      if (cls >= m.outputs) return MOTE_ERR_ARG;
      ++out[cls];
    }
    return MOTE_OK;
  }
  // Trees are stored round-major (tree t feeds output t % outputs): one running sum per output.
  const int32_t half = m.shift > 0 ? (int32_t(1) << (m.shift - 1)) : 0;
  for (uint16_t k = 0; k < m.outputs; ++k) {
    int32_t sum = m.bias[k];
    for (uint32_t t = k; t < m.trees; t += m.outputs) {
      const uint32_t r = m.roots[t];
      sum += m.leaf_values[m.leaf_start[t] + walk(feature + r, m.threshold + r, left + r, right + r, base, x)];
    }
    int32_t v = (sum + half) >> m.shift;  // arithmetic shift: floor, so + half rounds half up
    out[k] = static_cast<int8_t>(v < -128 ? -128 : (v > 127 ? 127 : v));
  }
  return MOTE_OK;
}

}  // namespace

size_t tree_ensemble_s8_scratch_bytes(const TreeEnsembleS8&) { return 0; }

Status tree_ensemble_s8(const TreeEnsembleS8& m, const int8_t* x, int8_t* out) {
  if (!x || !out || !m.roots || !m.threshold || m.trees == 0 || m.outputs == 0) return MOTE_ERR_ARG;
  if (!m.feature8 == !m.feature16) return MOTE_ERR_ARG;
  const bool c8 = m.left8 && m.right8, c16 = m.left16 && m.right16;
  if (c8 == c16) return MOTE_ERR_ARG;
  if (m.kind == kTreeVote) {
    if (m.trees > 255) return MOTE_ERR_ARG;
  } else if (m.kind == kTreeSum) {
    if (!m.leaf_start || !m.leaf_values || !m.bias || m.shift < 0 || m.shift > 30) return MOTE_ERR_ARG;
  } else {
    return MOTE_ERR_ARG;
  }
  if (m.feature8) return c8 ? run(m, m.feature8, m.left8, m.right8, x, out) : run(m, m.feature8, m.left16, m.right16, x, out);
  return c8 ? run(m, m.feature16, m.left8, m.right8, x, out) : run(m, m.feature16, m.left16, m.right16, x, out);
}

}  // namespace trees
}  // namespace mote
