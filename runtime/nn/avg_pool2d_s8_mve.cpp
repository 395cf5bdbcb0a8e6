#include "nn/avg_pool2d_s8_mve.h"

#include "nn/fully_connected_s8_mve.h"  // MOTE_NN_MVE_DENSE

#if MOTE_NN_MVE_DENSE
#include <arm_mve.h>
#endif

namespace mote {
namespace nn {

size_t avg_pool2d_s8_mve_scratch_bytes(const PoolS8Params&) { return 0; }

// TFLite's average: (sum +- count / 2) / count with C's truncating division, clamped.
static inline int8_t average(int32_t sum, int32_t count, int32_t lo, int32_t hi) {
  const int32_t avg = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
  return static_cast<int8_t>(avg < lo ? lo : (avg > hi ? hi : avg));
}

Status avg_pool2d_s8_mve(const PoolS8Params& p, const int8_t* input, int8_t* output) {
  MOTE_RETURN_IF_ERROR(check_pool(p, input, output));
  const int32_t c = p.input.c;
  const size_t row = static_cast<size_t>(p.input.w) * static_cast<size_t>(c);
  int8_t* out = output;
  for (int32_t oy = 0; oy < p.output.h; ++oy) {
    const int32_t y0 = oy * p.stride_h - p.pad_h;
    const int32_t ky0 = y0 < 0 ? -y0 : 0, ky1 = p.input.h - y0 < p.kernel_h ? p.input.h - y0 : p.kernel_h;
    for (int32_t ox = 0; ox < p.output.w; ++ox, out += c) {
      const int32_t x0 = ox * p.stride_w - p.pad_w;
      const int32_t kx0 = x0 < 0 ? -x0 : 0, kx1 = p.input.w - x0 < p.kernel_w ? p.input.w - x0 : p.kernel_w;
      if (ky0 >= ky1 || kx0 >= kx1) return MOTE_ERR_UNSUPPORTED;
      const int32_t taps_x = kx1 - kx0, taps_y = ky1 - ky0, count = taps_x * taps_y;
      // The window's first tap inside the input; its other taps are kx * c and ky * row bytes further.
      const int8_t* first = input + static_cast<size_t>(y0 + ky0) * row + static_cast<size_t>(x0 + kx0) * c;
      for (int32_t ch = 0; ch < c; ch += 4) {
        const int32_t lanes = c - ch < 4 ? c - ch : 4;
        int32_t sums[4];
#if MOTE_NN_MVE_DENSE
        const mve_pred16_t pr = vctp32q(static_cast<uint32_t>(lanes));
        const int8_t* r = first + ch;
        int32x4_t acc = vdupq_n_s32(0);
        for (int32_t ky = 0; ky < taps_y; ++ky, r += row) {
          const int8_t* t = r;
          for (int32_t kx = 0; kx < taps_x; ++kx, t += c) acc = vaddq_s32(acc, vldrbq_z_s32(t, pr));
        }
        vst1q_s32(sums, acc);
#else
        for (int32_t l = 0; l < lanes; ++l) {
          const int8_t* r = first + ch + l;
          int32_t sum = 0;
          for (int32_t ky = 0; ky < taps_y; ++ky, r += row) {
            const int8_t* t = r;
            for (int32_t kx = 0; kx < taps_x; ++kx, t += c) sum += *t;
          }
          sums[l] = sum;
        }
#endif
        for (int32_t l = 0; l < lanes; ++l) out[ch + l] = average(sums[l], count, p.act_min, p.act_max);
      }
    }
  }
  return MOTE_OK;
}

}  // namespace nn
}  // namespace mote
