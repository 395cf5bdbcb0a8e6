// run_impulse_continuous: a sliding window over a stream, results averaged over the last runs. Its own
// file (and kImpulseSlide its own section) so firmware that classifies single windows links none of it.
#include <string.h>

#include "impulse/impulse_internal.h"
#include "mote/impulse.h"

namespace mote {
namespace {

// Frames held in kImpulseSlide and the last runs' scores.
size_t g_filled = 0;
float g_history[MOTE_CONTINUOUS_AVERAGE][MOTE_MAX_LABELS];
size_t g_runs = 0;

// A streaming impulse reads the slide as its signal.
int read_slide(size_t offset, size_t length, float* out, void*) {
  memcpy(out, kImpulseSlide + offset, length * sizeof(float));
  return 0;
}

}  // namespace

Status run_impulse_continuous(const Signal& slice, Result* result, bool reset) {
  const ImpulseModel& m = kImpulse;
  const size_t w = window_values(m);
  if (!result || !slice.get_data) return MOTE_ERR_ARG;
  if (slice.total_length == 0 || slice.total_length > w || slice.total_length % m.axes) return MOTE_ERR_SHAPE;
  if (reset) g_filled = g_runs = 0;
  const size_t n = slice.total_length;
  // Slide left by the new values (only as far as the window is full) and append them.
  if (g_filled + n > w) {
    const size_t drop = g_filled + n - w;
    memmove(kImpulseSlide, kImpulseSlide + drop, (g_filled - drop) * sizeof(float));
    g_filled -= drop;
  }
  if (slice.get_data(0, n, kImpulseSlide + g_filled, slice.ctx) != 0) return MOTE_ERR_SIGNAL;
  g_filled += n;
  result->ready = 0;
  if (g_filled < w) return MOTE_OK;
  if (m.dsp_signal) {
    const Signal window = {w, read_slide, 0};
    MOTE_RETURN_IF_ERROR(run_signal(m, window, result));
  } else {
    memcpy(m.window, kImpulseSlide, w * sizeof(float));
    MOTE_RETURN_IF_ERROR(run_window(m, m.window, result));
  }
  float* slot = g_history[g_runs % MOTE_CONTINUOUS_AVERAGE];
  for (size_t i = 0; i < result->label_count; ++i) slot[i] = result->classification[i];
  ++g_runs;
  const size_t k = g_runs < MOTE_CONTINUOUS_AVERAGE ? g_runs : MOTE_CONTINUOUS_AVERAGE;
  for (size_t i = 0; i < result->label_count; ++i) {
    float sum = 0.0f;
    for (size_t j = 0; j < k; ++j) sum += g_history[j][i];
    result->classification[i] = sum / static_cast<float>(k);
  }
  return MOTE_OK;
}

}  // namespace mote

extern "C" int mote_run_impulse_continuous(const mote_signal_t* slice, mote_result_t* result, int reset) {
  if (!slice) return mote::MOTE_ERR_ARG;
  return mote::run_impulse_continuous(*slice, result, reset != 0);
}
