// Flatten block: summary statistics per axis of a window, and the moments other blocks reuse.
#ifndef MOTE_DSP_FLATTEN_H
#define MOTE_DSP_FLATTEN_H

#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"

namespace mote {
namespace dsp {

// Statistics flatten can output, in this order when chosen (bit i of FlattenConfig::stats).
enum FlattenStat {
  FLATTEN_MEAN = 0,
  FLATTEN_MIN,
  FLATTEN_MAX,
  FLATTEN_RMS,
  FLATTEN_STDEV,     // population (ddof 0)
  FLATTEN_SKEWNESS,  // scipy.stats.skew, bias=True; 0 for a constant signal
  FLATTEN_KURTOSIS,  // scipy.stats.kurtosis (Fisher, excess), bias=True; 0 for a constant signal
  FLATTEN_STAT_COUNT
};

struct Moments {
  float mean, min, max, rms, stdev, skewness, kurtosis;
};

// Moments of n values read every `stride` floats (one axis of frame-major data); two passes, float sums.
void axis_moments(const float* x, size_t n, size_t stride, Moments* m);

struct FlattenConfig {
  uint16_t frames, axes;
  float scale;     // applied to every value first
  uint32_t stats;  // bit mask of FlattenStat
};

size_t flatten_output_len(const FlattenConfig& cfg);  // axes x chosen stats, axis-major
size_t flatten_scratch_bytes(const FlattenConfig& cfg);
Status flatten_f32(const FlattenConfig& cfg, const float* in, float* out, size_t out_len, void* scratch, size_t scratch_bytes);

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_FLATTEN_H
