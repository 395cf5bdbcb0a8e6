#include "impulse/window.h"

#include <gtest/gtest.h>

#include "core/error.h"

using namespace mote;

namespace {
Sample ramp(size_t frames, double interval_ms) {
  Sample s;
  s.interval_ms = interval_ms;
  s.sensors = {{"a", ""}, {"b", ""}};
  for (size_t i = 0; i < frames; ++i) {
    s.values.push_back(static_cast<float>(i));
    s.values.push_back(-static_cast<float>(i));
  }
  return s;
}
InputSpec input(double window_ms, double stride_ms, double hz) {
  InputSpec in;
  in.window_ms = window_ms;
  in.stride_ms = stride_ms;
  in.frequency_hz = hz;
  return in;
}
}  // namespace

TEST(Windowing, StrideAndCount) {
  Windows w = make_windows(ramp(100, 10), input(200, 50, 100));  // 20-frame windows every 5 frames
  EXPECT_EQ(w.frames, 20u);
  EXPECT_EQ(w.axes, 2u);
  EXPECT_EQ(w.count, 17u);  // (100 - 20) / 5 + 1
  EXPECT_EQ(w.window(3)[0], 15.0f);
  EXPECT_EQ(w.window(3)[1], -15.0f);
  EXPECT_DOUBLE_EQ(w.start_ms[3], 150.0);
}

TEST(Windowing, ShortSampleZeroPaddedOrDropped) {
  InputSpec in = input(200, 50, 100);
  Windows w = make_windows(ramp(7, 10), in);
  ASSERT_EQ(w.count, 1u);
  EXPECT_EQ(w.window(0)[12], 6.0f);
  EXPECT_EQ(w.window(0)[14], 0.0f);
  in.zero_pad = false;
  EXPECT_EQ(make_windows(ramp(7, 10), in).count, 0u);
}

TEST(Windowing, AxesSelectedByNameAndResampled) {
  InputSpec in = input(100, 100, 50);  // sample at 100 Hz, impulse at 50 Hz: every other frame
  in.axes = {"b"};
  size_t frames = 0;
  auto sig = input_signal(ramp(11, 10), in, &frames);
  ASSERT_EQ(frames, 6u);
  EXPECT_EQ(sig[1], -2.0f);
  EXPECT_EQ(sig[5], -10.0f);
  in.axes = {"c"};
  try {
    input_signal(ramp(11, 10), in, &frames);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("has no sensor 'c' (it has a, b)"), std::string::npos) << e.what();
  }
}
