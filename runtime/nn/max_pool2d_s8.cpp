#include "nn/max_pool2d_s8.h"

#include "nn/fixed_point.h"
#include "nn/fully_connected_s8_mve.h"  // MOTE_NN_MVE_DENSE
#include "nn/max_pool2d_s8_mve.h"
#include "nn/simd.h"

namespace mote {
namespace nn {

size_t max_pool2d_s8_scratch_bytes(const PoolS8Params&) { return 0; }

Status max_pool2d_s8_ref(const PoolS8Params& p, const int8_t* input, int8_t* output) {
  MOTE_RETURN_IF_ERROR(check_pool(p, input, output));
  const int32_t c = p.input.c;
  for (int32_t oy = 0; oy < p.output.h; ++oy) {
    const int32_t y0 = oy * p.stride_h - p.pad_h;
    const int32_t ky0 = y0 < 0 ? -y0 : 0, ky1 = p.input.h - y0 < p.kernel_h ? p.input.h - y0 : p.kernel_h;
    for (int32_t ox = 0; ox < p.output.w; ++ox) {
      const int32_t x0 = ox * p.stride_w - p.pad_w;
      const int32_t kx0 = x0 < 0 ? -x0 : 0, kx1 = p.input.w - x0 < p.kernel_w ? p.input.w - x0 : p.kernel_w;
      if (ky0 >= ky1 || kx0 >= kx1) return MOTE_ERR_UNSUPPORTED;
      int8_t* out = output + (static_cast<size_t>(oy) * p.output.w + ox) * c;
      for (int32_t ch = 0; ch < c; ++ch) {
        int32_t m = -128;
        for (int32_t ky = ky0; ky < ky1; ++ky)
          for (int32_t kx = kx0; kx < kx1; ++kx) {
            const int32_t v = input[(static_cast<size_t>(y0 + ky) * p.input.w + (x0 + kx)) * c + ch];
            if (v > m) m = v;
          }
        out[ch] = static_cast<int8_t>(clamp_i32(m, p.act_min, p.act_max));
      }
    }
  }
  return MOTE_OK;
}

// Every window inside the input, whole words of channels, full range (the usual 1x2 / 2x2 pool after a conv):
// no per-pixel clipping; per output word its taps' max by pointer steps. 2 taps: 8 instructions per word, where
// the general loop below spent about 100 per output pixel on window bounds.
static bool windows_inside(const PoolS8Params& p) {
  return p.pad_h == 0 && p.pad_w == 0 && (p.output.h - 1) * p.stride_h + p.kernel_h <= p.input.h &&
         (p.output.w - 1) * p.stride_w + p.kernel_w <= p.input.w && (p.input.c & 3) == 0 && p.act_min == -128 &&
         p.act_max == 127;
}

static void max_pool_inside(const PoolS8Params& p, const int8_t* input, int8_t* out) {
  const int32_t c = p.input.c, row = p.input.w * c, step_x = p.stride_w * c, step_y = p.stride_h * row;
  const int32_t taps = p.kernel_h * p.kernel_w, second = p.kernel_w > 1 ? c : row;
  for (int32_t oy = 0; oy < p.output.h; ++oy, input += step_y) {
    const int8_t* first = input;
    for (int32_t ox = 0; ox < p.output.w; ++ox, first += step_x) {
      const int8_t* t = first;
      const int8_t* end = first + c;
      if (taps == 2) {
        for (; t != end; t += 4, out += 4) simd::store32(out, simd::max8x4(simd::load32(t + second), simd::load32(t)));
        continue;
      }
      for (; t != end; t += 4, out += 4) {
        int32_t m = simd::load32(t);
        const int8_t* r = t;
        for (int32_t ky = 0; ky < p.kernel_h; ++ky, r += row)
          for (int32_t kx = (ky == 0 ? 1 : 0); kx < p.kernel_w; ++kx) m = simd::max8x4(simd::load32(r + kx * c), m);
        simd::store32(out, m);
      }
    }
  }
}

Status max_pool2d_s8_dsp(const PoolS8Params& p, const int8_t* input, int8_t* output) {
  MOTE_RETURN_IF_ERROR(check_pool(p, input, output));
  if (windows_inside(p)) {
    max_pool_inside(p, input, output);
    return MOTE_OK;
  }
  const int32_t c = p.input.c, c4 = c & ~3;
  const int32_t lo = simd::dup8(p.act_min), hi = simd::dup8(p.act_max);
  const bool full_range = p.act_min == -128 && p.act_max == 127;
  for (int32_t oy = 0; oy < p.output.h; ++oy) {
    const int32_t y0 = oy * p.stride_h - p.pad_h;
    const int32_t ky0 = y0 < 0 ? -y0 : 0, ky1 = p.input.h - y0 < p.kernel_h ? p.input.h - y0 : p.kernel_h;
    for (int32_t ox = 0; ox < p.output.w; ++ox) {
      const int32_t x0 = ox * p.stride_w - p.pad_w;
      const int32_t kx0 = x0 < 0 ? -x0 : 0, kx1 = p.input.w - x0 < p.kernel_w ? p.input.w - x0 : p.kernel_w;
      if (ky0 >= ky1 || kx0 >= kx1) return MOTE_ERR_UNSUPPORTED;
      int8_t* out = output + (static_cast<size_t>(oy) * p.output.w + ox) * c;
      // Four channels per word, tap by tap into the output (it does not overlap the input): the first tap
      // copied, each other one max-ed in, then the clamp unless it is the identity. The running max was kept in a
      // register per word before, with the tap address recomputed for every word: 44 instructions per word for
      // a 1x2 window, now 13.
      const int8_t* first = input + (static_cast<size_t>(y0 + ky0) * p.input.w + (x0 + kx0)) * c;
      for (int32_t ch = 0; ch < c4; ch += 4) simd::store32(out + ch, simd::load32(first + ch));
      for (int32_t ky = ky0; ky < ky1; ++ky)
        for (int32_t kx = kx0; kx < kx1; ++kx) {
          if (ky == ky0 && kx == kx0) continue;
          const int8_t* tap = input + (static_cast<size_t>(y0 + ky) * p.input.w + (x0 + kx)) * c;
          for (int32_t ch = 0; ch < c4; ch += 4)
            simd::store32(out + ch, simd::max8x4(simd::load32(tap + ch), simd::load32(out + ch)));
        }
      if (!full_range)
        for (int32_t ch = 0; ch < c4; ch += 4)
          simd::store32(out + ch, simd::min8x4(simd::max8x4(simd::load32(out + ch), lo), hi));
      int32_t ch = c4;
      for (; ch < c; ++ch) {
        int32_t m = -128;
        for (int32_t ky = ky0; ky < ky1; ++ky)
          for (int32_t kx = kx0; kx < kx1; ++kx) {
            const int32_t v = input[(static_cast<size_t>(y0 + ky) * p.input.w + (x0 + kx)) * c + ch];
            if (v > m) m = v;
          }
        out[ch] = static_cast<int8_t>(clamp_i32(m, p.act_min, p.act_max));
      }
    }
  }
  return MOTE_OK;
}

Status max_pool2d_s8(const PoolS8Params& p, const int8_t* input, int8_t* output) {
#if MOTE_NN_MVE_DENSE
  return max_pool2d_s8_mve(p, input, output);
#elif MOTE_NN_HW_DSP
  return max_pool2d_s8_dsp(p, input, output);
#else
  return max_pool2d_s8_ref(p, input, output);
#endif
}

}  // namespace nn
}  // namespace mote
