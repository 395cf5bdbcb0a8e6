#include "nn/conv2d_s8_mve.h"

#include "nn/conv_column.h"
#include "nn/fixed_point.h"
#include "nn/mve_rows.h"

namespace mote {
namespace nn {

static int32_t dot_length(const Conv2DS8Params& p) { return p.kernel_h * p.kernel_w * p.input.c; }

size_t conv2d_s8_mve_scratch_bytes(const Conv2DS8Params& p) {
  const int32_t k = dot_length(p);
  return k > 0 ? static_cast<size_t>(k) : 0;
}

size_t conv2d_s8_mve_table_words(const Conv2DS8Params& p) {
  return p.output.c > 0 ? 4u * static_cast<size_t>(p.output.c) : 0;
}

bool conv2d_s8_mve_table(const Conv2DS8Params& p, const PerChannelQuant& q, const int32_t* bias, const int8_t* rows,
                         int32_t* table) {
  const int32_t k = dot_length(p);
  if (!q.multiplier || !q.shift || !rows || !table || p.output.c <= 0 || k <= 0 || k > kMaxDotLength ||
      !valid_activation(p.act_min, p.act_max) || !valid_input_offset(p.input_offset) ||
      !valid_output_offset(p.output_offset))
    return false;
  for (int32_t o = 0; o < p.output.c; ++o) {
    int32_t sum = 0;
    for (int32_t i = 0; i < k; ++i) {
      const int8_t w = rows[static_cast<size_t>(o) * static_cast<size_t>(k) + static_cast<size_t>(i)];
      if (w == -128) return false;
      sum += w;
    }
    int32_t* t = table + 4 * o;
    t[0] = static_cast<int32_t>((bias ? static_cast<uint32_t>(bias[o]) : 0u) +
                                static_cast<uint32_t>(p.input_offset * sum));
    if (!requant_fold(q.multiplier[o], q.shift[o], p.output_offset, t + 1)) {  // a general channel: flagged by -1
      t[1] = q.multiplier[o];
      t[2] = -1;
      t[3] = q.shift[o];
    }
  }
  return true;
}


// One output from its accumulator and its channel's 3 table words: a folded channel (k >= 1), else the general
// requantization (multiplier, -1, shift; out of line: rare, e.g. a multiplier above 1/2).
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int8_t general(int32_t acc, const int32_t* c, const Conv2DS8Params& p) {
  return static_cast<int8_t>(requantize(acc, c[0], c[2], p.output_offset, p.act_min, p.act_max));
}

// kFolded: every channel of the layer is folded (checked once per call), so no test per output.
template <bool kFullRange, bool kFolded>
static inline int8_t finish(int32_t acc, const int32_t* c, const Conv2DS8Params& p) {
  if (!kFolded && c[1] < 0) return general(acc, c, p);
  const int8_t v = requant_folded(acc, c);
  return kFullRange ? v : static_cast<int8_t>(clamp_i32(v, p.act_min, p.act_max));
}

// Every channel of one pixel from its column. kFullRange: no clamp after the int8 saturation.
template <bool kFullRange, bool kFolded>
static void pixel(const Conv2DS8Params& p, const int8_t* col, const int8_t* rows, const int32_t* t, int8_t* out) {
  const int32_t n = dot_length(p), out_c = p.output.c;
  const int8_t* w = rows;
  int32_t o = 0;
  for (; o + 4 <= out_c; o += 4, w += 4 * static_cast<size_t>(n), t += 16) {
    int32_t acc[4] = {t[0], t[4], t[8], t[12]};
    mve_dot4(col, w, w + n, w + 2 * static_cast<size_t>(n), w + 3 * static_cast<size_t>(n), n, acc);
    for (int32_t r = 0; r < 4; ++r) out[o + r] = finish<kFullRange, kFolded>(acc[r], t + 4 * r + 1, p);
  }
  for (; o < out_c; ++o, w += n, t += 4) out[o] = finish<kFullRange, kFolded>(mve_dot1(col, w, n, t[0]), t + 1, p);
}

Status conv2d_s8_mve(const Conv2DS8Params& p, const int8_t* input, const int8_t* rows, const int32_t* table,
                     int8_t* output, void* scratch, size_t scratch_bytes) {
  if (!input || !rows || !table || !output) return MOTE_ERR_ARG;
  if (!valid_dims(p.input) || !valid_dims(p.output) || p.kernel_h <= 0 || p.kernel_w <= 0) return MOTE_ERR_SHAPE;
  if (p.stride_h <= 0 || p.stride_w <= 0 || p.pad_h < 0 || p.pad_w < 0) return MOTE_ERR_ARG;
  if (!valid_input_offset(p.input_offset) || !valid_output_offset(p.output_offset) ||
      !valid_activation(p.act_min, p.act_max))
    return MOTE_ERR_ARG;
  if (static_cast<int64_t>(p.kernel_h) * p.kernel_w * p.input.c > kMaxDotLength) return MOTE_ERR_UNSUPPORTED;
  if (!scratch || scratch_bytes < conv2d_s8_mve_scratch_bytes(p)) return MOTE_ERR_SCRATCH;
  bool folded = p.act_min == -128 && p.act_max == 127;  // and every channel folded: the fast pixel
  for (int32_t o = 0; o < p.output.c && folded; ++o) folded = table[4 * o + 2] >= 0;
  int8_t* col = static_cast<int8_t*>(scratch);
  int8_t* out = output;
  for (int32_t oy = 0; oy < p.output.h; ++oy)
    for (int32_t ox = 0; ox < p.output.w; ++ox, out += p.output.c) {
      const int8_t* c = conv_column(p, input, oy * p.stride_h - p.pad_h, ox * p.stride_w - p.pad_w, col);
      if (folded)
        pixel<true, true>(p, c, rows, table, out);
      else
        pixel<false, false>(p, c, rows, table, out);
    }
  return MOTE_OK;
}

}  // namespace nn
}  // namespace mote
