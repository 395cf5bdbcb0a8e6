#include "dsp/spectrogram.h"

#include "dsp/fastmath.h"

namespace mote {
namespace dsp {

namespace {

bool fft_length_ok(uint32_t n) { return n >= 16u && n <= 4096u && (n & (n - 1u)) == 0u; }
bool fft_ok(const RfftTables& t) { return fft_length_ok(t.n) && t.cos && t.sin && t.bitrev; }

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

namespace {

Status frames_config_check(const AudioFrameConfig& cfg, size_t signal_len) {
  if (!fft_ok(cfg.fft) || !in_range(cfg.sample_rate_hz, 1e-3f, 1e9f) ||
      !in_range(cfg.preemphasis, -1.0f, 1.0f)) {
    return MOTE_ERR_ARG;
  }
  if (audio_frame_samples(cfg.frame_length_s, cfg.sample_rate_hz) == 0 ||
      audio_frame_samples(cfg.frame_stride_s, cfg.sample_rate_hz) == 0) {
    return MOTE_ERR_ARG;
  }
  return audio_frame_count(cfg, signal_len) == 0 ? MOTE_ERR_SHAPE : MOTE_OK;
}

}  // namespace

Status audio_frames_check(const AudioFrameConfig& cfg, const float* signal, size_t signal_len) {
  return signal == 0 ? MOTE_ERR_ARG : frames_config_check(cfg, signal_len);
}

Status audio_stream_check(const AudioFrameConfig& cfg, const AudioSource& src, size_t signal_len) {
  return src.read == 0 ? MOTE_ERR_ARG : frames_config_check(cfg, signal_len);
}

size_t audio_frame_reads(const AudioFrameConfig& cfg) {
  const size_t len = audio_frame_samples(cfg.frame_length_s, cfg.sample_rate_hz);
  return len < cfg.fft.n ? len : cfg.fft.n;
}

size_t audio_stream_buffer_bytes(const AudioFrameConfig& cfg) {
  if (!fft_length_ok(cfg.fft.n) || audio_frame_reads(cfg) == 0) return 0;
  return ((audio_frame_reads(cfg) + 1u) * sizeof(float) + 7u) / 8u * 8u;
}

Status audio_read_frame(const AudioSource& src, size_t start, size_t take, float* buf) {
  // Frame 0 has no sample before it: pre-emphasis starts afresh there (y[0] = x[0]).
  const int rc = start == 0 ? src.read(0, take, buf + 1, src.ctx) : src.read(start - 1, take + 1, buf, src.ctx);
  return rc == 0 ? MOTE_OK : MOTE_ERR_SIGNAL;
}

size_t audio_power_scratch_bytes(const AudioFrameConfig& cfg) {
  if (!fft_length_ok(cfg.fft.n)) return 0;
  return rfft_scratch_bytes(cfg.fft.n);
}

namespace {

// The frame's samples y[i] (pre-emphasis, then window) written straight where the FFT reads them (fft.h:
// sample 2j at re[bitrev[j]], 2j + 1 at im[bitrev[j]]), zero past `take`: no frame buffer. The very
// operations of the plain definition, y[i] = (x[i] - c x[i-1]) * w[i], with y[0] = x[0] * w[0] at the start
// of the signal; kPre / kWin drop the steps that are off (c == 0, no window), as the definition does.
template <bool kPre, bool kWin>
void pack_frame(const float* x, bool at_start, size_t take, float c, const float* w, const uint16_t* bitrev,
                float* re, float* im, uint32_t m) {
  float prev = at_start ? 0.0f : x[-1];
  const size_t pairs = take / 2;
  size_t j = 0;
  if (at_start && take >= 2) {  // y[0] has no predecessor
    float y0 = x[0], y1 = kPre ? x[1] - c * x[0] : x[1];
    if (kWin) {
      y0 = y0 * w[0];
      y1 = y1 * w[1];
    }
    re[bitrev[0]] = y0;
    im[bitrev[0]] = y1;
    prev = x[1];
    j = 1;
  }
  for (; j < pairs; ++j) {
    const float a = x[2 * j], b = x[2 * j + 1];
    float y0 = kPre ? a - c * prev : a, y1 = kPre ? b - c * a : b;
    prev = b;
    if (kWin) {
      y0 = y0 * w[2 * j];
      y1 = y1 * w[2 * j + 1];
    }
    const uint32_t p = bitrev[j];
    re[p] = y0;
    im[p] = y1;
  }
  if (take & 1u) {  // the last sample, then zero padding
    const size_t i = take - 1;
    float y0 = kPre && !(at_start && i == 0) ? x[i] - c * prev : x[i];
    if (kWin) y0 = y0 * w[i];
    re[bitrev[j]] = y0;
    im[bitrev[j]] = 0.0f;
    ++j;
  }
  for (; j < m; ++j) {
    const uint32_t p = bitrev[j];
    re[p] = 0.0f;
    im[p] = 0.0f;
  }
}

}  // namespace

Status audio_power_frame(const AudioFrameConfig& cfg, const float* signal, size_t frame, float* power,
                         float* scratch, size_t scratch_bytes) {
  if (signal == 0) return MOTE_ERR_ARG;
  const size_t start = frame * audio_frame_samples(cfg.frame_stride_s, cfg.sample_rate_hz);
  return audio_power_frame_at(cfg, signal + start, start == 0, power, scratch, scratch_bytes);
}

Status audio_power_frame_at(const AudioFrameConfig& cfg, const float* x, bool at_start, float* power,
                            float* scratch, size_t scratch_bytes) {
  if (x == 0 || power == 0 || scratch == 0 || !fft_ok(cfg.fft)) return MOTE_ERR_ARG;
  if (scratch_bytes < audio_power_scratch_bytes(cfg)) return MOTE_ERR_SCRATCH;
  const uint32_t m = cfg.fft.n / 2;
  const size_t take = audio_frame_reads(cfg);  // frames longer than the FFT are truncated, like numpy's rfft(x, n)
  const float c = cfg.preemphasis;
  const float* w = cfg.window;
  const uint16_t* br = cfg.fft.bitrev;
  float* re = scratch;
  float* im = scratch + m;
  if (c != 0.0f) {
    if (w) pack_frame<true, true>(x, at_start, take, c, w, br, re, im, m);
    else pack_frame<true, false>(x, at_start, take, c, w, br, re, im, m);
  } else {
    if (w) pack_frame<false, true>(x, at_start, take, c, w, br, re, im, m);
    else pack_frame<false, false>(x, at_start, take, c, w, br, re, im, m);
  }
  rfft_power_packed_f32(cfg.fft, scratch, power, 1.0f / static_cast<float>(cfg.fft.n));  // 1/n: exact, n a power of two
  return MOTE_OK;
}

Status db_scale_check(float noise_floor_db, DbScale scale) {
  if (scale == DB_SCALE_DECIBELS) return in_range(noise_floor_db, -1000.0f, 1000.0f) ? MOTE_OK : MOTE_ERR_ARG;
  if (scale == DB_SCALE_NORMALIZED) return in_range(noise_floor_db, -1000.0f, 11.0f) ? MOTE_OK : MOTE_ERR_ARG;
  return MOTE_ERR_ARG;
}

namespace {

inline float to_db(float power, float noise_floor_db, DbScale scale, float range) {
  const float floored = power > 1e-30f ? power : 1e-30f;  // also maps NaN to the floor
  const uint32_t u = fastmath_detail::bits_of(floored);  // a positive normal float, or +inf
  const float lg = u < 0x7f800000u ? fastmath_detail::log10_normal(u) : log10_f32(floored);
  const float db = 10.0f * lg;
  if (scale == DB_SCALE_DECIBELS) return db > noise_floor_db ? db : noise_floor_db;
  const float v = (db - noise_floor_db) / range;
  return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
}

}  // namespace

float power_to_db(float power, float noise_floor_db, DbScale scale) {
  return to_db(power, noise_floor_db, scale, 12.0f - noise_floor_db);
}

void power_to_db_inplace(float* v, size_t count, float noise_floor_db, DbScale scale) {
  const float range = 12.0f - noise_floor_db;
  if (scale == DB_SCALE_DECIBELS) {
    for (size_t i = 0; i < count; ++i) v[i] = to_db(v[i], noise_floor_db, DB_SCALE_DECIBELS, range);
  } else {
    for (size_t i = 0; i < count; ++i) v[i] = to_db(v[i], noise_floor_db, DB_SCALE_NORMALIZED, range);
  }
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
  const size_t stride = audio_frame_samples(cfg.frames.frame_stride_s, cfg.frames.sample_rate_hz);
  for (size_t f = 0; f < frames; ++f)
    MOTE_RETURN_IF_ERROR(spectrogram_frame_f32(cfg, signal + f * stride, f == 0, out + f * bins, scratch, scratch_bytes));
  return MOTE_OK;
}

Status spectrogram_frame_f32(const SpectrogramConfig& cfg, const float* x, bool at_start, float* row, void* scratch,
                             size_t scratch_bytes) {
  // The power spectrum lands in the output row, then becomes dB in place.
  MOTE_RETURN_IF_ERROR(audio_power_frame_at(cfg.frames, x, at_start, row, static_cast<float*>(scratch), scratch_bytes));
  power_to_db_inplace(row, cfg.frames.fft.n / 2u + 1u, cfg.noise_floor_db, cfg.scale);
  return MOTE_OK;
}

size_t spectrogram_stream_scratch_bytes(const SpectrogramConfig& cfg) {
  return audio_stream_buffer_bytes(cfg.frames) + spectrogram_scratch_bytes(cfg);
}

static Status spectrogram_frame_thunk(const void* c, const float* x, bool at_start, float* row, void* scratch,
                                      size_t scratch_bytes) {
  return spectrogram_frame_f32(*static_cast<const SpectrogramConfig*>(c), x, at_start, row, scratch, scratch_bytes);
}

Status spectrogram_stream_f32(const SpectrogramConfig& cfg, const AudioSource& src, size_t signal_len, float* out,
                              size_t out_len, void* scratch, size_t scratch_bytes) {
  MOTE_RETURN_IF_ERROR(audio_stream_check(cfg.frames, src, signal_len));
  MOTE_RETURN_IF_ERROR(db_scale_check(cfg.noise_floor_db, cfg.scale));
  if (out == 0 || scratch == 0) return MOTE_ERR_ARG;
  if (out_len != spectrogram_output_len(cfg, signal_len)) return MOTE_ERR_SHAPE;
  if (scratch_bytes < spectrogram_stream_scratch_bytes(cfg)) return MOTE_ERR_SCRATCH;
  return audio_stream_rows(cfg.frames, src, signal_len, cfg.frames.fft.n / 2u + 1u, out, scratch, scratch_bytes,
                           spectrogram_frame_thunk, &cfg);
}

Status audio_stream_rows(const AudioFrameConfig& cfg, const AudioSource& src, size_t signal_len, size_t row_len,
                         float* out, void* scratch, size_t scratch_bytes, AudioFrameFn fn, const void* block_cfg) {
  const size_t frames = audio_frame_count(cfg, signal_len), buf_bytes = audio_stream_buffer_bytes(cfg);
  const size_t stride = audio_frame_samples(cfg.frame_stride_s, cfg.sample_rate_hz), take = audio_frame_reads(cfg);
  float* buf = static_cast<float*>(scratch);
  float* rest = buf + buf_bytes / sizeof(float);
  for (size_t f = 0; f < frames; ++f) {
    MOTE_RETURN_IF_ERROR(audio_read_frame(src, f * stride, take, buf));
    MOTE_RETURN_IF_ERROR(fn(block_cfg, buf + 1, f == 0, out + f * row_len, rest, scratch_bytes - buf_bytes));
  }
  return MOTE_OK;
}

}  // namespace dsp
}  // namespace mote
