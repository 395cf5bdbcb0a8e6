// Raw block: the window itself, every value multiplied by `scale`, for models that learn their own
// features (1-D convolutions over time, or a small dense net on few samples).
//   in:  frames x axes floats, frame-major (in[f * axes + a] = axis a at frame f)
//   out: frames x axes floats in the same frame-major order: out[i] = in[i] * scale
#ifndef MOTE_DSP_RAW_H
#define MOTE_DSP_RAW_H

#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"

namespace mote {
namespace dsp {

struct RawConfig {
  uint16_t frames, axes;  // window shape
  float scale;            // e.g. 1/9.81 to turn m/s^2 into g; 1 keeps the values
};

// frames * axes.
size_t raw_output_len(const RawConfig& cfg);
// 0: raw needs no scratch (the twin every block has, for the arena planner).
size_t raw_scratch_bytes(const RawConfig& cfg);
// Errors: MOTE_ERR_ARG for null in/out; MOTE_ERR_SHAPE when out_len < raw_output_len(cfg).
// in and out may be the same buffer (scaling in place).
Status raw_f32(const RawConfig& cfg, const float* in, float* out, size_t out_len);

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_RAW_H
