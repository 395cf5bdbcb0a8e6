#include "dsp/image.h"

namespace mote {
namespace dsp {
namespace {

// One axis of the geometry: output pixels [out_begin, out_begin+out_count) sample source [src_begin, +src_count).
struct AxisMap {
  uint32_t out_begin;
  uint32_t out_count;
  uint32_t src_begin;
  uint32_t src_count;
};

// Steps q = floor((2d+1) * numer / (2*den)) over d = 0, 1, ... exactly, without a division per pixel.
struct Stepper {
  uint32_t q, r, step_q, step_r, den2;
  void init(uint32_t numer, uint32_t den) {
    den2 = 2u * den;
    q = numer / den2;
    r = numer % den2;
    step_q = (2u * numer) / den2;
    step_r = (2u * numer) % den2;
  }
  void next() {
    q += step_q;
    r += step_r;
    if (r >= den2) {
      r -= den2;
      ++q;
    }
  }
};

// Source taps of one output coordinate: i0/i1 absolute indices, f the weight of i1 in 1/256.
struct Tap {
  uint32_t i0, i1, f;
};

Tap make_tap(const AxisMap& m, const Stepper& s, ImageInterp interp) {
  Tap t;
  if (interp == IMAGE_INTERP_NEAREST) {
    t.i0 = m.src_begin + s.q;  // q < src_count because (2d+1) < 2*out_count
    t.i1 = t.i0;
    t.f = 0;
    return t;
  }
  // Bilinear: position in 1/256 source pixels, shifted by half a pixel and clamped to the edge pixels.
  uint32_t last = (m.src_count - 1u) * 256u;
  uint32_t v = s.q < 128u ? 0u : s.q - 128u;
  if (v > last) v = last;
  t.i0 = m.src_begin + (v >> 8);
  t.f = v & 255u;
  t.i1 = (v >> 8) + 1u < m.src_count ? t.i0 + 1u : t.i0;
  return t;
}

uint32_t clamp_u32(uint64_t v, uint32_t lo, uint32_t hi) {
  if (v < lo) return lo;
  if (v > hi) return hi;
  return static_cast<uint32_t>(v);
}

// Places the output and source rectangles for the resize mode; integer rounding, half up.
void fit_axes(const ImageConfig& cfg, AxisMap* mx, AxisMap* my) {
  uint64_t iw = cfg.in_width, ih = cfg.in_height, ow = cfg.out_width, oh = cfg.out_height;
  AxisMap x = {0u, cfg.out_width, 0u, cfg.in_width};
  AxisMap y = {0u, cfg.out_height, 0u, cfg.in_height};
  uint64_t wide = iw * oh, tall = ih * ow;  // source wider than output when wide > tall
  if (cfg.resize == IMAGE_RESIZE_FIT_SHORTEST) {
    if (wide > tall) {
      uint32_t crop = clamp_u32((ih * ow + oh / 2u) / oh, 1u, cfg.in_width);
      x.src_begin = (cfg.in_width - crop) / 2u;
      x.src_count = crop;
    } else if (wide < tall) {
      uint32_t crop = clamp_u32((iw * oh + ow / 2u) / ow, 1u, cfg.in_height);
      y.src_begin = (cfg.in_height - crop) / 2u;
      y.src_count = crop;
    }
  } else if (cfg.resize == IMAGE_RESIZE_FIT_LONGEST) {
    if (wide > tall) {
      uint32_t inner = clamp_u32((ih * ow + iw / 2u) / iw, 1u, cfg.out_height);
      y.out_begin = (cfg.out_height - inner) / 2u;
      y.out_count = inner;
    } else if (wide < tall) {
      uint32_t inner = clamp_u32((iw * oh + ih / 2u) / ih, 1u, cfg.out_width);
      x.out_begin = (cfg.out_width - inner) / 2u;
      x.out_count = inner;
    }
  }
  *mx = x;
  *my = y;
}

inline void put(float* o, uint32_t v) { *o = static_cast<float>(v) / 255.0f; }
inline void put(int8_t* o, uint32_t v) { *o = static_cast<int8_t>(static_cast<int32_t>(v) - 128); }

Status validate(const ImageConfig& cfg, const void* in, size_t in_len, const void* out, size_t out_len) {
  if (in == 0 || out == 0 || cfg.in_width == 0 || cfg.in_height == 0 || cfg.out_width == 0 ||
      cfg.out_height == 0) {
    return MOTE_ERR_ARG;
  }
  if ((cfg.in_color != IMAGE_COLOR_GRAYSCALE && cfg.in_color != IMAGE_COLOR_RGB) ||
      (cfg.out_color != IMAGE_COLOR_GRAYSCALE && cfg.out_color != IMAGE_COLOR_RGB)) {
    return MOTE_ERR_ARG;
  }
  if (cfg.resize != IMAGE_RESIZE_SQUASH && cfg.resize != IMAGE_RESIZE_FIT_SHORTEST &&
      cfg.resize != IMAGE_RESIZE_FIT_LONGEST) {
    return MOTE_ERR_ARG;
  }
  if (cfg.interp != IMAGE_INTERP_NEAREST && cfg.interp != IMAGE_INTERP_BILINEAR) return MOTE_ERR_ARG;
  uint64_t need_in = static_cast<uint64_t>(cfg.in_width) * cfg.in_height * static_cast<uint64_t>(cfg.in_color);
  uint64_t need_out = static_cast<uint64_t>(cfg.out_width) * cfg.out_height * static_cast<uint64_t>(cfg.out_color);
  if (need_in != static_cast<uint64_t>(in_len) || need_out != static_cast<uint64_t>(out_len)) {
    return MOTE_ERR_SHAPE;
  }
  return MOTE_OK;
}

template <typename T>
Status run(const ImageConfig& cfg, const uint8_t* in, size_t in_len, T* out, size_t out_len) {
  MOTE_RETURN_IF_ERROR(validate(cfg, in, in_len, out, out_len));
  AxisMap mx, my;
  fit_axes(cfg, &mx, &my);
  const uint32_t in_c = static_cast<uint32_t>(cfg.in_color), out_c = static_cast<uint32_t>(cfg.out_color);
  const uint32_t row_stride = static_cast<uint32_t>(cfg.in_width) * in_c;
  const uint32_t scale = cfg.interp == IMAGE_INTERP_BILINEAR ? 256u : 1u;
  Stepper sy;
  sy.init(my.src_count * scale, my.out_count);
  for (uint32_t oy = 0; oy < cfg.out_height; ++oy) {
    const bool y_in = oy >= my.out_begin && oy < my.out_begin + my.out_count;
    Tap ty = {0u, 0u, 0u};
    if (y_in) {
      ty = make_tap(my, sy, cfg.interp);
      sy.next();
    }
    Stepper sx;
    sx.init(mx.src_count * scale, mx.out_count);
    for (uint32_t ox = 0; ox < cfg.out_width; ++ox) {
      uint32_t px[3] = {0u, 0u, 0u};  // padding is black
      if (y_in && ox >= mx.out_begin && ox < mx.out_begin + mx.out_count) {
        Tap tx = make_tap(mx, sx, cfg.interp);
        sx.next();
        const uint8_t* r0 = in + static_cast<size_t>(ty.i0) * row_stride;
        const uint8_t* r1 = in + static_cast<size_t>(ty.i1) * row_stride;
        for (uint32_t c = 0; c < in_c; ++c) {
          uint32_t top = r0[tx.i0 * in_c + c] * (256u - tx.f) + r0[tx.i1 * in_c + c] * tx.f;
          uint32_t bot = r1[tx.i0 * in_c + c] * (256u - tx.f) + r1[tx.i1 * in_c + c] * tx.f;
          px[c] = (top * (256u - ty.f) + bot * ty.f + 32768u) >> 16;
        }
      }
      if (out_c == 1u && in_c == 3u) {
        px[0] = (19595u * px[0] + 38470u * px[1] + 7471u * px[2] + 32768u) >> 16;
      } else if (out_c == 3u && in_c == 1u) {
        px[1] = px[0];
        px[2] = px[0];
      }
      T* o = out + (static_cast<size_t>(oy) * cfg.out_width + ox) * out_c;
      for (uint32_t c = 0; c < out_c; ++c) put(o + c, px[c]);
    }
  }
  return MOTE_OK;
}

}  // namespace

size_t image_output_len(const ImageConfig& cfg) {
  return static_cast<size_t>(cfg.out_width) * cfg.out_height * static_cast<size_t>(cfg.out_color);
}

size_t image_scratch_bytes(const ImageConfig& cfg) {
  (void)cfg;
  return 0;
}

Status image_f32(const ImageConfig& cfg, const uint8_t* in, size_t in_len, float* out, size_t out_len,
                 void* scratch, size_t scratch_bytes) {
  (void)scratch;
  (void)scratch_bytes;
  return run(cfg, in, in_len, out, out_len);
}

Status image_s8(const ImageConfig& cfg, const uint8_t* in, size_t in_len, int8_t* out, size_t out_len,
                void* scratch, size_t scratch_bytes) {
  (void)scratch;
  (void)scratch_bytes;
  return run(cfg, in, in_len, out, out_len);
}

Status image_scale_f32(const float* pixels, size_t n, float* out) {
  if (pixels == 0 || out == 0) return MOTE_ERR_ARG;
  for (size_t i = 0; i < n; ++i) {
    const float v = pixels[i];
    // NaN and values below 0.5 are 0; rounding half up is exact for the whole numbers a camera gives.
    const uint32_t b = v >= 254.5f ? 255u : v >= 0.5f ? static_cast<uint32_t>(v + 0.5f) : 0u;
    put(out + i, b);
  }
  return MOTE_OK;
}

}  // namespace dsp
}  // namespace mote
