#include "dsp/mfe.h"

namespace mote {
namespace dsp {

Status mel_filterbank_check(const MelFilterbank& mel, uint32_t n) {
  if (mel.num_filters == 0 || mel.first_bin == 0 || mel.bin_count == 0 || mel.num_bins != n / 2u + 1u) {
    return MOTE_ERR_ARG;
  }
  size_t total = 0;
  for (uint16_t m = 0; m < mel.num_filters; ++m) {
    if (static_cast<uint32_t>(mel.first_bin[m]) + mel.bin_count[m] > mel.num_bins) return MOTE_ERR_ARG;
    total += mel.bin_count[m];
  }
  return total > 0 && mel.weights == 0 ? MOTE_ERR_ARG : MOTE_OK;
}

void mel_energies_f32(const MelFilterbank& mel, const float* power, float* energies) {
  const float* w = mel.weights;
  for (uint16_t m = 0; m < mel.num_filters; ++m) {
    const float* p = power + mel.first_bin[m];
    float acc = 0.0f;
    for (uint16_t k = 0; k < mel.bin_count[m]; ++k) acc += w[k] * p[k];
    energies[m] = acc;
    w += mel.bin_count[m];
  }
}

size_t mfe_output_len(const MfeConfig& cfg, size_t signal_len) {
  return audio_frame_count(cfg.frames, signal_len) * cfg.mel.num_filters;
}

size_t mfe_scratch_bytes(const MfeConfig& cfg) {
  // The FFT's buffer; the power spectrum is left in its first n/2 + 1 floats.
  return audio_power_scratch_bytes(cfg.frames);
}

Status mfe_f32(const MfeConfig& cfg, const float* signal, size_t signal_len, float* out, size_t out_len,
               void* scratch, size_t scratch_bytes) {
  MOTE_RETURN_IF_ERROR(audio_frames_check(cfg.frames, signal, signal_len));
  MOTE_RETURN_IF_ERROR(mel_filterbank_check(cfg.mel, cfg.frames.fft.n));
  MOTE_RETURN_IF_ERROR(db_scale_check(cfg.noise_floor_db, cfg.scale));
  if (out == 0 || scratch == 0) return MOTE_ERR_ARG;
  if (out_len != mfe_output_len(cfg, signal_len)) return MOTE_ERR_SHAPE;
  if (scratch_bytes < mfe_scratch_bytes(cfg)) return MOTE_ERR_SCRATCH;
  const size_t frames = audio_frame_count(cfg.frames, signal_len);
  const size_t stride = audio_frame_samples(cfg.frames.frame_stride_s, cfg.frames.sample_rate_hz);
  for (size_t f = 0; f < frames; ++f)
    MOTE_RETURN_IF_ERROR(
        mfe_frame_f32(cfg, signal + f * stride, f == 0, out + f * cfg.mel.num_filters, scratch, scratch_bytes));
  return MOTE_OK;
}

Status mfe_frame_f32(const MfeConfig& cfg, const float* x, bool at_start, float* row, void* scratch, size_t scratch_bytes) {
  float* power = static_cast<float*>(scratch);
  MOTE_RETURN_IF_ERROR(audio_power_frame_at(cfg.frames, x, at_start, power, power, scratch_bytes));
  mel_energies_f32(cfg.mel, power, row);
  power_to_db_inplace(row, cfg.mel.num_filters, cfg.noise_floor_db, cfg.scale);
  return MOTE_OK;
}

size_t mfe_stream_scratch_bytes(const MfeConfig& cfg) {
  return audio_stream_buffer_bytes(cfg.frames) + mfe_scratch_bytes(cfg);
}

static Status mfe_frame_thunk(const void* c, const float* x, bool at_start, float* row, void* scratch, size_t scratch_bytes) {
  return mfe_frame_f32(*static_cast<const MfeConfig*>(c), x, at_start, row, scratch, scratch_bytes);
}

Status mfe_stream_f32(const MfeConfig& cfg, const AudioSource& src, size_t signal_len, float* out, size_t out_len,
                      void* scratch, size_t scratch_bytes) {
  MOTE_RETURN_IF_ERROR(audio_stream_check(cfg.frames, src, signal_len));
  MOTE_RETURN_IF_ERROR(mel_filterbank_check(cfg.mel, cfg.frames.fft.n));
  MOTE_RETURN_IF_ERROR(db_scale_check(cfg.noise_floor_db, cfg.scale));
  if (out == 0 || scratch == 0) return MOTE_ERR_ARG;
  if (out_len != mfe_output_len(cfg, signal_len)) return MOTE_ERR_SHAPE;
  if (scratch_bytes < mfe_stream_scratch_bytes(cfg)) return MOTE_ERR_SCRATCH;
  return audio_stream_rows(cfg.frames, src, signal_len, cfg.mel.num_filters, out, scratch, scratch_bytes, mfe_frame_thunk,
                           &cfg);
}

}  // namespace dsp
}  // namespace mote
