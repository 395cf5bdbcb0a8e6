// Spectrogram block, and the audio framing + power spectrum that mfe and mfcc build on.
//
// Framing (Edge Impulse / speechpy without zero padding):
//   L = audio_frame_samples(frame_length_s, rate), S = audio_frame_samples(frame_stride_s, rate),
//   frames = 1 + (signal_len - L) / S; trailing samples that do not fill a frame are dropped.
// Per frame f (samples s = f*S + i, i < L):
//   pre-emphasis over the whole window: y[0] = x[0], y[s] = x[s] - preemphasis * x[s-1] (0 disables it);
//   window: y * window[i] (Hamming, or any table of L floats), or rectangular when window is null;
//   the first min(L, n) samples, zero-padded to the FFT length n (numpy.fft.rfft(frame, n) semantics);
//   power[k] = |X[k]|^2 / n for k in [0, n/2] (python_speech_features' powspec).
// Decibels: db = 10 log10(max(power, 1e-30)) with the runtime's portable log; then
//   DB_SCALE_DECIBELS: max(db, noise_floor_db);
//   DB_SCALE_NORMALIZED: clamp((db - noise_floor_db) / (12 - noise_floor_db), 0, 1), Edge Impulse's
//   MFE/spectrogram (v3+) scaling: the floor maps to 0, +12 dB to 1 (its final 8-bit rounding is left out).
// Output: frames x (n/2 + 1), frame-major. Inputs are expected around -1..1 (EI divides int16 by 32768).
#ifndef MOTE_DSP_SPECTROGRAM_H
#define MOTE_DSP_SPECTROGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "dsp/fft.h"
#include "mote/status.h"

namespace mote {
namespace dsp {

struct AudioFrameConfig {
  float sample_rate_hz;
  float frame_length_s;
  float frame_stride_s;
  float preemphasis;    // e.g. 0.98; 0 disables
  const float* window;  // audio_frame_samples(frame_length_s) floats, or null for rectangular
  RfftTables fft;       // fft.n is the FFT length (power of two, 16..4096)
};

// Fixed 8-bit underlying type, as in image.h: an out-of-range byte is loaded safely and refused.
enum DbScale : uint8_t { DB_SCALE_DECIBELS = 0, DB_SCALE_NORMALIZED = 1 };

struct SpectrogramConfig {
  AudioFrameConfig frames;
  float noise_floor_db;  // e.g. -52; DB_SCALE_NORMALIZED needs it below 12
  DbScale scale;
};

// floor(seconds * rate + 0.5) computed in float (the same on every platform); 0 when below one sample.
size_t audio_frame_samples(float seconds, float rate_hz);
// Frames a signal of signal_len samples yields; 0 when it is shorter than one frame or the config is bad.
size_t audio_frame_count(const AudioFrameConfig& cfg, size_t signal_len);
// MOTE_OK, MOTE_ERR_ARG for a bad config or null signal, MOTE_ERR_SHAPE when the signal is shorter than a frame.
Status audio_frames_check(const AudioFrameConfig& cfg, const float* signal, size_t signal_len);

// Scratch of audio_power_frame, 4-byte aligned: the FFT's buffer (n floats). The frame is written into it
// already in the FFT's input order (fft.h: rfft_pack_f32), so there is no separate frame buffer.
size_t audio_power_scratch_bytes(const AudioFrameConfig& cfg);
// power[0 .. n/2] = |X|^2 / n of frame `frame` (assumes audio_frames_check passed and frame < frame count).
// power may be scratch itself: the spectrum then fills its first n/2 + 1 floats.
Status audio_power_frame(const AudioFrameConfig& cfg, const float* signal, size_t frame, float* power,
                         float* scratch, size_t scratch_bytes);

// The per-frame entry point of audio_power_frame: x points at the frame's first sample (x[-1], the sample
// before it, is read unless at_start, i.e. frame 0), so a caller can hand over one frame at a time.
Status audio_power_frame_at(const AudioFrameConfig& cfg, const float* x, bool at_start, float* power,
                            float* scratch, size_t scratch_bytes);

// Streaming: the window is read frame by frame through a callback (never whole in RAM), each frame with the
// sample before it for pre-emphasis; the results are those of the whole-window functions bit for bit.
struct AudioSource {
  int (*read)(size_t offset, size_t length, float* out, void* ctx);  // 0 on success (mote_signal_t's get_data)
  void* ctx;
};
// Samples one frame reads: min(frame length, FFT length) (longer frames are truncated, see above).
size_t audio_frame_reads(const AudioFrameConfig& cfg);
// The streaming frame buffer (audio_frame_reads + 1 floats), rounded up to 8 bytes; 0 for a bad config.
size_t audio_stream_buffer_bytes(const AudioFrameConfig& cfg);
// MOTE_OK, MOTE_ERR_ARG for a bad config or a source without read, MOTE_ERR_SHAPE as audio_frames_check.
Status audio_stream_check(const AudioFrameConfig& cfg, const AudioSource& src, size_t signal_len);
// The frame starting at sample `start` into buf (audio_stream_buffer_bytes): its `take` (audio_frame_reads)
// samples at buf + 1 and the one before at buf[0] (not read when start is 0); MOTE_ERR_SIGNAL when src.read fails.
Status audio_read_frame(const AudioSource& src, size_t start, size_t take, float* buf);
// One block's work on one frame (x: its samples, x[-1] the one before; at_start: frame 0) into its row.
typedef Status (*AudioFrameFn)(const void* block_cfg, const float* x, bool at_start, float* row, void* scratch,
                               size_t scratch_bytes);
// The streaming loop of mfcc/mfe/spectrogram: each frame read into the buffer at the head of scratch, then
// fn(block_cfg, ...) with the rest of scratch writes row f (row_len floats) of out. Checks are the caller's.
Status audio_stream_rows(const AudioFrameConfig& cfg, const AudioSource& src, size_t signal_len, size_t row_len,
                         float* out, void* scratch, size_t scratch_bytes, AudioFrameFn fn, const void* block_cfg);

// One power value in the block's units (see above).
float power_to_db(float power, float noise_floor_db, DbScale scale);
// v[i] = power_to_db(v[i], ...) for i < count, in place (the same bits, no call per value).
void power_to_db_inplace(float* v, size_t count, float noise_floor_db, DbScale scale);
// MOTE_ERR_ARG unless the floor is finite and usable with the scale.
Status db_scale_check(float noise_floor_db, DbScale scale);

size_t spectrogram_output_len(const SpectrogramConfig& cfg, size_t signal_len);
size_t spectrogram_scratch_bytes(const SpectrogramConfig& cfg);
// signal: signal_len samples; out: spectrogram_output_len floats; scratch: spectrogram_scratch_bytes, 4-byte aligned.
Status spectrogram_f32(const SpectrogramConfig& cfg, const float* signal, size_t signal_len, float* out,
                       size_t out_len, void* scratch, size_t scratch_bytes);
// One output row from a frame's samples (audio_power_frame_at's x, at_start); scratch: spectrogram_scratch_bytes.
Status spectrogram_frame_f32(const SpectrogramConfig& cfg, const float* x, bool at_start, float* row, void* scratch,
                             size_t scratch_bytes);
// spectrogram_f32 reading the signal (signal_len samples) through src; scratch: spectrogram_stream_scratch_bytes.
size_t spectrogram_stream_scratch_bytes(const SpectrogramConfig& cfg);
Status spectrogram_stream_f32(const SpectrogramConfig& cfg, const AudioSource& src, size_t signal_len, float* out,
                              size_t out_len, void* scratch, size_t scratch_bytes);

}  // namespace dsp
}  // namespace mote

#endif  // MOTE_DSP_SPECTROGRAM_H
