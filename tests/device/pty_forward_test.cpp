// `mote forward --serial` against a pseudo-terminal pair: a test thread plays a 3-axis board at 100 Hz.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include "store/project.h"
#include "support/test_support.h"

using namespace mote;
namespace fs = std::filesystem;

namespace {

struct FakeBoard {
  int master = -1, slave = -1;
  std::string path;
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread thread;

  FakeBoard() {
    char name[128];
    termios raw{};
    cfmakeraw(&raw);
    if (openpty(&master, &slave, name, &raw, nullptr) != 0) throw std::runtime_error("openpty failed");
    path = name;
    // The mote child must not inherit the master, or closing it here would not hang the line up.
    fcntl(master, F_SETFD, FD_CLOEXEC);
    fcntl(slave, F_SETFD, FD_CLOEXEC);
  }
  // Prints a banner, then `lines` readings at `hz` (a garbage line every 97), then hangs up.
  void start(int lines, double hz) {
    thread = std::thread([this, lines, hz] {
      auto put = [this](const std::string& s) { return ::write(master, s.data(), s.size()) == static_cast<ssize_t>(s.size()); };
      put("IMU ready, streaming\r\n");
      auto next = std::chrono::steady_clock::now();
      for (int i = 0; i < lines && !stop; ++i) {
        if (i % 97 == 50) put("#dropped\r\n");
        char buf[96];
        double t = i / hz;
        std::snprintf(buf, sizeof buf, "%.4f,%.4f,%.4f\r\n", std::sin(6.0 * t), std::cos(6.0 * t), 9.81 + 0.1 * std::sin(20 * t));
        put(buf);
        ++written;
        next += std::chrono::microseconds(static_cast<int64_t>(1e6 / hz));
        std::this_thread::sleep_until(next);
      }
      ::close(master);  // the board is unplugged
      master = -1;
    });
  }
  ~FakeBoard() {
    stop = true;
    if (thread.joinable()) thread.join();
    if (master >= 0) ::close(master);
    if (slave >= 0) ::close(slave);
  }
};

}  // namespace

TEST(PtyForward, DetectsRecordsAndLabelsA100HzBoard) {
  test::TempDir dir;
  ASSERT_EQ(test::run_mote("init " + (dir / "p").string()).exit_code, 0);
  FakeBoard board;
  board.start(1000, 100);  // 10 s of data at most; mote leaves after 3 samples
  auto r = test::run_mote("-C " + (dir / "p").string() + " forward --serial " + board.path +
                          " --axes accX,accY,accZ --label wave --length-ms 1000 --samples 3 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("detected 3 axes at 100 Hz"), std::string::npos) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["stored"], 3);
  EXPECT_EQ(j["axes"], 3);
  EXPECT_EQ(j["frequency_hz"], 100.0);
  EXPECT_NEAR(j["measured_hz"].get<double>(), 100.0, 3.0);
  EXPECT_GE(j["garbage_lines"].get<int>(), 1);  // the banner
  std::printf("device lines written until mote finished: %d\n", board.written.load());

  Project p = Project::open(dir / "p");
  auto samples = p.store().list({}, true);
  ASSERT_EQ(samples.size(), 3u);
  for (auto& s : samples) {
    EXPECT_EQ(s.label, "wave");
    EXPECT_EQ(s.axes(), 3u);
    EXPECT_EQ(s.sensors[0].name, "accX");
    EXPECT_EQ(s.frames(), 100u);
    EXPECT_DOUBLE_EQ(s.interval_ms, 10.0);
    EXPECT_EQ(s.device_name, board.path);
    for (size_t f = 0; f < s.frames(); ++f) EXPECT_NEAR(s.values[f * 3 + 2], 9.81, 0.11);  // accZ: gravity
  }
}

TEST(PtyForward, DisconnectKeepsEveryRecordedSampleAndThePartialOne) {
  test::TempDir dir;
  ASSERT_EQ(test::run_mote("init " + (dir / "p").string()).exit_code, 0);
  FakeBoard board;
  board.start(10 + 250, 200);  // detection (10 lines at a given rate), 2.5 samples of 0.5 s, then unplugged
  auto r = test::run_mote("-C " + (dir / "p").string() + " forward --serial " + board.path +
                          " --frequency 200 --axes x,y,z --label idle --length-ms 500");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("partial"), std::string::npos) << r.out;
  Project p = Project::open(dir / "p");
  auto samples = p.store().list({}, true);
  ASSERT_GE(samples.size(), 2u) << r.out;
  size_t full = 0, partial = 0;
  for (auto& s : samples) {
    if (s.provenance.value("partial", false)) {
      ++partial;
      EXPECT_LT(s.frames(), 100u);
    } else {
      ++full;
      EXPECT_EQ(s.frames(), 100u);
    }
  }
  EXPECT_EQ(partial, 1u);
  EXPECT_GE(full, 1u);
}

TEST(PtyForward, NoDataAndBadArgumentsGiveOneLineErrors) {
  test::TempDir dir;
  ASSERT_EQ(test::run_mote("init " + (dir / "p").string()).exit_code, 0);
  auto r = test::run_mote("-C " + (dir / "p").string() + " forward --serial " + (dir / "nope").string() + " --label x");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("cannot open serial port"), std::string::npos) << r.err;
  r = test::run_mote("-C " + (dir / "p").string() + " forward --label x");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--serial DEV or --stdin"), std::string::npos) << r.err;
  FakeBoard board;
  board.start(300, 100);
  r = test::run_mote("-C " + (dir / "p").string() + " forward --serial " + board.path + " --axes x,y --label a --samples 1");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--axes: names 2 axes but the device sends 3"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}
