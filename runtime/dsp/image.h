// Image block: resize (squash / fit-shortest / fit-longest), colour conversion and scaling of 8-bit pixels.
//
// Pipeline per output pixel, all in integer arithmetic so every platform produces the same bytes:
//   1. geometry: the output rectangle maps onto a source rectangle with pixel-centre alignment
//      (source x = (dst x + 0.5) * src_size / dst_size - 0.5, like OpenCV INTER_LINEAR or TF half_pixel_centers);
//      squash maps the whole image onto the whole output; fit-shortest scales so the short side fits and
//      centre-crops the long side; fit-longest scales so the long side fits and pads the rest with black (0).
//   2. sampling per source channel: nearest takes the pixel whose centre is nearest, i.e.
//      src = floor((2*dst + 1) * src_size / (2 * dst_size)); bilinear uses 8-bit fractional positions
//      p = floor((2*dst + 1) * src_size * 256 / (2 * dst_size)) - 128 clamped to [0, (src_size-1)*256] and blends
//      the 4 neighbours with (sum w*p + 32768) >> 16, weights (256-f)/f per axis (no area averaging on downscale).
//   3. colour: grey -> RGB copies the value; RGB -> grey is ITU-R 601 luma in 16-bit fixed point,
//      Y = (19595 R + 38470 G + 7471 B + 32768) >> 16, so the float and int8 outputs carry the same 8-bit pixel.
//   4. output: float v / 255.0f in 0..1, or int8 v - 128.
// Layout: input and output are row-major, channels interleaved (HWC).
#ifndef MOTE_DSP_IMAGE_H
#define MOTE_DSP_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"

namespace mote {
namespace dsp {

// Config enums have a fixed 8-bit underlying type: any byte a config holds (generated, or corrupted) is a
// valid value to load, so the block's range checks are well defined instead of undefined behaviour.
enum ImageResize : uint8_t { IMAGE_RESIZE_SQUASH = 0, IMAGE_RESIZE_FIT_SHORTEST = 1, IMAGE_RESIZE_FIT_LONGEST = 2 };
enum ImageInterp : uint8_t { IMAGE_INTERP_NEAREST = 0, IMAGE_INTERP_BILINEAR = 1 };
// The value is the channel count, so it doubles as the stride.
enum ImageColor : uint8_t { IMAGE_COLOR_GRAYSCALE = 1, IMAGE_COLOR_RGB = 3 };

struct ImageConfig {
  uint16_t in_width;
  uint16_t in_height;
  ImageColor in_color;
  uint16_t out_width;
  uint16_t out_height;
  ImageColor out_color;
  ImageResize resize;
  ImageInterp interp;
};

// Number of output values: out_width * out_height * out_color.
size_t image_output_len(const ImageConfig& cfg);

// The image block needs no scratch; the twin exists so callers size every block the same way.
size_t image_scratch_bytes(const ImageConfig& cfg);

// in: in_width*in_height*in_color bytes; out: image_output_len floats in 0..1.
Status image_f32(const ImageConfig& cfg, const uint8_t* in, size_t in_len, float* out, size_t out_len,
                 void* scratch, size_t scratch_bytes);

// Same pixels as image_f32 stored as int8 (pixel - 128), the usual int8 model input (scale 1/255, zero point -128).
Status image_s8(const ImageConfig& cfg, const uint8_t* in, size_t in_len, int8_t* out, size_t out_len,
                void* scratch, size_t scratch_bytes);

// A frame already at the impulse's size and colour (what a deployed image impulse takes: the camera driver
// resizes, e.g. with image_s8/image_f32 above), n pixel values as floats 0..255, HWC: each rounded and
// clamped to a byte, then scaled as image_f32 scales (v / 255.0f). out may be pixels (in place).
Status image_scale_f32(const float* pixels, size_t n, float* out);

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_IMAGE_H
