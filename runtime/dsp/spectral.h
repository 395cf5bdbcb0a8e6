// Spectral analysis block (Edge Impulse's "spectral features", for motion and vibration). Per axis:
//   1. x = in * scale, then the optional Butterworth filter (biquads from rest, scipy.signal.sosfilt);
//   2. RMS, skewness, kurtosis of the filtered x (as flatten: population, Fisher, bias=True; 0 if flat);
//   3. power spectral density of x - mean(x) by Welch's method, exactly scipy.signal.welch(x - mean(x), fs,
//      window='hann', nperseg=n, noverlap=n/2, detrend=False, scaling='density'): segments of n = fft.n
//      samples with 50 % overlap (trailing samples that do not fill a segment are dropped), each times the
//      periodic Hann window, |rfft|^2 averaged, scaled to a one-sided density in units^2 / Hz. A window
//      shorter than n is zero-padded to one segment, so a window of at most n frames is one FFT.
//   4. spectral power (unless skip_power): the n/2 density bins 1..n/2 in Hz steps of fs/n (DC is dropped:
//      the mean was removed), or, with bands > 0, each band's mean over bins [band_edges[b], band_edges[b+1]);
//   5. peaks: the `peaks` largest local maxima among bins 1..n/2-1 (strictly above both neighbours and above
//      the threshold), largest first (ties: lower frequency first), each as (frequency Hz = bin * fs / n,
//      power); a missing peak is (0, 0), or (0, log10(floor)) with take_log.
// Noise floor of an axis: max(1e-10, 1e-8 * mean(x^2)) of the filtered x, DC included: 80 dB below the
// signal, where float32 FFT rounding noise (about 100 dB down) changes a value by < 0.1 %.
// Peak threshold: max(floor, peaks_threshold).
// With take_log, every power value v (bins, bands, peaks) is output as log10(max(v, floor)) (fastmath.h).
//
// Output, axis-major, spectral_output_len floats: for each axis a
//   [rms, skewness, kurtosis, power[P], (peak_hz, peak_power) x peaks]
// with P = 0 if skip_power, else bands if bands > 0, else n/2.
#ifndef MOTE_DSP_SPECTRAL_H
#define MOTE_DSP_SPECTRAL_H

#include <stddef.h>
#include <stdint.h>

#include "dsp/fft.h"
#include "dsp/filters.h"
#include "mote/status.h"

namespace mote {
namespace dsp {

// Every table is data made on the host (src/impulse/dsp_tables.h) or printed as const arrays by the
// code generator; the block computes no sin, cos or window at run time.
struct SpectralConfig {
  uint16_t frames, axes;       // window shape (frame-major input), both > 0
  float sample_rate_hz;        // > 0; sets the density scale and the peak frequencies
  float scale;                 // every input value is multiplied by it first
  BiquadCascade filter;        // sections == 0: no filter (host: butterworth_sos)
  RfftTables fft;              // fft.n = FFT / Welch segment length, power of two 16..4096 (make_rfft_tables)
  const float* window;         // fft.n values: periodic Hann (hann_window(n))
  uint16_t bands;              // 0: all n/2 bins; else 1..n/2 bands
  const uint16_t* band_edges;  // bands + 1 increasing bin edges from >= 1 to <= n/2 + 1 (log_band_edges,
                               // linear_band_edges); unused when bands == 0
  uint8_t take_log;            // 1: power values become log10(max(v, floor))
  uint16_t peaks;              // 0..n/2 peaks per axis
  float peaks_threshold;       // minimum density of a peak, linear units^2/Hz (0: the noise floor only)
  uint8_t skip_power;          // 1: no spectral power values, only the statistics and peaks
};

// Floats the block writes: axes * (3 + P + 2 * peaks), P as above.
size_t spectral_output_len(const SpectralConfig& cfg);
// Scratch: (frames + n + n/2 + 1) floats + filter state (2 floats per section), or (n + n/2 + 1) floats
// without a filter (the axis is then read in place); 4-byte aligned.
size_t spectral_scratch_bytes(const SpectralConfig& cfg);
// in: frames x axes, frame-major. out: spectral_output_len floats.
// Errors: MOTE_ERR_ARG for null pointers, empty shape, a non-positive rate, bad FFT length, bands/peaks
// out of range or band edges not increasing within [1, n/2 + 1]; MOTE_ERR_SHAPE when out_len is too
// small; MOTE_ERR_SCRATCH when scratch_bytes < spectral_scratch_bytes(cfg).
Status spectral_f32(const SpectralConfig& cfg, const float* in, float* out, size_t out_len, void* scratch,
                    size_t scratch_bytes);

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_SPECTRAL_H
