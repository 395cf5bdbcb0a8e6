#include "nn/max_pool2d_s8_mve.h"

#include "nn/fully_connected_s8_mve.h"  // MOTE_NN_MVE_DENSE

#if MOTE_NN_MVE_DENSE
#include <arm_mve.h>
#endif

namespace mote {
namespace nn {

size_t max_pool2d_s8_mve_scratch_bytes(const PoolS8Params&) { return 0; }

#if MOTE_NN_MVE_DENSE
// Every window inside the input and the full int8 range (the usual 1x2 / 2x2 pool after a convolution): no
// per-pixel window bounds and no clamp, the taps by pointer steps (a 1x2 pool of 16 channels: about 12 instructions
// per output pixel instead of about 35).
static void max_pool_inside(const PoolS8Params& p, const int8_t* input, int8_t* out) {
  const int32_t c = p.input.c, row = p.input.w * c, step_x = p.stride_w * c, step_y = p.stride_h * row;
  const int32_t taps = p.kernel_h * p.kernel_w, second = p.kernel_w > 1 ? c : row;
  for (int32_t oy = 0; oy < p.output.h; ++oy, input += step_y) {
    const int8_t* first = input;
    for (int32_t ox = 0; ox < p.output.w; ++ox, first += step_x, out += c)
      for (int32_t ch = 0; ch < c; ch += 16) {
        const mve_pred16_t pr = vctp8q(static_cast<uint32_t>(c - ch));
        const int8_t* t = first + ch;
        int8x16_t m;
        if (taps == 2) {
          m = vmaxq_s8(vldrbq_z_s8(t, pr), vldrbq_z_s8(t + second, pr));
        } else {
          m = vldrbq_z_s8(t, pr);
          const int8_t* r = t;
          for (int32_t ky = 0; ky < p.kernel_h; ++ky, r += row)
            for (int32_t kx = (ky == 0 ? 1 : 0); kx < p.kernel_w; ++kx) m = vmaxq_s8(m, vldrbq_z_s8(r + kx * c, pr));
        }
        vstrbq_p_s8(out + ch, m, pr);
      }
  }
}
#endif

Status max_pool2d_s8_mve(const PoolS8Params& p, const int8_t* input, int8_t* output) {
  MOTE_RETURN_IF_ERROR(check_pool(p, input, output));
#if MOTE_NN_MVE_DENSE
  if (p.pad_h == 0 && p.pad_w == 0 && p.kernel_h * p.kernel_w >= 2 && p.act_min == -128 && p.act_max == 127 &&
      (p.output.h - 1) * p.stride_h + p.kernel_h <= p.input.h && (p.output.w - 1) * p.stride_w + p.kernel_w <= p.input.w) {
    max_pool_inside(p, input, output);
    return MOTE_OK;
  }
#endif
  const int32_t c = p.input.c;
  const size_t row = static_cast<size_t>(p.input.w) * static_cast<size_t>(c);
#if MOTE_NN_MVE_DENSE
  const int8x16_t lo = vdupq_n_s8(static_cast<int8_t>(p.act_min)), hi = vdupq_n_s8(static_cast<int8_t>(p.act_max));
#endif
  int8_t* out = output;
  for (int32_t oy = 0; oy < p.output.h; ++oy) {
    const int32_t y0 = oy * p.stride_h - p.pad_h;
    const int32_t ky0 = y0 < 0 ? -y0 : 0, ky1 = p.input.h - y0 < p.kernel_h ? p.input.h - y0 : p.kernel_h;
    for (int32_t ox = 0; ox < p.output.w; ++ox, out += c) {
      const int32_t x0 = ox * p.stride_w - p.pad_w;
      const int32_t kx0 = x0 < 0 ? -x0 : 0, kx1 = p.input.w - x0 < p.kernel_w ? p.input.w - x0 : p.kernel_w;
      if (ky0 >= ky1 || kx0 >= kx1) return MOTE_ERR_UNSUPPORTED;
      // The window's first tap inside the input; its other taps are kx * c and ky * row bytes further.
      const int8_t* first = input + static_cast<size_t>(y0 + ky0) * row + static_cast<size_t>(x0 + kx0) * c;
      const int32_t taps_x = kx1 - kx0, taps_y = ky1 - ky0;
      for (int32_t ch = 0; ch < c; ch += 16) {
#if MOTE_NN_MVE_DENSE
        const mve_pred16_t pr = vctp8q(static_cast<uint32_t>(c - ch));
        const int8_t* r = first + ch;
        int8x16_t m = vldrbq_z_s8(r, pr);
        for (int32_t ky = 0; ky < taps_y; ++ky, r += row) {
          const int8_t* t = r;
          for (int32_t kx = 0; kx < taps_x; ++kx, t += c) m = vmaxq_s8(m, vldrbq_z_s8(t, pr));
        }
        vstrbq_p_s8(out + ch, vminq_s8(vmaxq_s8(m, lo), hi), pr);
#else
        const int32_t lanes = c - ch < 16 ? c - ch : 16;
        for (int32_t l = 0; l < lanes; ++l) {
          const int8_t* r = first + ch + l;
          int32_t m = *r;
          for (int32_t ky = 0; ky < taps_y; ++ky, r += row) {
            const int8_t* t = r;
            for (int32_t kx = 0; kx < taps_x; ++kx, t += c) m = *t > m ? *t : m;
          }
          out[ch + l] = static_cast<int8_t>(m < p.act_min ? p.act_min : (m > p.act_max ? p.act_max : m));
        }
#endif
      }
    }
  }
  return MOTE_OK;
}

}  // namespace nn
}  // namespace mote
