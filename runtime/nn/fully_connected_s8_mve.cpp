#include "nn/fully_connected_s8_mve.h"

#include "nn/fixed_point.h"

#if MOTE_NN_MVE_DENSE
#include <arm_mve.h>
#endif

namespace mote {
namespace nn {

size_t fully_connected_s8_mve_scratch_bytes(const FullyConnectedS8Params&) { return 0; }

size_t fully_connected_s8_mve_table_words(const FullyConnectedS8Params& p) {
  return p.output_size > 0 ? 4u * static_cast<size_t>(p.output_size) : 0;
}

bool fully_connected_s8_mve_table(const FullyConnectedS8Params& p, const PerChannelQuant& q, const int32_t* bias,
                                  const int8_t* rows, int32_t* table) {
  if (!q.multiplier || !q.shift || !rows || p.output_size <= 0 || p.input_size <= 0 ||
      p.input_size > kMaxDotLength || p.act_min != -128 || p.act_max != 127 ||
      !valid_input_offset(p.input_offset) || !valid_output_offset(p.output_offset))
    return false;
  const size_t n = static_cast<size_t>(p.input_size);
  for (int32_t o = 0; o < p.output_size; ++o) {
    int32_t sum = 0;
    for (size_t i = 0; i < n; ++i) {
      const int8_t w = rows[static_cast<size_t>(o) * n + i];
      if (w == -128) return false;
      sum += w;
    }
    int32_t* t = table + 4 * o;
    t[0] = static_cast<int32_t>((bias ? static_cast<uint32_t>(bias[o]) : 0u) + static_cast<uint32_t>(p.input_offset * sum));
    if (!requant_fold(q.multiplier[o], q.shift[o], p.output_offset, t + 1)) return false;
  }
  return true;
}

#if MOTE_NN_MVE_DENSE
// 4 rows against the input, 16 inputs per step: whole vectors unpredicated (GCC gave each predicated operation its
// own VPST and recomputed addresses: about 30 instructions per 64 MACs), then one predicated last vector.
static inline void rows4(const int8_t* x, const int8_t* w, int32_t n, int32_t acc[4]) {
  const int8_t *w0 = w, *w1 = w + n, *w2 = w + 2 * n, *w3 = w + 3 * n;
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  for (int32_t k = n >> 4; k > 0; --k) {
    const int8x16_t xv = vld1q_s8(x);
    a0 = vmladavaq_s8(a0, xv, vld1q_s8(w0));
    a1 = vmladavaq_s8(a1, xv, vld1q_s8(w1));
    a2 = vmladavaq_s8(a2, xv, vld1q_s8(w2));
    a3 = vmladavaq_s8(a3, xv, vld1q_s8(w3));
    x += 16;
    w0 += 16;
    w1 += 16;
    w2 += 16;
    w3 += 16;
  }
  if (n & 15) {  // inactive lanes load as zero and touch no memory
    const mve_pred16_t p = vctp8q(static_cast<uint32_t>(n & 15));
    const int8x16_t xv = vldrbq_z_s8(x, p);
    a0 = vmladavaq_s8(a0, xv, vldrbq_z_s8(w0, p));
    a1 = vmladavaq_s8(a1, xv, vldrbq_z_s8(w1, p));
    a2 = vmladavaq_s8(a2, xv, vldrbq_z_s8(w2, p));
    a3 = vmladavaq_s8(a3, xv, vldrbq_z_s8(w3, p));
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

static inline int32_t row1(const int8_t* x, const int8_t* w, int32_t n, int32_t a) {
  for (int32_t k = n >> 4; k > 0; --k, x += 16, w += 16) a = vmladavaq_s8(a, vld1q_s8(x), vld1q_s8(w));
  if (n & 15) {
    const mve_pred16_t p = vctp8q(static_cast<uint32_t>(n & 15));
    a = vmladavaq_s8(a, vldrbq_z_s8(x, p), vldrbq_z_s8(w, p));
  }
  return a;
}
#else
// The same sums in plain C (host and cores without Helium): the raw input times the row.
static inline void rows4(const int8_t* x, const int8_t* w, int32_t n, int32_t acc[4]) {
  for (int32_t r = 0; r < 4; ++r)
    for (int32_t i = 0; i < n; ++i) acc[r] += x[i] * w[static_cast<size_t>(r) * static_cast<size_t>(n) + i];
}

static inline int32_t row1(const int8_t* x, const int8_t* w, int32_t n, int32_t a) {
  for (int32_t i = 0; i < n; ++i) a += x[i] * w[i];
  return a;
}
#endif

Status fully_connected_s8_mve(const FullyConnectedS8MveLayer& layer) {
  if (!layer.input || !layer.weights || !layer.table || !layer.output) return MOTE_ERR_ARG;
  if (layer.input_size <= 0 || layer.output_size <= 0) return MOTE_ERR_SHAPE;
  if (layer.input_size > kMaxDotLength) return MOTE_ERR_UNSUPPORTED;
  const int32_t n = layer.input_size;
  const int8_t* w = layer.weights;
  const int32_t* t = layer.table;
  int32_t o = 0;
  for (; o + 4 <= layer.output_size; o += 4, w += 4 * static_cast<size_t>(n), t += 16) {
    int32_t acc[4] = {t[0], t[4], t[8], t[12]};
    rows4(layer.input, w, n, acc);
    for (int32_t r = 0; r < 4; ++r) layer.output[o + r] = requant_folded(acc[r], t + 4 * r + 1);
  }
  for (; o < layer.output_size; ++o, w += n, t += 4) layer.output[o] = requant_folded(row1(layer.input, w, n, t[0]), t + 1);
  return MOTE_OK;
}

}  // namespace nn
}  // namespace mote
