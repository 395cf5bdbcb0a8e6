// MFE block (Edge Impulse's "MFE"): mel filterbank energies of each frame's power spectrum, in dB with a
// noise floor. Framing, pre-emphasis, window and power spectrum are the spectrogram's
// (runtime/dsp/spectrogram.h); then energy[m] = sum_k weight[m][k] * power[k] over the filter's bins
// (increasing k, float accumulator), and each energy goes through power_to_db (10 log10(max(E, 1e-30)),
// then floored at noise_floor_db or normalised to 0..1 as (db - floor) / (12 - floor), clamped).
// Output: frames x num_filters, frame-major.
#ifndef MOTE_DSP_MFE_H
#define MOTE_DSP_MFE_H

#include <stddef.h>
#include <stdint.h>

#include "dsp/spectrogram.h"
#include "mote/status.h"

namespace mote {
namespace dsp {

// Sparse triangular filters (host: build_mel_filterbank in src/impulse/dsp_tables_audio.h): filter m
// covers power bins [first_bin[m], first_bin[m] + bin_count[m]); its weights follow those of filter m-1
// in `weights`.
struct MelFilterbank {
  uint16_t num_filters;
  uint16_t num_bins;  // must equal fft.n / 2 + 1
  const uint16_t* first_bin;
  const uint16_t* bin_count;
  const float* weights;
};

struct MfeConfig {
  AudioFrameConfig frames;
  MelFilterbank mel;
  float noise_floor_db;  // e.g. -52 (EI's default)
  DbScale scale;         // DB_SCALE_NORMALIZED is EI's MFE
};

// MOTE_ERR_ARG unless the filterbank is well formed for an FFT of length n.
Status mel_filterbank_check(const MelFilterbank& mel, uint32_t n);
// energies[m] = sum of weights x power over filter m's bins; power holds mel.num_bins values.
void mel_energies_f32(const MelFilterbank& mel, const float* power, float* energies);

size_t mfe_output_len(const MfeConfig& cfg, size_t signal_len);
size_t mfe_scratch_bytes(const MfeConfig& cfg);
// signal: signal_len samples; out: mfe_output_len floats; scratch: mfe_scratch_bytes, 4-byte aligned.
Status mfe_f32(const MfeConfig& cfg, const float* signal, size_t signal_len, float* out, size_t out_len,
               void* scratch, size_t scratch_bytes);
// One output row from a frame's samples (audio_power_frame_at's x, at_start); scratch: mfe_scratch_bytes.
Status mfe_frame_f32(const MfeConfig& cfg, const float* x, bool at_start, float* row, void* scratch, size_t scratch_bytes);
// mfe_f32 reading the signal (signal_len samples) through src; scratch: mfe_stream_scratch_bytes.
size_t mfe_stream_scratch_bytes(const MfeConfig& cfg);
Status mfe_stream_f32(const MfeConfig& cfg, const AudioSource& src, size_t signal_len, float* out, size_t out_len,
                      void* scratch, size_t scratch_bytes);

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_MFE_H
