// bench/ei_dsp stage firmware: where the instructions of one block go, mote's stages beside the Edge Impulse
// SDK's equivalents (bench/peers/edge-impulse/ei_stages.cpp), on the first benchmark window and the block's own
// tables (mote_block.h). Each stage runs kReps times inside one measured span; the printed figure is per call.
// MOTE_STAGES_KIND: 1 spectral, 2 mfcc, 3 mfe. Diagnostic only: run.py reports it beside the block totals.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bench_case.h"
#include "board.h"
#include "dsp/fastmath.h"
#include "dsp/flatten.h"
#include "mote_block.h"

// The SDK's equivalents (compiled with its own flags).
int ei_stage_power_spectrum(float* frame, size_t frame_len, float* out, size_t n_fft);
int ei_stage_cmsis_rfft(const float* in, float* out, size_t n_fft);
void ei_stage_log10(float* v, size_t count);
void ei_stage_log(float* v, size_t count);

namespace {

const int kReps = 8;
alignas(8) float g_a[4096 + 8];
alignas(8) float g_b[4096 + 8];
alignas(8) float g_c[4096 + 8];

template <class F>
void stage(const char* side, const char* name, F f, int per_call_units = 1) {
  const uint64_t t0 = board::instructions();
  for (int r = 0; r < kReps; ++r) f();
  const uint64_t t1 = board::instructions();
  board::print("stage: side=");
  board::print(side);
  board::print(" name=");
  board::print(name);
  board::print(" instructions=");
  board::print_int(static_cast<int64_t>((t1 - t0) / kReps));
  board::print(" units=");
  board::print_int(per_call_units);
  board::print("\n");
}

volatile float g_sink;

void positive_values(float* v, size_t count) {  // power-like values over ~12 decades
  for (size_t i = 0; i < count; ++i) v[i] = 1e-6f + static_cast<float>(i * i) * 37.0f;
}

}  // namespace

int main() {
  board::instructions();
  using namespace mote::dsp;
#if MOTE_STAGES_KIND == 1
  const SpectralConfig& cfg = mote_blk_cfg;
  const uint32_t n = cfg.fft.n;
  const float* x = kBenchInput;  // window 0, frame-major
  stage("mote", "axis_moments_no_extrema(one axis)", [&] {
    Moments m;
    axis_moments_no_extrema(x, cfg.frames, cfg.axes, 1.0f, &m);
    g_sink = m.kurtosis;
  });
  for (uint32_t j = 0; j < n; ++j) g_a[j] = x[j * cfg.axes] * cfg.window[j];
  stage("mote", "rfft_power_f32", [&] {
    rfft_power_f32(cfg.fft, g_a, g_b, g_c, sizeof g_c);
    g_sink = g_b[1];
  });
  positive_values(g_a, n / 2);
  stage("mote", "log10_f32_inplace x n/2 (with a copy in)", [&] {
    memcpy(g_b, g_a, n / 2 * sizeof(float));
    log10_f32_inplace(g_b, n / 2);
    g_sink = g_b[3];
  }, static_cast<int>(n / 2));
  for (uint32_t j = 0; j < n; ++j) g_a[j] = x[j * cfg.axes];
  stage("ei", "numpy::power_spectrum (rfft + sqrt + square, with its allocations)", [&] {
    ei_stage_power_spectrum(g_a, n, g_b, n);
    g_sink = g_b[1];
  });
  stage("ei", "arm_rfft_fast_f32 (init + transform)", [&] {
    ei_stage_cmsis_rfft(g_a, g_b, n);
    g_sink = g_b[1];
  });
  positive_values(g_a, n / 2);
  stage("ei", "numpy::log10 x n/2", [&] {
    memcpy(g_b, g_a, n / 2 * sizeof(float));
    ei_stage_log10(g_b, n / 2);
    g_sink = g_b[3];
  }, static_cast<int>(n / 2));
#else
  const AudioFrameConfig& fr = mote_blk_cfg.frames;
  const MelFilterbank& mel = mote_blk_cfg.mel;
  const uint32_t n = fr.fft.n;
  const size_t frame_len = audio_frame_samples(fr.frame_length_s, fr.sample_rate_hz);
  stage("mote", "audio_power_frame (pre-emphasis, window, packed into the FFT buffer, rfft power, /n)", [&] {
    audio_power_frame(fr, kBenchInput, 1, g_b, g_c, sizeof g_c);
    g_sink = g_b[1];
  });
  for (uint32_t j = 0; j < n; ++j) g_a[j] = j < frame_len ? kBenchInput[frame_len + j] : 0.0f;
  stage("mote", "rfft_power_f32", [&] {
    rfft_power_f32(fr.fft, g_a, g_b, g_c, sizeof g_c);
    g_sink = g_b[1];
  });
  stage("mote", "mel_energies_f32", [&] {
    mel_energies_f32(mel, g_b, g_c);
    g_sink = g_c[1];
  });
  positive_values(g_a, mel.num_filters);
#if MOTE_STAGES_KIND == 2
  stage("mote", "log_f32 x filters", [&] {
    for (uint32_t k = 0; k < mel.num_filters; ++k) g_b[k] = log_f32(g_a[k]);
    g_sink = g_b[3];
  }, mel.num_filters);
#else
  stage("mote", "power_to_db_inplace x filters (with a copy in)", [&] {
    memcpy(g_b, g_a, mel.num_filters * sizeof(float));
    power_to_db_inplace(g_b, mel.num_filters, mote_blk_cfg.noise_floor_db, mote_blk_cfg.scale);
    g_sink = g_b[3];
  }, mel.num_filters);
#endif
  for (uint32_t j = 0; j < frame_len; ++j) g_a[j] = kBenchInput[frame_len + j];
  stage("ei", "numpy::power_spectrum (rfft + sqrt + square, with its allocations)", [&] {
    memcpy(g_c, g_a, frame_len * sizeof(float));
    ei_stage_power_spectrum(g_c, frame_len, g_b, n);
    g_sink = g_b[1];
  });
  for (uint32_t j = frame_len; j < n; ++j) g_a[j] = 0.0f;
  stage("ei", "arm_rfft_fast_f32 (init + transform)", [&] {
    memcpy(g_c, g_a, n * sizeof(float));  // CMSIS overwrites its input
    ei_stage_cmsis_rfft(g_c, g_b, n);
    g_sink = g_b[1];
  });
  positive_values(g_a, mel.num_filters);
  stage("ei", MOTE_STAGES_KIND == 2 ? "numpy::log x filters" : "numpy::log10 x filters", [&] {
    memcpy(g_b, g_a, mel.num_filters * sizeof(float));
    if (MOTE_STAGES_KIND == 2) ei_stage_log(g_b, mel.num_filters);
    else ei_stage_log10(g_b, mel.num_filters);
    g_sink = g_b[3];
  }, mel.num_filters);
#endif
  board::print("stages: OK\n");
  return 0;
}
