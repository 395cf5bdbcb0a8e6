// MFCC block, python_speech_features style (the common ground of Edge Impulse's MFCC and librosa users):
//   1. framing, pre-emphasis (e.g. 0.97 or EI's 0.98), window and power |X|^2 / n as in spectrogram.h;
//      window: pass a Hamming table (host: build_hamming_window, symmetric like numpy.hamming) or null for
//      none (EI's MFCC uses none; python_speech_features users usually pass numpy.hamming);
//   2. mel energies E[m] as in mfe.h (same sparse filterbank);
//   3. log: ln(max(E, 2^-52)) with the runtime's portable log (python_speech_features swaps 0 for 2^-52);
//   4. c[k] = sum_m dct[k][m] * log E[m] for k < num_cepstral: the orthonormal DCT-II rows
//      (host: build_dct2_ortho, = scipy.fft.dct(norm="ortho")); no energy substitution for c[0];
//   5. lifter: c[k] *= lifter[k] (host: build_lifter, 1 + (L/2) sin(pi k / L)) when lifter is non-null;
//   6. mean_normalize: subtract each coefficient's mean over this window's frames (a plain per-window
//      cepstral mean normalisation; EI's sliding cmvnw over 101 frames is not reproduced).
// Output: frames x num_cepstral, frame-major.
#ifndef MOTE_DSP_MFCC_H
#define MOTE_DSP_MFCC_H

#include <stddef.h>
#include <stdint.h>

#include "dsp/mfe.h"
#include "mote/status.h"

namespace mote {
namespace dsp {

struct MfccConfig {
  AudioFrameConfig frames;
  MelFilterbank mel;
  uint16_t num_cepstral;  // 1..mel.num_filters
  const float* dct;       // num_cepstral x mel.num_filters, row-major
  const float* lifter;    // num_cepstral floats, or null for no lifter
  bool mean_normalize;
};

size_t mfcc_output_len(const MfccConfig& cfg, size_t signal_len);
size_t mfcc_scratch_bytes(const MfccConfig& cfg);
// signal: signal_len samples; out: mfcc_output_len floats; scratch: mfcc_scratch_bytes, 4-byte aligned.
Status mfcc_f32(const MfccConfig& cfg, const float* signal, size_t signal_len, float* out, size_t out_len,
                void* scratch, size_t scratch_bytes);
// Steps 1-5 for frames first .. first + count - 1 only, into their rows of out (row f at out + f *
// num_cepstral). For callers that already ran mfcc_f32's checks (mfcc_batch.cpp's last frames).
Status mfcc_rows_f32(const MfccConfig& cfg, const float* signal, size_t first, size_t count, float* out,
                     void* scratch, size_t scratch_bytes);
// Steps 1-5 for one frame from its samples (audio_power_frame_at's x, at_start) into row (num_cepstral floats);
// scratch: mfcc_scratch_bytes.
Status mfcc_frame_f32(const MfccConfig& cfg, const float* x, bool at_start, float* row, void* scratch,
                      size_t scratch_bytes);
// mfcc_f32 reading the signal (signal_len samples) through src, frame by frame; step 6 runs over out after
// the last frame. scratch: mfcc_stream_scratch_bytes.
size_t mfcc_stream_scratch_bytes(const MfccConfig& cfg);
Status mfcc_stream_f32(const MfccConfig& cfg, const AudioSource& src, size_t signal_len, float* out, size_t out_len,
                       void* scratch, size_t scratch_bytes);
// Step 6 on frames x cols values: subtracts each column's running mean (exact for constant columns).
void mfcc_subtract_means_f32(float* out, size_t frames, size_t cols);

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_MFCC_H
