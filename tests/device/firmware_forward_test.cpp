// The device loop without hardware: the streaming firmware (examples/firmware/stream) runs on the emulated
// Cortex-M4 and its output is recorded by `mote forward --stdin`.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "store/project.h"
#include "support/test_support.h"

using namespace mote;
namespace fs = std::filesystem;

TEST(FirmwareForward, QemuBoardStreamIsRecordedIntoSamples) {
  if (std::system("command -v arm-none-eabi-g++ >/dev/null && command -v qemu-system-arm >/dev/null") != 0)
    GTEST_SKIP() << "needs arm-none-eabi-g++ and qemu-system-arm (scripts/setup installs them)";
  test::TempDir dir;
  std::string src = MOTE_SOURCE_DIR;
  std::string build = (dir / "fw").string();
  std::string cfg = "cmake -S " + src + "/examples/firmware -B " + build + " -DCMAKE_TOOLCHAIN_FILE=" + src +
                    "/targets/cortex-m4/toolchain.cmake >/dev/null && cmake --build " + build + " >/dev/null";
  ASSERT_EQ(std::system(cfg.c_str()), 0) << cfg;
  ASSERT_EQ(test::run_mote("init " + (dir / "p").string()).exit_code, 0);
  std::string run = "timeout 60 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none "
                    "-semihosting-config enable=on,target=native -icount shift=0 -kernel " + build +
                    "/stream.elf 2>&1 >/dev/null | " + MOTE_BINARY + " -C " + (dir / "p").string() +
                    " forward --stdin --frequency 62.5 --axes accX,accY,accZ --label wave --length-ms 2000 --json >" +
                    (dir / "out.json").string() + " 2>" + (dir / "err").string();
  ASSERT_EQ(std::system(run.c_str()), 0) << test::read_text(dir / "err");
  auto j = nlohmann::json::parse(test::read_text(dir / "out.json"));
  EXPECT_EQ(j["axes"], 3);
  EXPECT_EQ(j["garbage_lines"], 1);  // the firmware's banner
  EXPECT_EQ(j["stored"], 8);         // 1000 frames - 10 for detection = 7 x 125 + a 115-frame tail

  Project p = Project::open(dir / "p");
  auto samples = p.store().list({}, true);
  ASSERT_EQ(samples.size(), 8u);
  for (size_t k = 0; k + 1 < samples.size(); ++k) {
    const Sample& s = samples[k];
    ASSERT_EQ(s.frames(), 125u);
    double zmean = 0, xmax = 0;
    for (size_t f = 0; f < s.frames(); ++f) {
      zmean += s.values[f * 3 + 2] / s.frames();
      xmax = std::max(xmax, std::fabs(static_cast<double>(s.values[f * 3])));
    }
    EXPECT_NEAR(zmean, 9.81, 0.1);  // gravity on z
    EXPECT_GT(xmax, 3.5);           // the 4 m/s^2 wave on x
    EXPECT_LT(xmax, 4.5);
  }
  EXPECT_EQ(samples.back().frames(), 115u);
}
