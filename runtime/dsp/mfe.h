// Mel filterbank energies (placeholder while the FFT lands): the sparse filterbank table type.
#ifndef MOTE_DSP_MFE_H
#define MOTE_DSP_MFE_H

#include <stddef.h>
#include <stdint.h>

namespace mote {
namespace dsp {

struct MelFilterbank {
  uint16_t num_filters;
  uint16_t num_bins;
  const uint16_t* first_bin;
  const uint16_t* bin_count;
  const float* weights;
};

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_MFE_H
