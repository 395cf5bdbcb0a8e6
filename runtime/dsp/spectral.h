// Spectral analysis block (motion, vibration): per axis, after an optional Butterworth filter,
//   [RMS, skewness, kurtosis, spectral power..., (peak frequency Hz, peak power) x peaks]
// Spectral power is Welch's estimate, as scipy.signal.welch(x - mean(x), fs, window='hann',
// nperseg=fft_length, noverlap=fft_length/2, detrend=False, scaling='density'): segments of fft_length
// with 50 % overlap (a window shorter than fft_length is zero-padded to one segment), periodic Hann,
// |FFT|^2 averaged, one-sided density. Bins 1..fft_length/2 (DC is dropped: the mean is removed), or
// their means over `bands` log-spaced bands. The axis' noise floor is max(1e-10, 1e-9 x RMS^2 of the
// filtered axis, DC included): float32 filtering noise lies below it (90 dB). With take_log, every power value v becomes
// log10(max(v, floor)). Peaks are the largest local maxima above the floor among bins 1..fft_length/2-1
// (0 Hz and the floor's value when there are fewer). Output is axis-major.
#ifndef MOTE_DSP_SPECTRAL_H
#define MOTE_DSP_SPECTRAL_H

#include <stddef.h>
#include <stdint.h>

#include "dsp/fft.h"
#include "dsp/filters.h"
#include "mote/status.h"

namespace mote {
namespace dsp {

struct SpectralConfig {
  uint16_t frames, axes;
  float sample_rate_hz;
  float scale;                // applied to every value first
  BiquadCascade filter;       // sections == 0: no filter
  RfftTables fft;             // fft.n is the FFT length
  const float* window;        // periodic Hann of fft.n
  uint16_t bands;             // 0: every bin 1..n/2; else log-spaced bands
  const uint16_t* band_edges; // bands + 1 bin edges (host: log_band_edges)
  uint8_t take_log;
  uint16_t peaks;
};

size_t spectral_output_len(const SpectralConfig& cfg);
size_t spectral_scratch_bytes(const SpectralConfig& cfg);
// in: frames x axes, frame-major. out: spectral_output_len floats.
Status spectral_f32(const SpectralConfig& cfg, const float* in, float* out, size_t out_len, void* scratch,
                    size_t scratch_bytes);

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_SPECTRAL_H
