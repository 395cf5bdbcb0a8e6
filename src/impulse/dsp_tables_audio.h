// Host builders of the audio DSP tables (mel filterbank, DCT-II, Hamming window, lifter): computed in double,
// rounded to float once, then handed to runtime/dsp as data so host and device use the same bits.
#pragma once

#include <cstdint>
#include <vector>

#include "dsp/mfe.h"

namespace mote {

// Triangular mel filters, python_speech_features style, stored sparse: filter m covers bins
// [first_bin[m], first_bin[m] + bin_count[m]) with its weights at the running offset in `weights`.
struct MelFilterbankTable {
  uint16_t num_filters = 0;
  uint16_t num_bins = 0;  // fft_length / 2 + 1
  std::vector<uint16_t> first_bin;
  std::vector<uint16_t> bin_count;
  std::vector<float> weights;

  // The runtime's non-owning view; valid while this table lives.
  dsp::MelFilterbank view() const;
  // Dense num_filters x num_bins matrix, row-major (for tests and plots).
  std::vector<float> dense() const;
};

// hz -> mel as 2595 * log10(1 + hz / 700) and back (HTK / python_speech_features).
double hz_to_mel(double hz);
double mel_to_hz(double mel);

// Filter edges: num_filters + 2 points evenly spaced in mel over [low_hz, high_hz], snapped to FFT bins as
// floor((fft_length + 1) * hz / sample_rate_hz); filter m rises from edge m (weight 0) to edge m+1 (weight 1)
// and falls to edge m+2 (weight 0). Throws mote::Error on bad ranges (0 <= low < high <= rate / 2).
MelFilterbankTable build_mel_filterbank(int num_filters, int fft_length, double sample_rate_hz, double low_hz,
                                        double high_hz);

// Orthonormal DCT-II rows 0..num_cepstral-1 over num_filters inputs, row-major [k][m]:
// sqrt((k == 0 ? 1 : 2) / M) * cos(pi * k * (2m + 1) / (2M)), the same as scipy.fft.dct(norm="ortho").
std::vector<float> build_dct2_ortho(int num_cepstral, int num_filters);

// Symmetric Hamming window 0.54 - 0.46 cos(2 pi n / (N - 1)), as numpy.hamming (1.0 for N == 1).
std::vector<float> build_hamming_window(int length);

// Sinusoidal lifter 1 + (L / 2) sin(pi k / L); empty when cep_lifter <= 0 (pass nullptr: no lifter).
std::vector<float> build_lifter(int num_cepstral, double cep_lifter);

}  // namespace mote
