// Tables the runtime DSP blocks take as data (FFT twiddles, windows, filter sections, band edges),
// computed on the host in double and rounded to float once. The code generator prints these same arrays
// as const C arrays for the device, so host and device compute with identical values.
// Invalid arguments throw mote::Error with a message fit for the user.
#pragma once

#include <cstdint>
#include <vector>

#include "dsp/fft.h"
#include "dsp/filters.h"

namespace mote {

// Owns the arrays behind a dsp::RfftTables.
struct RfftTableData {
  std::vector<float> cos, sin;    // n/2 each: cos/sin(2 pi k / n)
  std::vector<uint16_t> bitrev;   // n/2: bit-reversed k over log2(n/2) bits
  std::vector<float> stage_cos, stage_sin;  // n/2 - 4 each: per-stage copies (host speed; see fft.h)
  dsp::RfftTables view() const;   // non-owning; valid while this object lives
  // Flash the device needs: cos, sin and bitrev (the optional stage copies are host-only).
  size_t bytes() const { return (cos.size() + sin.size()) * sizeof(float) + bitrev.size() * sizeof(uint16_t); }
};

// Twiddles and bit-reversal order for a real FFT of length n (power of two, 16..4096).
RfftTableData make_rfft_tables(uint32_t n);

// Hann 0.5 - 0.5 cos(2 pi i / N) with N = n (periodic, for spectral estimates, as
// scipy.signal.get_window('hann', n)) or N = n - 1 (symmetric, numpy.hanning). n >= 1; a 1-point window is 1.
std::vector<float> hann_window(uint32_t n, bool symmetric = false);
// Hamming 0.54 - 0.46 cos(2 pi i / N), N as for hann_window (scipy 'hamming' / numpy.hamming).
std::vector<float> hamming_window(uint32_t n, bool symmetric = false);

// Butterworth low- or high-pass of order 1..8 at cutoff_hz (0 < cutoff < fs/2) as second-order sections,
// 6 floats each (b0 b1 b2 1 a1 a2), ceil(order / 2) sections: the values of
// scipy.signal.butter(order, cutoff_hz, btype, fs=sample_rate_hz, output='sos') (bilinear transform with
// pre-warping; scipy's 'nearest' pole-zero pairing and section order, overall gain in the first section).
std::vector<float> butterworth_sos(int order, double cutoff_hz, double sample_rate_hz, bool highpass);

// Band edges in FFT bins for the spectral block: `bands` + 1 increasing values from 1 to fft_length/2 + 1,
// band b averaging bins [edge[b], edge[b+1]). 1 <= bands <= fft_length / 2.
// Log-spaced: geometric edges (top + 1)^(b / bands), rounded, each band at least one bin.
std::vector<uint16_t> log_band_edges(uint32_t fft_length, uint32_t bands);
// Equal width: edge[b] = 1 + floor(b * top / bands), top = fft_length / 2.
std::vector<uint16_t> linear_band_edges(uint32_t fft_length, uint32_t bands);

}  // namespace mote
