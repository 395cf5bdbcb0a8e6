// Tables the runtime DSP blocks take as data, computed on the host in double and rounded to float once.
// The code generator prints these same arrays for the device, so host and device use identical values.
#pragma once

#include <cstdint>
#include <vector>

#include "dsp/fft.h"
#include "dsp/filters.h"

namespace mote {

struct RfftTableData {
  std::vector<float> cos, sin;
  std::vector<uint16_t> bitrev;
  dsp::RfftTables view() const;
};

// Twiddles and bit-reversal order for a real FFT of length n (power of two, 16..4096).
RfftTableData make_rfft_tables(uint32_t n);

// Periodic Hann window of length n (scipy.signal.get_window('hann', n)), for spectral estimates.
std::vector<float> hann_window(uint32_t n);

// Butterworth low- or high-pass of the given order as second-order sections (6 floats each, scipy's
// layout), by the bilinear transform with pre-warping, as scipy.signal.butter(..., output='sos').
std::vector<float> butterworth_sos(int order, double cutoff_hz, double sample_rate_hz, bool highpass);

// Edges (in FFT bins) of `bands` log-spaced bands covering bins [1, n/2]: bands + 1 increasing values.
std::vector<uint16_t> log_band_edges(uint32_t fft_length, uint32_t bands);

}  // namespace mote
