// A board classifying its own accelerometer stream with the deployed impulse (`mote deploy --format cpp`):
// synthetic motions (idle, wave, circle, updown, a shaking anomaly, idle) go frame by frame into a slice;
// every stride the slice enters mote::run_impulse_continuous (sliding window, smoothed scores). It prints
// over the UART each frame in the data-forwarder format (so the host can replay the very stream) and one
// result line per window: time, smoothed label and confidence, the anomaly score, and for checking the
// raw int8 outputs, the anomaly's bit pattern and the instructions the call took. At the end it stops
// QEMU through semihosting (a real board would keep going). -DMOTE_CLASSIFY_SEMIHOSTING prints there instead.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "motion.h"
#include "uart.h"
#include "mote/impulse.h"

#ifndef MOTE_CLASSIFY_FREQUENCY_HZ
#define MOTE_CLASSIFY_FREQUENCY_HZ 62.5  // the impulse's input rate (the demo's)
#endif
#ifndef MOTE_CLASSIFY_STRIDE_FRAMES
#define MOTE_CLASSIFY_STRIDE_FRAMES 13  // the impulse's stride: 200 ms at 62.5 Hz, rounded as the host does
#endif
#ifndef MOTE_CLASSIFY_MIN_CONFIDENCE
#define MOTE_CLASSIFY_MIN_CONFIDENCE 0.6f  // below it the label is "uncertain" (mote classify's default)
#endif

extern "C" uint32_t mote_port_clock(void) { return static_cast<uint32_t>(board::instructions()); }

namespace {

#ifdef MOTE_CLASSIFY_SEMIHOSTING
void out(const char* s) { board::print(s); }
#else
void out(const char* s) { uart::write(s); }
#endif
void out_int(int64_t v) {
  char buf[24];
  out(motion::format_int(v, buf));
}
void out_fixed4(int64_t scaled) {
  char buf[24];
  out(motion::format_fixed4(scaled, buf));
}
void out_fixed(float v) { out_fixed4(motion::fixed4(v)); }

// The script of motions: 32 s at 62.5 Hz.
struct Segment {
  motion::Gesture gesture;
  int frames;
};
const Segment kScript[] = {{motion::kIdle, 375},   {motion::kWave, 375},    {motion::kCircle, 375},
                           {motion::kUpdown, 375}, {motion::kAnomaly, 250}, {motion::kIdle, 250}};

const float kHz = static_cast<float>(MOTE_CLASSIFY_FREQUENCY_HZ);
const int kStride = MOTE_CLASSIFY_STRIDE_FRAMES;
float g_slice[kStride * 3];  // the frames since the last run: what a sensor ISR would fill
size_t g_slice_values = 0;

int read_slice(size_t offset, size_t length, float* out, void*) {
  memcpy(out, g_slice + offset, length * sizeof(float));
  return 0;
}

uint32_t float_bits(float v) {
  uint32_t u;
  memcpy(&u, &v, sizeof(u));
  return u;
}

void print_result(const mote::Result& r, int window, int64_t end_frame, uint64_t instructions) {
  size_t top = 0;
  for (size_t i = 1; i < r.label_count; ++i)
    if (r.classification[i] > r.classification[top]) top = i;
  const float confidence = r.label_count ? r.classification[top] : 0.0f;
  out_int(static_cast<int64_t>(static_cast<float>(end_frame) * 1000.0f / kHz + 0.5f));
  out(" ms: ");
  out(r.label_count == 0 ? "-" : confidence < MOTE_CLASSIFY_MIN_CONFIDENCE ? "uncertain" : r.labels[top]);
  out(" ");
  out_fixed(confidence);
  if (r.has_anomaly) {
    out(" anomaly ");
    out_fixed(r.anomaly);
    if (r.anomaly > r.anomaly_threshold) out(" ANOMALY");
  }
  out(" | window ");
  out_int(window);
  out(" smoothed");
  for (size_t i = 0; i < r.label_count; ++i) out(" "), out_fixed(r.classification[i]);
  out(" int8");
  for (size_t i = 0; i < r.label_count; ++i) out(" "), out_int(r.nn_output[i]);
  out(" abits ");
  out_int(float_bits(r.anomaly));
  out(" instructions ");
  out_int(static_cast<int64_t>(instructions));
  out("\n");
}

}  // namespace

int main() {
  uart::init();
  const mote::ImpulseModel& m = mote::kImpulse;
  out("mote classify example: the deployed impulse on a synthetic 3-axis stream at ");
  out_fixed(kHz);
  out(" Hz, window ");
  out_int(m.frames);
  out(" frames, stride ");
  out_int(kStride);
  out("\n");
  if (m.axes != 3 || kStride > m.frames) {
    out("error: this example streams 3 axes with a stride of at most one window\n");
    board::exit(2);
  }
  motion::Generator gen(kHz);
  // The first run comes when the window is full: fill it to frames - k x stride so that window w then
  // spans frames [w x stride, w x stride + frames), as `mote classify` cuts a stream.
  int slice_frames = m.frames - kStride * ((m.frames - 1) / kStride);
  int64_t frame = 0;
  int windows = 0;
  uint64_t total = 0, dsp = 0, nn = 0, anomaly = 0;
  bool first = true;
  for (size_t s = 0; s < sizeof(kScript) / sizeof(kScript[0]); ++s) {
    gen.set(kScript[s].gesture);
    out("# motion ");
    out(motion::gesture_name(kScript[s].gesture));
    out(" from frame ");
    out_int(frame);
    out("\n");
    for (int i = 0; i < kScript[s].frames; ++i, ++frame) {
      float v[3];
      gen.next(v);
      // The stream as printed (4 decimals) is the stream classified: the host replays exactly these floats.
      for (int a = 0; a < 3; ++a) {
        const int64_t q = motion::fixed4(v[a]);
        if (a) out(",");
        out_fixed4(q);
        g_slice[g_slice_values++] = motion::from_fixed4(q);
      }
      out("\n");
      if (g_slice_values < static_cast<size_t>(slice_frames) * 3) continue;
      mote::Signal slice = {g_slice_values, read_slice, 0};
      mote::Result r;
      const uint64_t t0 = board::instructions();
      const mote::Status st = mote::run_impulse_continuous(slice, &r, first);
      const uint64_t spent = board::instructions() - t0;
      first = false;
      g_slice_values = 0;
      slice_frames = kStride;
      if (st != mote::MOTE_OK) {
        out("error: run_impulse_continuous: ");
        out(mote::status_string(st));
        out("\n");
        board::exit(3);
      }
      if (!r.ready) continue;
      print_result(r, windows++, frame + 1, spent);
      total += spent, dsp += r.timing.dsp, nn += r.timing.nn, anomaly += r.timing.anomaly;
    }
  }
  if (windows == 0) {
    out("error: the stream never filled a window\n");
    board::exit(4);
  }
  out("# frames ");
  out_int(frame);
  out(" windows ");
  out_int(windows);
  out(" instructions_per_window ");
  out_int(static_cast<int64_t>(total / windows));
  out(" dsp ");
  out_int(static_cast<int64_t>(dsp / windows));
  out(" nn ");
  out_int(static_cast<int64_t>(nn / windows));
  out(" anomaly ");
  out_int(static_cast<int64_t>(anomaly / windows));
  out(" stack_peak_bytes ");
  out_int(board::stack_peak_bytes());
  out("\n# done\n");
  board::exit(0);
}
