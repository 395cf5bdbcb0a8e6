// A board streaming 3-axis accelerometer readings in the data-forwarder line format (x,y,z in m/s^2), as a
// real sensor sketch would: synthetic "wave" motion with gravity and noise, 62.5 Hz, via semihosting.
#include <stdint.h>

#include "board.h"
#include "motion.h"  // examples/firmware/common: sine, noise, 4-decimal printing

#ifndef MOTE_STREAM_FRAMES
#define MOTE_STREAM_FRAMES 1000  // 16 s at 62.5 Hz
#endif

int main() {
  board::print("mote stream example: 3-axis accelerometer at 62.5 Hz\n");  // a banner, as boards print
  const float kDt = 1.0f / 62.5f, kTwoPi = motion::kTwoPi;
  motion::Noise noise(12345);
  for (int i = 0; i < MOTE_STREAM_FRAMES; ++i) {
    float t = static_cast<float>(i) * kDt;
    float x = 4.0f * motion::sine(kTwoPi * 1.5f * t) + 0.3f * noise.next();
    float y = 0.8f * motion::sine(kTwoPi * 3.0f * t + 1.0f) + 0.3f * noise.next();
    float z = 9.81f + 0.5f * motion::sine(kTwoPi * 1.5f * t) + 0.3f * noise.next();
    motion::print_fixed(x), board::print(","), motion::print_fixed(y), board::print(","), motion::print_fixed(z);
    board::print("\n");
  }
  board::exit(0);
}
