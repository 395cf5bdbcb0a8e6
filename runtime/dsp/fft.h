// Real-input FFT for power-of-two lengths, written once and shared by every spectral block.
// Twiddles and the bit-reversal order are DATA (RfftTables), made on the host by src/impulse/dsp_tables
// and emitted as const arrays for the device, so no sin/cos runs on the device and both agree bit for bit.
//
// How: the n real inputs are read as n/2 complex points (even samples real, odd imaginary), transformed by
// an iterative radix-2 FFT of length n/2, and split into the n/2 + 1 bins of the real spectrum. Unscaled,
// forward (numpy.fft.rfft convention). The butterflies are always the same radix-2 operations; for speed
// they run grouped (stages 2 and 4 as one multiply-free pass, then two stages per pass in registers), and
// the power spectrum computes bins k and n/2 - k together. Grouping changes no float. Float error per bin
// is below 6e-8 * log2(n) * sqrt(sum in^2) (measured on random inputs, 16 <= n <= 4096): about 100 dB
// under the signal's energy.
//
// Buffers: in (n floats), out and scratch are caller-owned, 4-byte aligned; scratch must not overlap in
// or out. out may be the same buffer as in (in is read completely first) when it holds enough floats.
// Errors: MOTE_ERR_ARG for a null pointer or n not a power of two in [16, 4096]; MOTE_ERR_SCRATCH when
// scratch_bytes < rfft_scratch_bytes(n). The tables are trusted (validated when the host makes them).
#ifndef MOTE_DSP_FFT_H
#define MOTE_DSP_FFT_H

#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"

namespace mote {
namespace dsp {

// Made by the host (src/impulse/dsp_tables.h: make_rfft_tables) or the generated code's const arrays.
struct RfftTables {
  uint32_t n;              // FFT length: a power of two, 16..4096
  const float* cos;        // n/2 values: cos(2 pi k / n), k in [0, n/2)
  const float* sin;        // n/2 values: sin(2 pi k / n), k in [0, n/2)
  const uint16_t* bitrev;  // n/2 values: k with its log2(n/2) low bits reversed (the order the FFT reads)
  // Optional, for speed only (null = not used, e.g. on the device to save flash): the twiddles of each
  // stage of length L = 8, 16, ..., n/2 laid out contiguously, stage after stage: cos/sin(2 pi j / L),
  // j < L/2, n/2 - 4 values each. They are copies of cos/sin above, so results are bit for bit the same.
  const float* stage_cos;
  const float* stage_sin;
};

// Scratch for rfft_f32 and rfft_power_f32: n floats (n * 4 bytes).
size_t rfft_scratch_bytes(uint32_t n);

// X[k] = sum_j in[j] exp(-2 pi i j k / n) for k in [0, n/2].
// out: n + 2 floats, interleaved re, im: out[2k] = Re X[k], out[2k+1] = Im X[k] (Im X[0] = Im X[n/2] = 0).
Status rfft_f32(const RfftTables& t, const float* in, float* out, float* scratch, size_t scratch_bytes);

// Power spectrum: out[k] = |X[k]|^2 = Re^2 + Im^2 for k in [0, n/2]; out holds n/2 + 1 floats.
Status rfft_power_f32(const RfftTables& t, const float* in, float* out, float* scratch, size_t scratch_bytes);

// The same transform in place, for blocks that write their frame straight into the FFT's buffer (no frame
// copy, no second buffer). buf holds n floats: sample 2j at buf[p] and sample 2j + 1 at buf[n/2 + p] with
// p = bitrev[j] (rfft_pack_f32 packs a plain array so). rfft_power_packed_f32 transforms buf in place and
// writes out[k] = |X[k]|^2 * scale, k in [0, n/2]; out may be buf (the power then fills buf[0 .. n/2]).
// scale must be a power of two (1, 1/n): it is applied as one exact multiply. No checks: callers validate
// the tables (as rfft_power_f32 does). rfft_power_f32 is rfft_pack_f32 + rfft_power_packed_f32(scale 1).
void rfft_pack_f32(const RfftTables& t, const float* in, float* buf);
void rfft_power_packed_f32(const RfftTables& t, float* buf, float* out, float scale);

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_FFT_H
