// External tools (compiler, QEMU) run in their own process group and die with a cancelled job.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "core/error.h"
#include "deploy/firmware.h"
#include "support/test_support.h"

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// Gone, or a zombie nobody reaped yet (a container's init may not): either way no longer running.
bool running(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_field, comm, state;
  if (!(stat >> pid_field >> comm >> state)) return false;
  return state != "Z" && state != "X";
}

}  // namespace

TEST(RunTool, ReturnsTheStatusAndLogsBothStreams) {
  mote::test::TempDir dir;
  auto log = dir / "tool.log";
  EXPECT_EQ(mote::deploy::run_tool("echo out; echo err >&2; exit 3", log), 3);
  EXPECT_EQ(slurp(log), "out\nerr\n");
  EXPECT_EQ(mote::deploy::run_tool("kill -TERM $$", log), 128 + SIGTERM);
  EXPECT_EQ(mote::deploy::run_tool("true", log), 0);
}

TEST(RunTool, CancellingKillsTheToolAndItsChildren) {
  mote::test::TempDir dir;
  auto pid_file = dir / "child.pid";
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    for (int i = 0; i < 500 && !std::filesystem::exists(pid_file); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    cancel = true;
  });
  try {
    mote::deploy::CancelExternalTools guard([&] { return cancel.load(); });
    mote::deploy::run_tool("sleep 600 & echo $! > '" + pid_file.string() + "'; wait", dir / "tool.log");
    ADD_FAILURE() << "run_tool returned instead of throwing";
  } catch (const mote::Error& e) {
    EXPECT_STREQ(e.what(), "cancelled");
  }
  canceller.join();
  pid_t child = std::stoi(slurp(pid_file));  // had run_tool waited for it, the test would have timed out
  for (int i = 0; i < 100 && running(child); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_FALSE(running(child)) << "the tool's child outlived the cancellation";
  // The guard is gone: the next tool runs to its end.
  EXPECT_EQ(mote::deploy::run_tool("exit 0", dir / "tool.log"), 0);
}
