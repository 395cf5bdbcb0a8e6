#include "dsp/spectrogram.h"

#include "dsp/fastmath.h"

namespace mote {
namespace dsp {

namespace {

bool fft_length_ok(uint32_t n) { return n >= 16u && n <= 4096u && (n & (n - 1u)) == 0u; }

// A float within [lo, hi]; false for NaN.
bool in_range(float v, float lo, float hi) { return v >= lo && v <= hi; }

}  // namespace

size_t audio_frame_samples(float seconds, float rate_hz) {
  const float x = seconds * rate_hz + 0.5f;
  if (!in_range(x, 1.0f, 16777216.0f)) return 0;  // below one sample, NaN, or beyond exact float integers
  return static_cast<size_t>(x);
}

size_t audio_frame_count(const AudioFrameConfig& cfg, size_t signal_len) {
  const size_t len = audio_frame_samples(cfg.frame_length_s, cfg.sample_rate_hz);
  const size_t stride = audio_frame_samples(cfg.frame_stride_s, cfg.sample_rate_hz);
  if (len == 0 || stride == 0 || signal_len < len) return 0;
  return 1u + (signal_len - len) / stride;
}

Status audio_frames_check(const AudioFrameConfig& cfg, const float* signal, size_t signal_len) {
  if (signal == 0 || !fft_length_ok(cfg.fft.n) || !in_range(cfg.sample_rate_hz, 1e-3f, 1e9f) ||
      !in_range(cfg.preemphasis, -1.0f, 1.0f)) {
    return MOTE_ERR_ARG;
  }
  if (audio_frame_samples(cfg.frame_length_s, cfg.sample_rate_hz) == 0 ||
      audio_frame_samples(cfg.frame_stride_s, cfg.sample_rate_hz) == 0) {
    return MOTE_ERR_ARG;
  }
  return audio_frame_count(cfg, signal_len) == 0 ? MOTE_ERR_SHAPE : MOTE_OK;
}

size_t audio_power_scratch_bytes(const AudioFrameConfig& cfg) {
  if (!fft_length_ok(cfg.fft.n)) return 0;
  return static_cast<size_t>(cfg.fft.n) * sizeof(float) + rfft_scratch_bytes(cfg.fft.n);
}

Status audio_power_frame(const AudioFrameConfig& cfg, const float* signal, size_t frame, float* power,
                         float* scratch, size_t scratch_bytes) {
  if (power == 0 || scratch == 0 || !fft_length_ok(cfg.fft.n)) return MOTE_ERR_ARG;
  if (scratch_bytes < audio_power_scratch_bytes(cfg)) return MOTE_ERR_SCRATCH;
  const size_t n = cfg.fft.n;
  const size_t len = audio_frame_samples(cfg.frame_length_s, cfg.sample_rate_hz);
  const size_t start = frame * audio_frame_samples(cfg.frame_stride_s, cfg.sample_rate_hz);
  const size_t take = len < n ? len : n;  // frames longer than the FFT are truncated, like numpy's rfft(x, n)
  float* buf = scratch;
  const float* x = signal + start;
  const float c = cfg.preemphasis;
  // Branch-free loops (the host compiler vectorises them); y[0] of the whole signal has no predecessor.
  size_t i = 0;
  if (start == 0 && take > 0) buf[i++] = x[0];
  if (c != 0.0f) {
    for (; i < take; ++i) buf[i] = x[i] - c * signal[start + i - 1];  // start + i >= 1 here
  } else {
    for (; i < take; ++i) buf[i] = x[i];
  }
  if (cfg.window) {
    for (i = 0; i < take; ++i) buf[i] = buf[i] * cfg.window[i];
  }
  for (i = take; i < n; ++i) buf[i] = 0.0f;
  MOTE_RETURN_IF_ERROR(rfft_power_f32(cfg.fft, buf, power, scratch + n, scratch_bytes - n * sizeof(float)));
  const float inv_n = 1.0f / static_cast<float>(n);  // exact: n is a power of two
  for (size_t k = 0; k <= n / 2; ++k) power[k] *= inv_n;
  return MOTE_OK;
}

Status db_scale_check(float noise_floor_db, DbScale scale) {
  if (scale == DB_SCALE_DECIBELS) return in_range(noise_floor_db, -1000.0f, 1000.0f) ? MOTE_OK : MOTE_ERR_ARG;
  if (scale == DB_SCALE_NORMALIZED) return in_range(noise_floor_db, -1000.0f, 11.0f) ? MOTE_OK : MOTE_ERR_ARG;
  return MOTE_ERR_ARG;
}

float power_to_db(float power, float noise_floor_db, DbScale scale) {
  const float floored = power > 1e-30f ? power : 1e-30f;  // also maps NaN to the floor
  const float db = 10.0f * log10_f32(floored);
  if (scale == DB_SCALE_DECIBELS) return db > noise_floor_db ? db : noise_floor_db;
  const float v = (db - noise_floor_db) / (12.0f - noise_floor_db);
  return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
}

size_t spectrogram_output_len(const SpectrogramConfig& cfg, size_t signal_len) {
  if (!fft_length_ok(cfg.frames.fft.n)) return 0;
  return audio_frame_count(cfg.frames, signal_len) * (cfg.frames.fft.n / 2u + 1u);
}

size_t spectrogram_scratch_bytes(const SpectrogramConfig& cfg) { return audio_power_scratch_bytes(cfg.frames); }

Status spectrogram_f32(const SpectrogramConfig& cfg, const float* signal, size_t signal_len, float* out,
                       size_t out_len, void* scratch, size_t scratch_bytes) {
  MOTE_RETURN_IF_ERROR(audio_frames_check(cfg.frames, signal, signal_len));
  MOTE_RETURN_IF_ERROR(db_scale_check(cfg.noise_floor_db, cfg.scale));
  if (out == 0 || scratch == 0) return MOTE_ERR_ARG;
  if (out_len != spectrogram_output_len(cfg, signal_len)) return MOTE_ERR_SHAPE;
  if (scratch_bytes < spectrogram_scratch_bytes(cfg)) return MOTE_ERR_SCRATCH;
  const size_t frames = audio_frame_count(cfg.frames, signal_len);
  const size_t bins = cfg.frames.fft.n / 2u + 1u;
  for (size_t f = 0; f < frames; ++f) {
    float* row = out + f * bins;  // the power spectrum lands in the output row, then becomes dB in place
    MOTE_RETURN_IF_ERROR(
        audio_power_frame(cfg.frames, signal, f, row, static_cast<float*>(scratch), scratch_bytes));
    for (size_t k = 0; k < bins; ++k) row[k] = power_to_db(row[k], cfg.noise_floor_db, cfg.scale);
  }
  return MOTE_OK;
}

}  // namespace dsp
}  // namespace mote
