#include "dsp/raw.h"

namespace mote {
namespace dsp {

size_t raw_output_len(const RawConfig& cfg) { return static_cast<size_t>(cfg.frames) * cfg.axes; }

size_t raw_scratch_bytes(const RawConfig&) { return 0; }

Status raw_f32(const RawConfig& cfg, const float* in, float* out, size_t out_len) {
  if (!in || !out) return MOTE_ERR_ARG;
  const size_t n = raw_output_len(cfg);
  if (out_len < n) return MOTE_ERR_SHAPE;
  for (size_t i = 0; i < n; ++i) out[i] = in[i] * cfg.scale;
  return MOTE_OK;
}

}  // namespace dsp
}  // namespace mote
