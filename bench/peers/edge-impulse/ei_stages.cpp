// Stage timings for bench/ei_dsp/fw_stages.cpp: the SDK's own building blocks, called as its DSP blocks call
// them, compiled with the SDK's flags (CMSIS-DSP on). Diagnostic only.
#include "model-parameters/model_metadata.h"  // the stand-in: which FFT tables, no kissfft fallback
#include "edge-impulse-sdk/dsp/numpy.hpp"

int ei_stage_power_spectrum(float* frame, size_t frame_len, float* out, size_t n_fft) {
  return ei::numpy::power_spectrum(frame, frame_len, out, n_fft / 2 + 1, static_cast<uint16_t>(n_fft));
}

int ei_stage_cmsis_rfft(const float* in, float* out, size_t n_fft) {
  // ei::fft::hw_r2c_fft: CMSIS init from the loaded table + arm_rfft_fast_f32, complex output
  return ei::fft::hw_r2c_fft(in, reinterpret_cast<ei::fft_complex_t*>(out), n_fft);
}

void ei_stage_log10(float* v, size_t count) {
  ei::matrix_t m(1, count, v);
  ei::numpy::log10(&m);
}

void ei_stage_log(float* v, size_t count) {
  ei::matrix_t m(1, count, v);
  ei::numpy::log(&m);
}
