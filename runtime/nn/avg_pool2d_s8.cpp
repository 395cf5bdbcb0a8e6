#include "nn/avg_pool2d_s8.h"

#include "nn/avg_pool2d_s8_mve.h"
#include "nn/fixed_point.h"
#include "nn/fully_connected_s8_mve.h"  // MOTE_NN_MVE_DENSE

namespace mote {
namespace nn {

size_t avg_pool2d_s8_scratch_bytes(const PoolS8Params&) { return 0; }

Status avg_pool2d_s8_ref(const PoolS8Params& p, const int8_t* input, int8_t* output) {
  MOTE_RETURN_IF_ERROR(check_pool(p, input, output));
  const int32_t c = p.input.c;
  for (int32_t oy = 0; oy < p.output.h; ++oy) {
    const int32_t y0 = oy * p.stride_h - p.pad_h;
    const int32_t ky0 = y0 < 0 ? -y0 : 0, ky1 = p.input.h - y0 < p.kernel_h ? p.input.h - y0 : p.kernel_h;
    for (int32_t ox = 0; ox < p.output.w; ++ox) {
      const int32_t x0 = ox * p.stride_w - p.pad_w;
      const int32_t kx0 = x0 < 0 ? -x0 : 0, kx1 = p.input.w - x0 < p.kernel_w ? p.input.w - x0 : p.kernel_w;
      if (ky0 >= ky1 || kx0 >= kx1) return MOTE_ERR_UNSUPPORTED;
      const int32_t count = (ky1 - ky0) * (kx1 - kx0);
      int8_t* out = output + (static_cast<size_t>(oy) * p.output.w + ox) * c;
      for (int32_t ch = 0; ch < c; ++ch) {
        int32_t acc = 0;
        for (int32_t ky = ky0; ky < ky1; ++ky)
          for (int32_t kx = kx0; kx < kx1; ++kx)
            acc += input[(static_cast<size_t>(y0 + ky) * p.input.w + (x0 + kx)) * c + ch];
        // TFLite: (acc +- count / 2) / count with C's truncating division.
        const int32_t avg = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
        out[ch] = static_cast<int8_t>(clamp_i32(avg, p.act_min, p.act_max));
      }
    }
  }
  return MOTE_OK;
}

Status avg_pool2d_s8(const PoolS8Params& p, const int8_t* input, int8_t* output) {
#if MOTE_NN_MVE_DENSE
  return avg_pool2d_s8_mve(p, input, output);
#else
  return avg_pool2d_s8_ref(p, input, output);
#endif
}

}  // namespace nn
}  // namespace mote
