// Raw block: the window itself, scaled; frame-major, as the model's input.
#ifndef MOTE_DSP_RAW_H
#define MOTE_DSP_RAW_H

#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"

namespace mote {
namespace dsp {

struct RawConfig {
  uint16_t frames, axes;
  float scale;
};

size_t raw_output_len(const RawConfig& cfg);
size_t raw_scratch_bytes(const RawConfig& cfg);  // 0: raw needs none
Status raw_f32(const RawConfig& cfg, const float* in, float* out, size_t out_len);

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_RAW_H
