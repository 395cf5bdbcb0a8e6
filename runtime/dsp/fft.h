// Real-input FFT for power-of-two lengths, written once and shared by every spectral block.
// Twiddles and the bit-reversal order are DATA (RfftTables), made on the host by src/impulse/dsp_tables
// and emitted as const arrays for the device, so no sin/cos runs on the device and both agree bit for bit.
#ifndef MOTE_DSP_FFT_H
#define MOTE_DSP_FFT_H

#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"

namespace mote {
namespace dsp {

struct RfftTables {
  uint32_t n;              // FFT length: a power of two, 16..4096
  const float* cos;        // cos(2 pi k / n), k in [0, n/2)
  const float* sin;        // sin(2 pi k / n), k in [0, n/2)
  const uint16_t* bitrev;  // bit-reversed order of [0, n/2) (the half-length complex FFT inside)
};

// Scratch for rfft_f32 and rfft_power_f32: n floats.
size_t rfft_scratch_bytes(uint32_t n);

// X[k] = sum_j in[j] exp(-2 pi i j k / n) for k in [0, n/2]; out holds n + 2 floats (re, im interleaved).
Status rfft_f32(const RfftTables& t, const float* in, float* out, float* scratch, size_t scratch_bytes);

// |X[k]|^2 for k in [0, n/2]: out holds n/2 + 1 floats.
Status rfft_power_f32(const RfftTables& t, const float* in, float* out, float* scratch, size_t scratch_bytes);

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_FFT_H
