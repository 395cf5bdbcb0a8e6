// run_impulse over the generated mote::kImpulse: read the window (or stream it through the DSP), DSP, quantize,
// invoke, score.
#include "mote/impulse.h"

#include <string.h>

#include "impulse/impulse_internal.h"
#include "nn/quantize_affine_s8.h"
#include "nn/quantize_s8.h"

namespace mote {

Status quantize_nn_input_per_channel(const ImpulseModel& m, const float* features) {
  const nn::QuantizeAffineS8Params p = {m.nn_input_count, m.input_period, m.input_gain, m.input_offset,
                                        m.input_zero_point, m.nn_select};
  return nn::quantize_affine_s8(p, features, m.nn_input());
}

Status quantize_nn_input_per_tensor(const ImpulseModel& m, const float* features) {
  int8_t* in = m.nn_input();
  const nn::QuantizeS8Params qp = {m.nn_input_count, m.input_scale, m.input_zero_point};
  if (!m.nn_select) return nn::quantize_s8(qp, features, in);
  // The classifier reads some of the features, in its order: check once, then round each (quantize_s8's math).
  if (!nn::quantize_s8_params_valid(qp)) return MOTE_ERR_ARG;
  for (uint16_t i = 0; i < m.nn_input_count; ++i)
    in[i] = nn::quantize_rounded_s8(features[m.nn_select[i]] / m.input_scale, m.input_zero_point);
  return MOTE_OK;
}

Status quantize_nn_input(const ImpulseModel& m, const float* features) {
  return m.nn_quantize ? m.nn_quantize(m, features) : MOTE_ERR_ARG;
}

namespace {

// Every stage after the DSP, which started at clock t0 and left m.features.
Status run_after_dsp(const ImpulseModel& m, uint32_t t0, Result* r) {
  uint32_t t1 = mote_port_clock();
  r->features = m.features;
  r->feature_count = m.feature_count;
  r->timing.dsp = t1 - t0;
  r->label_count = 0;
  r->labels = 0;
  r->nn_output = 0;
  r->timing.nn = 0;
  if (m.nn_invoke) {
    if (m.label_count > MOTE_MAX_LABELS) return MOTE_ERR_SHAPE;
    MOTE_RETURN_IF_ERROR(quantize_nn_input(m, m.features));
    MOTE_RETURN_IF_ERROR(m.nn_invoke());
    const int8_t* out = m.nn_output();
    for (uint16_t i = 0; i < m.label_count; ++i)
      r->classification[i] = m.output_scale * static_cast<float>(out[i] - m.output_zero_point);
    r->label_count = m.label_count;
    r->labels = m.labels;
    r->nn_output = out;
    r->timing.nn = mote_port_clock() - t1;
  }
  uint32_t t2 = mote_port_clock();
  r->has_anomaly = m.kmeans ? 1 : 0;
  r->anomaly = 0.0f;
  r->anomaly_threshold = m.anomaly_threshold;
  if (m.kmeans) MOTE_RETURN_IF_ERROR(anomaly::kmeans_score_f32(*m.kmeans, m.features, m.feature_count, &r->anomaly));
  r->timing.anomaly = mote_port_clock() - t2;
  r->ready = 1;
  return MOTE_OK;
}

}  // namespace

// Everything after reading the window (impulse_internal.h).
Status run_window(const ImpulseModel& m, const float* window, Result* r) {
  if (!m.dsp) return MOTE_ERR_ARG;
  const uint32_t t0 = mote_port_clock();
  MOTE_RETURN_IF_ERROR(m.dsp(window, m.features));
  return run_after_dsp(m, t0, r);
}

Status run_signal(const ImpulseModel& m, const Signal& signal, Result* r) {
  if (!m.dsp_signal) return MOTE_ERR_ARG;
  const uint32_t t0 = mote_port_clock();
  MOTE_RETURN_IF_ERROR(m.dsp_signal(signal, m.features));
  return run_after_dsp(m, t0, r);
}

Status run_impulse(const Signal& signal, Result* result) {
  const ImpulseModel& m = kImpulse;
  if (!result || !signal.get_data) return MOTE_ERR_ARG;
  if (signal.total_length != window_values(m)) return MOTE_ERR_SHAPE;
  if (m.dsp_signal) return run_signal(m, signal, result);  // no window buffer: the DSP reads frame by frame
  if (signal.get_data(0, signal.total_length, m.window, signal.ctx) != 0) return MOTE_ERR_SIGNAL;
  return run_window(m, m.window, result);
}

}  // namespace mote

extern "C" int mote_run_impulse(const mote_signal_t* signal, mote_result_t* result) {
  if (!signal) return mote::MOTE_ERR_ARG;
  return mote::run_impulse(*signal, result);
}

