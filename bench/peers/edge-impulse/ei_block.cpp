// Edge Impulse SDK side of bench/ei_dsp: one SDK DSP block on one window, built in place from
// ../shared/peers/edge-impulse-sdk (nothing of the SDK is copied here). The same file builds for the
// Cortex-M4 firmware (with bench/ei_dsp/fw_harness.cpp, CMSIS-DSP rfft as the SDK uses on Arm) and for the
// host (x86: the SDK's software FFT), so outputs can be compared on both.
//
// What runs is chosen at compile time (bench/ei_dsp/run.py passes the -D values):
//   EI_BENCH_BLOCK 1  extract_spectral_analysis_features (ei_run_dsp.h), implementation_version EI_SA_VERSION
//                     (4 = current), analysis FFT, filter none, EI_FFT_LEN, log, overlap; EI_AXES axes at EI_FS Hz
//                  2  extract_mfcc_features (the MFCC block: pre-emphasis, speechpy mfcc, cmvnw EI_WIN_SIZE)
//                  3  speechpy::feature::mfcc alone on the pre-emphasised signal (the block without cmvnw)
//                  4  extract_mfe_features (the MFE block: pre-emphasis + /32768, mfe, dB + noise floor + 8-bit)
//                  5  the MFE block's steps without its final 8-bit rounding: the same pre-emphasis object,
//                     speechpy::feature::mfe, then processing::spectrogram_normalization (= mfe_normalization
//                     without round(v * 256) / 256), for comparing floats
// Audio blocks take one window of EI_SIGNAL_LEN samples; every block's parameters are the -D values.
#include <stdint.h>
#include <string.h>

#include "edge-impulse-sdk/classifier/ei_run_dsp.h"

#ifndef EI_BENCH_BLOCK
#error "EI_BENCH_BLOCK must be set"
#endif

namespace {

const float* g_window = nullptr;  // the window being processed (read through signal_t::get_data)

int get_window(size_t offset, size_t length, float* out) {
  memcpy(out, g_window + offset, length * sizeof(float));
  return 0;
}

#if EI_BENCH_BLOCK == 1
ei_dsp_config_spectral_analysis_t g_cfg = {
    1,                   // block_id
    EI_SA_VERSION,       // implementation_version
    EI_AXES,             // axes
    1.0f,                // scale_axes
    1,                   // input_decimation_ratio
    "none",              // filter_type
    3.0f,                // filter_cutoff (unused: no filter)
    0,                   // filter_order
    "FFT",               // analysis_type
    EI_FFT_LEN,          // fft_length
    3,                   // spectral_peaks_count (v1 only)
    0.1f,                // spectral_peaks_threshold (v1 only)
    "[0.1, 0.5, 1.0, 2.0, 5.0]",  // spectral_power_edges (v1 only)
    true,                // do_log
    true,                // do_fft_overlap
    1,                   // wavelet_level (Wavelet only)
    "db4",               // wavelet (Wavelet only)
    false,               // extra_low_freq
};
#elif EI_BENCH_BLOCK == 2 || EI_BENCH_BLOCK == 3
ei_dsp_config_mfcc_t g_cfg = {
    1,                 // block_id
    4,                 // implementation_version (current; v4 keeps low_frequency 0)
    1,                 // axes
    nullptr, 0,        // named axes
    EI_NUM_CEPSTRAL,   // num_cepstral
    EI_FRAME_LEN,      // frame_length (s)
    EI_FRAME_STRIDE,   // frame_stride (s)
    EI_NUM_FILTERS,    // num_filters
    EI_FFT_LEN,        // fft_length
    EI_WIN_SIZE,       // win_size (cmvnw window, frames)
    0,                 // low_frequency
    0,                 // high_frequency (0 = fs/2)
    EI_PRE_COF,        // pre_cof
    1,                 // pre_shift
};
#elif EI_BENCH_BLOCK == 4 || EI_BENCH_BLOCK == 5
ei_dsp_config_mfe_t g_cfg = {
    1,                 // block_id
    4,                 // implementation_version (current)
    1,                 // axes
    nullptr, 0,        // named axes
    EI_FRAME_LEN,      // frame_length (s)
    EI_FRAME_STRIDE,   // frame_stride (s)
    EI_NUM_FILTERS,    // num_filters
    EI_FFT_LEN,        // fft_length
    0,                 // low_frequency
    0,                 // high_frequency (0 = fs/2)
    101,               // win_size (only versions < 3 use it)
    EI_NOISE_FLOOR,    // noise_floor_db
};
#endif

}  // namespace

// Runs the block on one window (EI_AXES x frames interleaved, or EI_SIGNAL_LEN audio samples) into out
// (out_len floats). Returns the SDK's status (0 = OK).
int bench_block(const float* in, float* out, size_t out_len) {
  g_window = in;
  signal_t signal;
  signal.get_data = &get_window;
#if EI_BENCH_BLOCK == 1
  signal.total_length = EI_SIGNAL_LEN;
  matrix_t m(1, out_len, out);
  return extract_spectral_analysis_features(&signal, &m, &g_cfg, EI_FS);
#elif EI_BENCH_BLOCK == 2
  signal.total_length = EI_SIGNAL_LEN;
  matrix_t m(1, out_len, out);
  return extract_mfcc_features(&signal, &m, &g_cfg, EI_FS);
#elif EI_BENCH_BLOCK == 3
  // extract_mfcc_features without its final cmvnw: the same pre-emphasis object and speechpy call.
  signal.total_length = EI_SIGNAL_LEN;
  static class ei::speechpy::processing::preemphasis* s_pre;  // "class": the namespace also has a function of that name
  class ei::speechpy::processing::preemphasis pre(&signal, g_cfg.pre_shift, g_cfg.pre_cof, false);
  s_pre = &pre;
  signal_t emphasised;
  emphasised.total_length = EI_SIGNAL_LEN;
  emphasised.get_data = [](size_t offset, size_t length, float* o) { return s_pre->get_data(offset, length, o); };
  matrix_size_t sz = ei::speechpy::feature::calculate_mfcc_buffer_size(
      EI_SIGNAL_LEN, static_cast<uint32_t>(EI_FS), g_cfg.frame_length, g_cfg.frame_stride, g_cfg.num_cepstral, 4);
  if (sz.rows * sz.cols != out_len) return -1000;
  matrix_t m(sz.rows, sz.cols, out);
  return ei::speechpy::feature::mfcc(&m, &emphasised, static_cast<uint32_t>(EI_FS), g_cfg.frame_length,
                                     g_cfg.frame_stride, g_cfg.num_cepstral, g_cfg.num_filters, g_cfg.fft_length,
                                     g_cfg.low_frequency, g_cfg.high_frequency, true, 4);
#elif EI_BENCH_BLOCK == 4
  signal.total_length = EI_SIGNAL_LEN;
  matrix_t m(1, out_len, out);
  return extract_mfe_features(&signal, &m, &g_cfg, EI_FS);
#elif EI_BENCH_BLOCK == 5
  signal.total_length = EI_SIGNAL_LEN;
  static class ei::speechpy::processing::preemphasis* s_pre;
  class ei::speechpy::processing::preemphasis pre(&signal, 1, 0.98f, true);  // as extract_mfe_features v3+
  s_pre = &pre;
  signal_t emphasised;
  emphasised.total_length = EI_SIGNAL_LEN;
  emphasised.get_data = [](size_t offset, size_t length, float* o) { return s_pre->get_data(offset, length, o); };
  matrix_size_t sz = ei::speechpy::feature::calculate_mfe_buffer_size(
      EI_SIGNAL_LEN, static_cast<uint32_t>(EI_FS), g_cfg.frame_length, g_cfg.frame_stride, g_cfg.num_filters, 4);
  if (sz.rows * sz.cols != out_len) return -1000;
  matrix_t m(sz.rows, sz.cols, out);
  int ret = ei::speechpy::feature::mfe(&m, nullptr, &emphasised, static_cast<uint32_t>(EI_FS), g_cfg.frame_length,
                                       g_cfg.frame_stride, g_cfg.num_filters, g_cfg.fft_length, g_cfg.low_frequency,
                                       g_cfg.high_frequency, 4);
  if (ret != 0) return ret;
  return ei::speechpy::processing::spectrogram_normalization(&m, g_cfg.noise_floor_db, true);
#endif
}
