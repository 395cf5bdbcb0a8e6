// Flatten block: summary statistics per axis of a window (Edge Impulse's "flatten"), and the moments the
// spectral block reuses.
//   in:  frames x axes floats, frame-major (in[f * axes + a] = axis a at frame f), each multiplied by scale
//   out: axis-major: for axis 0 the chosen statistics in FlattenStat order, then axis 1, ...
//        e.g. stats = MEAN|RMS on 3 axes -> [mean0, rms0, mean1, rms1, mean2, rms2]
#ifndef MOTE_DSP_FLATTEN_H
#define MOTE_DSP_FLATTEN_H

#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"

namespace mote {
namespace dsp {

// The statistics, in output order; choose with bit (1u << stat) of FlattenConfig::stats.
enum FlattenStat {
  FLATTEN_MEAN = 0,
  FLATTEN_MIN,
  FLATTEN_MAX,
  FLATTEN_RMS,       // sqrt(mean(x^2))
  FLATTEN_STDEV,     // population standard deviation (numpy std, ddof 0)
  FLATTEN_SKEWNESS,  // m3 / m2^1.5 (scipy.stats.skew, bias=True)
  FLATTEN_KURTOSIS,  // m4 / m2^2 - 3 (scipy.stats.kurtosis, Fisher/excess, bias=True)
  FLATTEN_STAT_COUNT
};
const uint32_t kFlattenAllStats = (1u << FLATTEN_STAT_COUNT) - 1u;

struct Moments {
  float mean, min, max, rms, stdev, skewness, kurtosis;
};

// Moments of the n > 0 values x[i * stride] * scale. Three passes in float: the mean, a correction of
// the mean (so a large DC offset does not leak into the shape statistics), then the central moments.
// A flat signal (variance <= 1e-12 mean^2, i.e. only float rounding noise) has skewness and kurtosis 0
// where scipy would give NaN.
void axis_moments(const float* x, size_t n, size_t stride, float scale, Moments* m);
// The same without min and max (left 0), for blocks that do not output them (spectral): the other fields
// are the same floats, for less work per value.
void axis_moments_no_extrema(const float* x, size_t n, size_t stride, float scale, Moments* m);

struct FlattenConfig {
  uint16_t frames, axes;  // window shape, both > 0
  float scale;            // every value is multiplied by it first
  uint32_t stats;         // bit mask of FlattenStat; kFlattenAllStats for all seven
};

// axes x (number of chosen stats).
size_t flatten_output_len(const FlattenConfig& cfg);
// 0: the statistics are computed straight from the input.
size_t flatten_scratch_bytes(const FlattenConfig& cfg);
// Errors: MOTE_ERR_ARG for null in/out, frames or axes 0, no stats or unknown stat bits;
// MOTE_ERR_SHAPE when out_len < flatten_output_len(cfg). scratch is unused and may be null.
Status flatten_f32(const FlattenConfig& cfg, const float* in, float* out, size_t out_len, void* scratch, size_t scratch_bytes);

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_FLATTEN_H
