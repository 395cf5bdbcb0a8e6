#include "dsp/mfcc.h"

#include "dsp/fastmath.h"

namespace mote {
namespace dsp {

namespace {

const float kLogFloor = 2.220446049250313e-16f;  // 2^-52, exact in float: python_speech_features' eps

}  // namespace

// Subtracts each coefficient's running mean over the frames (exact for constant columns). Up to 16
// columns at a time with the frames outermost: the columns' running means are independent chains.
void mfcc_subtract_means_f32(float* out, size_t frames, size_t cols) {
  const size_t kChunk = 16;
  float mean[kChunk];
  for (size_t k0 = 0; k0 < cols; k0 += kChunk) {
    const size_t w = cols - k0 < kChunk ? cols - k0 : kChunk;
    for (size_t c = 0; c < w; ++c) mean[c] = 0.0f;
    for (size_t f = 0; f < frames; ++f) {
      const float* row = out + f * cols + k0;
      const float count = static_cast<float>(f + 1u);
      for (size_t c = 0; c < w; ++c) mean[c] += (row[c] - mean[c]) / count;
    }
    for (size_t f = 0; f < frames; ++f)
      for (size_t c = 0; c < w; ++c) out[f * cols + k0 + c] -= mean[c];
  }
}

size_t mfcc_output_len(const MfccConfig& cfg, size_t signal_len) {
  return audio_frame_count(cfg.frames, signal_len) * cfg.num_cepstral;
}

size_t mfcc_scratch_bytes(const MfccConfig& cfg) {
  // Log mel energies, then the FFT's buffer (the power spectrum is left in its first n/2 + 1 floats).
  return static_cast<size_t>(cfg.mel.num_filters) * sizeof(float) + audio_power_scratch_bytes(cfg.frames);
}

Status mfcc_rows_f32(const MfccConfig& cfg, const float* signal, size_t first, size_t count, float* out,
                     void* scratch, size_t scratch_bytes) {
  const size_t stride = audio_frame_samples(cfg.frames.frame_stride_s, cfg.frames.sample_rate_hz);
  for (size_t f = first; f < first + count; ++f)
    MOTE_RETURN_IF_ERROR(
        mfcc_frame_f32(cfg, signal + f * stride, f == 0, out + f * cfg.num_cepstral, scratch, scratch_bytes));
  return MOTE_OK;
}

Status mfcc_frame_f32(const MfccConfig& cfg, const float* x, bool at_start, float* row, void* scratch,
                      size_t scratch_bytes) {
  const size_t filters = cfg.mel.num_filters, ceps = cfg.num_cepstral;
  float* log_e = static_cast<float*>(scratch);
  float* power = log_e + filters;
  const size_t power_scratch_bytes = scratch_bytes - filters * sizeof(float);
  MOTE_RETURN_IF_ERROR(audio_power_frame_at(cfg.frames, x, at_start, power, power, power_scratch_bytes));
  mel_energies_f32(cfg.mel, power, log_e);
  for (size_t m = 0; m < filters; ++m) log_e[m] = log_f32(log_e[m] > kLogFloor ? log_e[m] : kLogFloor);
  size_t k = 0;
  // Four coefficients at a time: independent sums overlap in the pipeline; each still adds m in order.
  for (; k + 4 <= ceps; k += 4) {
    const float* d = cfg.dct + k * filters;
    float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
    for (size_t m = 0; m < filters; ++m) {
      const float l = log_e[m];
      a0 += d[m] * l;
      a1 += d[filters + m] * l;
      a2 += d[2 * filters + m] * l;
      a3 += d[3 * filters + m] * l;
    }
    row[k] = a0;
    row[k + 1] = a1;
    row[k + 2] = a2;
    row[k + 3] = a3;
  }
  for (; k < ceps; ++k) {
    const float* d = cfg.dct + k * filters;
    float acc = 0.0f;
    for (size_t m = 0; m < filters; ++m) acc += d[m] * log_e[m];
    row[k] = acc;
  }
  if (cfg.lifter)
    for (k = 0; k < ceps; ++k) row[k] = row[k] * cfg.lifter[k];
  return MOTE_OK;
}

Status mfcc_f32(const MfccConfig& cfg, const float* signal, size_t signal_len, float* out, size_t out_len,
                void* scratch, size_t scratch_bytes) {
  MOTE_RETURN_IF_ERROR(audio_frames_check(cfg.frames, signal, signal_len));
  MOTE_RETURN_IF_ERROR(mel_filterbank_check(cfg.mel, cfg.frames.fft.n));
  if (cfg.num_cepstral == 0 || cfg.num_cepstral > cfg.mel.num_filters || cfg.dct == 0) return MOTE_ERR_ARG;
  if (out == 0 || scratch == 0) return MOTE_ERR_ARG;
  if (out_len != mfcc_output_len(cfg, signal_len)) return MOTE_ERR_SHAPE;
  if (scratch_bytes < mfcc_scratch_bytes(cfg)) return MOTE_ERR_SCRATCH;
  const size_t frames = audio_frame_count(cfg.frames, signal_len);
  MOTE_RETURN_IF_ERROR(mfcc_rows_f32(cfg, signal, 0, frames, out, scratch, scratch_bytes));
  if (cfg.mean_normalize) mfcc_subtract_means_f32(out, frames, cfg.num_cepstral);
  return MOTE_OK;
}

size_t mfcc_stream_scratch_bytes(const MfccConfig& cfg) {
  return audio_stream_buffer_bytes(cfg.frames) + mfcc_scratch_bytes(cfg);
}

static Status mfcc_frame_thunk(const void* c, const float* x, bool at_start, float* row, void* scratch, size_t scratch_bytes) {
  return mfcc_frame_f32(*static_cast<const MfccConfig*>(c), x, at_start, row, scratch, scratch_bytes);
}

Status mfcc_stream_f32(const MfccConfig& cfg, const AudioSource& src, size_t signal_len, float* out, size_t out_len,
                       void* scratch, size_t scratch_bytes) {
  MOTE_RETURN_IF_ERROR(audio_stream_check(cfg.frames, src, signal_len));
  MOTE_RETURN_IF_ERROR(mel_filterbank_check(cfg.mel, cfg.frames.fft.n));
  if (cfg.num_cepstral == 0 || cfg.num_cepstral > cfg.mel.num_filters || cfg.dct == 0) return MOTE_ERR_ARG;
  if (out == 0 || scratch == 0) return MOTE_ERR_ARG;
  if (out_len != mfcc_output_len(cfg, signal_len)) return MOTE_ERR_SHAPE;
  if (scratch_bytes < mfcc_stream_scratch_bytes(cfg)) return MOTE_ERR_SCRATCH;
  MOTE_RETURN_IF_ERROR(audio_stream_rows(cfg.frames, src, signal_len, cfg.num_cepstral, out, scratch, scratch_bytes,
                                         mfcc_frame_thunk, &cfg));
  const size_t frames = audio_frame_count(cfg.frames, signal_len);
  if (cfg.mean_normalize) mfcc_subtract_means_f32(out, frames, cfg.num_cepstral);
  return MOTE_OK;
}

}  // namespace dsp
}  // namespace mote
