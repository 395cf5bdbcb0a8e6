// The device API of a whole impulse (window -> DSP blocks -> int8 classifier -> anomaly score), over the
// generated glue that `mote deploy` writes (the const mote::kImpulse). C++11 and C-callable; no heap.
//   mote::Result r;  mote::Signal s = {frames * axes, read_from_flash, 0};
//   if (mote::run_impulse(s, &r) == mote::MOTE_OK) printf("%s %f\n", r.labels[0], r.classification[0]);
#ifndef MOTE_IMPULSE_H
#define MOTE_IMPULSE_H

#include <stddef.h>
#include <stdint.h>

#include "mote/port.h"

#ifndef MOTE_MAX_LABELS
#define MOTE_MAX_LABELS 16  // classification[] capacity; the generated glue static_asserts its labels fit
#endif
#ifndef MOTE_CONTINUOUS_AVERAGE
#define MOTE_CONTINUOUS_AVERAGE 4  // runs the continuous mode averages (a moving average over windows)
#endif

#ifdef __cplusplus
extern "C" {
#endif

// The input: total_length floats (frames x axes, frame-major) read through get_data, so a window can
// stream from flash or a ring buffer. get_data returns 0 on success.
typedef struct mote_signal {
  size_t total_length;
  int (*get_data)(size_t offset, size_t length, float* out, void* ctx);
  void* ctx;
} mote_signal_t;

// Time per stage in port clock units (mote_port_clock: instructions on the Cortex-M4 proof, 0 by default).
typedef struct mote_timing {
  uint32_t dsp, nn, anomaly;
} mote_timing_t;

typedef struct mote_result {
  size_t label_count;                       // 0 without a classifier
  const char* const* labels;                // label_count names
  float classification[MOTE_MAX_LABELS];    // per-class scores (dequantized int8 outputs)
  int has_anomaly;                          // 1 when the impulse has an anomaly block
  float anomaly;                            // anomaly score; above anomaly_threshold = anomalous
  float anomaly_threshold;
  int ready;                                // continuous mode: 0 until the window first fills
  mote_timing_t timing;
  const float* features;                    // the DSP output (feature_count), valid until the next run
  size_t feature_count;
  const int8_t* nn_output;                  // the classifier's int8 outputs (label_count), same lifetime
} mote_result_t;

// Status codes are mote::Status values (mote/status.h): 0 = ok.
int mote_run_impulse(const mote_signal_t* signal, mote_result_t* result);
// Feeds `slice` (a whole number of frames, at most one window) into a sliding window; once full, runs the
// impulse on every call and averages classification over the last MOTE_CONTINUOUS_AVERAGE runs.
// reset != 0 empties the window first.
int mote_run_impulse_continuous(const mote_signal_t* slice, mote_result_t* result, int reset);

#ifdef __cplusplus
}  // extern "C"

#include "anomaly/kmeans.h"
#include "mote/status.h"

namespace mote {

typedef mote_signal_t Signal;
typedef mote_result_t Result;

// The generated impulse (typed; `mote deploy` writes it as `const mote::ImpulseModel mote::kImpulse`).
struct ImpulseModel {
  uint16_t frames, axes;                  // one window: frames x axes floats, frame-major
  uint16_t feature_count;                 // DSP output per window, every block concatenated
  Status (*dsp)(const float* window, float* features);  // the generated calls of runtime/dsp blocks
  // Streaming DSP (null: none): reads the signal frame by frame through get_data (a single audio block);
  // run_impulse then calls it instead of reading the window and calling dsp, and window is null.
  Status (*dsp_signal)(const Signal& signal, float* features);
  float* window;                          // static buffers of the glue: frames x axes (null when streaming)
  float* features;                        // feature_count
  // Classifier (nn_invoke null: none). nn_select: the features it reads, or null for [0, nn_input_count).
  uint16_t nn_input_count;
  const uint16_t* nn_select;
  float input_scale;
  int32_t input_zero_point;
  // Per-channel input map (input_gain null: none): q = round(x * gain[i % period] + offset[i % period]) + zero point.
  const float* input_gain;
  const float* input_offset;
  uint16_t input_period;
  // features -> nn_input(): quantize_nn_input_per_tensor or _per_channel, picked by the generator so the
  // firmware links only the one it uses.
  Status (*nn_quantize)(const ImpulseModel& m, const float* features);
  int8_t* (*nn_input)();
  Status (*nn_invoke)();
  const int8_t* (*nn_output)();
  uint16_t label_count;
  const char* const* labels;
  float output_scale;
  int32_t output_zero_point;
  // Anomaly (null: none); its select indices point into the whole feature vector.
  const anomaly::KmeansModel* kmeans;
  float anomaly_threshold;
};

extern const ImpulseModel kImpulse;
Status quantize_nn_input_per_tensor(const ImpulseModel& m, const float* features);   // input_scale, zero point
Status quantize_nn_input_per_channel(const ImpulseModel& m, const float* features);  // input_gain, input_offset
// The continuous mode's sliding window (frames x axes), defined by the glue in its own section so that a
// firmware that never calls run_impulse_continuous drops it (--gc-sections).
extern float kImpulseSlide[];

// One window (signal.total_length == frames x axes) through every stage.
Status run_impulse(const Signal& signal, Result* result);
// See mote_run_impulse_continuous.
Status run_impulse_continuous(const Signal& slice, Result* result, bool reset = false);

}  // namespace mote
#endif  // __cplusplus

#endif  // MOTE_IMPULSE_H
