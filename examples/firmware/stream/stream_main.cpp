// A board streaming 3-axis accelerometer readings in the data-forwarder line format (x,y,z in m/s^2), as a
// real sensor sketch would: synthetic "wave" motion with gravity and noise, 62.5 Hz, via semihosting.
#include <stdint.h>

#include "board.h"

namespace {

// A fixed-point sine (no libm on the data path): Bhaskara's approximation, plenty for test motion.
float sine(float x) {
  const float kPi = 3.14159265f;
  while (x > kPi) x -= 2 * kPi;
  while (x < -kPi) x += 2 * kPi;
  float sign = 1;
  if (x < 0) x = -x, sign = -1;
  return sign * 16 * x * (kPi - x) / (5 * kPi * kPi - 4 * x * (kPi - x));
}

uint32_t rng_state = 12345;
float noise() {  // uniform in [-0.5, 0.5)
  rng_state = rng_state * 1664525u + 1013904223u;
  return static_cast<float>(rng_state >> 8) / 16777216.0f - 0.5f;
}

// Prints v with 4 decimals: what a sketch's Serial.print(v, 4) gives.
void print_fixed(float v) {
  int64_t scaled = static_cast<int64_t>(v * 10000.0f + (v < 0 ? -0.5f : 0.5f));
  if (scaled < 0) board::print("-"), scaled = -scaled;
  board::print_int(scaled / 10000);
  board::print(".");
  char frac[5] = {0};
  int64_t f = scaled % 10000;
  for (int i = 3; i >= 0; --i) frac[i] = static_cast<char>('0' + f % 10), f /= 10;
  board::print(frac);
}

}  // namespace

#ifndef MOTE_STREAM_FRAMES
#define MOTE_STREAM_FRAMES 1000  // 16 s at 62.5 Hz
#endif

int main() {
  board::print("mote stream example: 3-axis accelerometer at 62.5 Hz\n");  // a banner, as boards print
  const float kDt = 1.0f / 62.5f, kTwoPi = 6.2831853f;
  for (int i = 0; i < MOTE_STREAM_FRAMES; ++i) {
    float t = static_cast<float>(i) * kDt;
    float x = 4.0f * sine(kTwoPi * 1.5f * t) + 0.3f * noise();
    float y = 0.8f * sine(kTwoPi * 3.0f * t + 1.0f) + 0.3f * noise();
    float z = 9.81f + 0.5f * sine(kTwoPi * 1.5f * t) + 0.3f * noise();
    print_fixed(x), board::print(","), print_fixed(y), board::print(","), print_fixed(z), board::print("\n");
  }
  board::exit(0);
}
