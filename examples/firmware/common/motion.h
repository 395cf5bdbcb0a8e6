// Synthetic 3-axis accelerometer motion for the example firmwares (no libm on the data path): the demo's
// gestures (src/demo/motion.cpp: idle, wave, circle, updown, a shaking anomaly) at fixed tempo and size,
// gravity on z with the wrist's wobble, and noise; printed in the data-forwarder line format.
#ifndef MOTE_EXAMPLES_MOTION_H
#define MOTE_EXAMPLES_MOTION_H

#include <stdint.h>

#include "board.h"

namespace motion {

const float kPi = 3.14159265f, kTwoPi = 6.28318531f;

// sin(x) for any x: reduced to [-pi/2, pi/2], then Taylor to x^11 (error < 1e-6, below the 4-decimal print).
inline float sine(float x) {
  x -= kTwoPi * static_cast<float>(static_cast<int32_t>(x / kTwoPi));
  if (x > kPi) x -= kTwoPi;
  if (x < -kPi) x += kTwoPi;
  if (x > kPi / 2) x = kPi - x;
  if (x < -kPi / 2) x = -kPi - x;
  const float x2 = x * x;
  return x * (1 - x2 / 6 * (1 - x2 / 20 * (1 - x2 / 42 * (1 - x2 / 72 * (1 - x2 / 110)))));
}
inline float cosine(float x) { return sine(x + kPi / 2); }

// Uniform in [-0.5, 0.5): a 32-bit LCG, the same sequence on every run.
struct Noise {
  uint32_t state;
  explicit Noise(uint32_t seed) : state(seed) {}
  float next() {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(state >> 8) / 16777216.0f - 0.5f;
  }
};

// v in units of 1e-4, rounded half away from zero: what a sketch's Serial.print(v, 4) prints.
inline int64_t fixed4(float v) { return static_cast<int64_t>(v * 10000.0f + (v < 0 ? -0.5f : 0.5f)); }
// The float a host reads back from the printed text (strtof): the division rounds exactly as parsing does.
inline float from_fixed4(int64_t scaled) { return static_cast<float>(scaled) / 10000.0f; }

// Text without printf (newlib-nano's has no floats): `out` gets at least 24 chars; returns out.
inline char* format_int(int64_t v, char* out) {
  char digits[24];
  int n = 0;
  uint64_t u = v < 0 ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v);
  do digits[n++] = static_cast<char>('0' + u % 10), u /= 10;
  while (u);
  int k = 0;
  if (v < 0) out[k++] = '-';
  while (n) out[k++] = digits[--n];
  out[k] = '\0';
  return out;
}
// "12.3456" for scaled = 123456.
inline char* format_fixed4(int64_t scaled, char* out) {
  int k = 0;
  if (scaled < 0) out[k++] = '-', scaled = -scaled;
  format_int(scaled / 10000, out + k);
  while (out[k]) ++k;
  out[k++] = '.';
  int64_t f = scaled % 10000;
  for (int i = 3; i >= 0; --i) out[k + i] = static_cast<char>('0' + f % 10), f /= 10;
  out[k + 4] = '\0';
  return out;
}
inline void print_fixed(float v) {
  char buf[24];
  board::print(format_fixed4(fixed4(v), buf));
}

enum Gesture { kIdle, kWave, kCircle, kUpdown, kAnomaly };
inline const char* gesture_name(Gesture g) {
  static const char* const kNames[] = {"idle", "wave", "circle", "updown", "anomaly"};
  return kNames[g];
}

// One wrist at `hz` frames per second; next() gives the following frame (m/s^2) of the current gesture.
class Generator {
 public:
  explicit Generator(float hz, uint32_t seed = 12345) : dt_(1.0f / hz), noise_(seed) {}
  void set(Gesture g) { gesture_ = g; }
  void next(float out[3]) {
    // The demo's mid-range tempo (Hz) and size (m/s^2) of each gesture.
    static const float kFreq[] = {0, 2.0f, 1.05f, 1.6f, 0}, kAmp[] = {0, 4.0f, 2.75f, 4.75f, 0};
    const float t = static_cast<float>(frame_++) * dt_;
    phase_ += kTwoPi * kFreq[gesture_] * dt_;
    if (phase_ > kPi) phase_ -= kTwoPi;
    const float p = phase_, a = kAmp[gesture_];
    float x = 0.04f * sine(kTwoPi * 0.05f * t), y = 0.03f * cosine(kTwoPi * 0.07f * t), z = 0.02f * sine(kTwoPi * 0.03f * t);
    float roll = 0;  // the wrist rolls with the motion, moving gravity between y and z
    if (gesture_ == kWave) {
      x = a * sine(p) + 0.15f * a * sine(2 * p), y = 0.2f * a * sine(p + 0.4f), z = 0.1f * a * cosine(2 * p);
    } else if (gesture_ == kCircle) {
      x = a * cosine(p), y = a * sine(p), z = 0.08f * a * sine(2 * p);
    } else if (gesture_ == kUpdown) {
      x = 0.12f * a * sine(p + 1.0f), y = 0.05f * a * cosine(p), z = a * sine(p) + 0.1f * a * sine(2 * p);
    } else if (gesture_ == kAnomaly) {  // violent shaking, as the demo's anomalous recordings
      x += 11.0f * sine(kTwoPi * 7.5f * t) + 2.0f * noise_.next();
      y += 6.6f * sine(kTwoPi * 9.75f * t + 1.0f);
    }
    if (gesture_ != kIdle && gesture_ != kAnomaly) roll = 0.08f * sine(p);
    const float g = 9.80665f, n = 0.35f;  // uniform noise of width 0.35: sd 0.1, the demo's noise floor
    out[0] = x + 0.03f + n * noise_.next();
    out[1] = y - g * sine(roll) - 0.05f + n * noise_.next();
    out[2] = z + g * cosine(roll) + 0.02f + n * noise_.next();
  }

 private:
  float dt_, phase_ = 0;
  uint32_t frame_ = 0;
  Gesture gesture_ = kIdle;
  Noise noise_;
};

}  // namespace motion

#endif  // MOTE_EXAMPLES_MOTION_H
