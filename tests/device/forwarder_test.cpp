// The forwarder protocol logic on synthetic line streams with exact arrival times.
#include "device/forwarder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace mote;

namespace {
std::string reading(int i, size_t axes) {
  std::string s;
  for (size_t a = 0; a < axes; ++a) s += (a ? "," : "") + std::to_string(i * 0.5 + a);
  return s;
}
}  // namespace

TEST(Forwarder, ParsesCommaTabAndSpaceSeparatedNumbers) {
  EXPECT_EQ(*parse_forwarder_line("1,2.5,-3"), (std::vector<float>{1, 2.5f, -3}));
  EXPECT_EQ(*parse_forwarder_line("1\t2\t3\r"), (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(*parse_forwarder_line(" -0.5, +4e2 ,7 "), (std::vector<float>{-0.5f, 400, 7}));
  EXPECT_EQ(*parse_forwarder_line("42"), (std::vector<float>{42}));
  for (const char* bad : {"", "   ", "hello", "1,2,x", "1,,nan", "inf,1", "Booting v1.2", "1,2;3abc"})
    EXPECT_FALSE(parse_forwarder_line(bad).has_value()) << bad;
}

TEST(Forwarder, SnapsMeasuredRatesToCommonSensorRates) {
  EXPECT_EQ(snap_frequency(99.2), 100);
  EXPECT_EQ(snap_frequency(62.1), 62.5);
  EXPECT_EQ(snap_frequency(103.4), 104);
  EXPECT_EQ(snap_frequency(101.5), 100);  // within 3 % of both: the nearer one
  EXPECT_EQ(snap_frequency(15950), 16000);
  EXPECT_DOUBLE_EQ(snap_frequency(77.77), 77.8);  // nothing common nearby: kept, to 0.1 Hz
}

TEST(Forwarder, RateFromArrivalsIgnoresLateLinesAndCatchUpBursts) {
  // 100 Hz for 1.6 s: a buffered backlog at the start, random lateness, and a 120 ms stall that the
  // reader then drains in one burst. First-to-last counting would read ~104 Hz here.
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> late(0, 0.004);
  std::vector<double> t;
  for (int i = 0; i < 160; ++i) {
    double printed = i * 0.01, arrival = printed + late(rng);
    if (i < 8) arrival = 0.08;                               // backlog read at once when the port opened
    if (i >= 40 && i < 52) arrival = 0.52 + 0.0001 * (i - 40);  // stalled, then drained
    t.push_back(std::max(arrival, t.empty() ? 0.0 : t.back()));
  }
  EXPECT_NEAR(rate_from_arrivals(t), 100.0, 1.0);
  EXPECT_EQ(snap_frequency(rate_from_arrivals(t)), 100);
  std::vector<double> even;
  for (int i = 0; i < 100; ++i) even.push_back(1.0 + i / 62.5);
  EXPECT_NEAR(rate_from_arrivals(even), 62.5, 1e-6);
  EXPECT_EQ(rate_from_arrivals({1.0}), 0);
}

TEST(Forwarder, Detects3AxesAt100HzWithin2sThroughGarbage) {
  ForwarderOptions o;
  o.length_ms = 500;
  Forwarder fw(o);
  double detected_at = -1;
  int samples = 0;
  std::vector<float> first;
  // A boot banner and a torn line first, as real boards print.
  EXPECT_EQ(fw.feed("Booting sensor firmware v1.2", 0.0), Forwarder::Event::None);
  EXPECT_EQ(fw.feed("3.1,0.5,9.8x", 0.001), Forwarder::Event::None);
  for (int i = 0; i < 500; ++i) {
    double t = 0.01 + i * 0.0101;  // a slightly slow clock: 99 Hz measured
    if (i == 150) EXPECT_EQ(fw.feed("!! overflow", t), Forwarder::Event::None);
    auto e = fw.feed(reading(i, 3), t);
    if (e == Forwarder::Event::Detected) detected_at = t;
    if (e == Forwarder::Event::SampleReady) {
      auto s = fw.take_sample();
      ASSERT_EQ(s.size(), 50u * 3);
      if (samples++ == 0) first = s;
    }
  }
  ASSERT_GE(detected_at, 0);
  EXPECT_LE(detected_at, 2.0);
  ASSERT_TRUE(fw.detection());
  EXPECT_EQ(fw.detection()->axes, 3u);
  EXPECT_EQ(fw.detection()->frequency_hz, 100);
  EXPECT_NEAR(fw.detection()->measured_hz, 99.0, 0.1);
  EXPECT_EQ(fw.frames_per_sample(), 50u);
  EXPECT_EQ(fw.garbage_lines(), 3u);
  // Recording starts with the line after detection; values arrive in order, frame-major.
  int first_index = static_cast<int>(std::lround((detected_at - 0.01) / 0.0101)) + 1;
  EXPECT_FLOAT_EQ(first[0], first_index * 0.5f);
  EXPECT_FLOAT_EQ(first[2], first_index * 0.5f + 2);
  EXPECT_GE(samples, 5);
}

TEST(Forwarder, ABufferedBacklogDoesNotInflateTheRate) {
  Forwarder fw(ForwarderOptions{});
  for (int i = 0; i < 50; ++i) fw.feed(reading(i, 3), 0.5);  // half a second waited in the port's buffer
  for (int i = 0; !fw.detection() && i < 500; ++i) fw.feed(reading(i, 3), 0.51 + i * 0.01);
  ASSERT_TRUE(fw.detection());
  EXPECT_NEAR(fw.detection()->measured_hz, 100.0, 0.5);
  EXPECT_EQ(fw.detection()->frequency_hz, 100);
}

TEST(Forwarder, GivenFrequencySkipsMeasuringAndStrayLinesAreSkipped) {
  ForwarderOptions o;
  o.length_ms = 100;
  o.frequency_hz = 62.5;
  Forwarder fw(o);
  int i = 0;
  while (!fw.detection()) fw.feed(reading(i++, 2), 0.0);  // replayed: every line at once
  EXPECT_EQ(i, 10);
  EXPECT_EQ(fw.frames_per_sample(), 6u);  // 100 ms at 62.5 Hz, rounded
  EXPECT_EQ(fw.feed(reading(0, 3), 0.0), Forwarder::Event::None);  // one stray 3-axis line
  EXPECT_EQ(fw.skipped_lines(), 1u);
  Forwarder::Event e = Forwarder::Event::None;
  for (int k = 0; k < 6; ++k) e = fw.feed(reading(k, 2), 0.0);
  EXPECT_EQ(e, Forwarder::Event::SampleReady);
  EXPECT_EQ(fw.take_sample().size(), 12u);
}

TEST(Forwarder, SteadyNewAxisCountIsAChangeAndThePartialSampleIsKept) {
  ForwarderOptions o;
  o.length_ms = 1000;
  o.frequency_hz = 100;
  Forwarder fw(o);
  for (int i = 0; i < 10; ++i) fw.feed(reading(i, 3), 0);
  ASSERT_TRUE(fw.detection());
  for (int i = 0; i < 30; ++i) EXPECT_EQ(fw.feed(reading(i, 3), 0), Forwarder::Event::None);
  Forwarder::Event e = Forwarder::Event::None;
  int lines = 0;
  while (e == Forwarder::Event::None && lines < 100) e = fw.feed(reading(lines++, 6), 0);
  EXPECT_EQ(e, Forwarder::Event::AxesChanged);
  EXPECT_EQ(lines, 10);
  EXPECT_EQ(fw.new_axes(), 6u);
  EXPECT_EQ(fw.partial_frames(), 30u);
  EXPECT_EQ(fw.take_sample().size(), 90u);
}
