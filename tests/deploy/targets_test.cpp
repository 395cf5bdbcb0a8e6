// The device targets table (targets/targets.def, src/deploy/targets.h): every target's board files are
// embedded and written into a firmware's sources; an unknown name is refused naming the known ones; and the
// trained demo impulse runs bit-exact with the host on the two cores least like the M4: the Cortex-M0
// (Thumb-1, soft-float, 16 kB of RAM) through `mote profile`, and RV32IMAC through `deploy --format firmware`.
// No toolchain or QEMU machine: those two are skipped with a message.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "core/error.h"
#include "deploy/firmware.h"
#include "deploy/runtime_files.h"
#include "deploy/targets.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using mote::test::run_mote;
namespace deploy = mote::deploy;

TEST(Targets, TheTableHoldsEveryCoreOnce) {
  const auto names = deploy::target_names();
  EXPECT_EQ(names, (std::vector<std::string>{"cortex-m0", "cortex-m3", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55",
                                             "riscv32", "riscv32f"}));
  EXPECT_STREQ(deploy::default_target().name, "cortex-m4");
  EXPECT_FALSE(deploy::find_target("cortex-m0").fpu);
  EXPECT_FALSE(deploy::find_target("cortex-m3").dsp);
  EXPECT_TRUE(deploy::find_target("cortex-m33").dsp);
  EXPECT_TRUE(deploy::find_target("riscv32f").fpu);
  try {
    deploy::find_target("cortex-m99");
    FAIL() << "an unknown target was accepted";
  } catch (const mote::Error& e) {
    EXPECT_NE(std::string(e.what()).find("cortex-m0, cortex-m3"), std::string::npos) << e.what();
  }
}

TEST(Targets, EachTargetsBoardFilesAreWrittenFlat) {
  mote::test::TempDir dir;
  for (const auto& t : deploy::targets()) {
    const fs::path src = dir.path() / t.name;
    deploy::write_firmware_sources(src, {}, "int main() { return 0; }\n", t);
    for (const char* f : {"board.h", "board.cpp", "startup.cpp", "sections.ld", "board_config.h"})
      EXPECT_TRUE(fs::exists(src / "board" / f)) << t.name << ": " << f;
    const std::string ld = fs::path(t.linker_script).filename().string();  // may be another target's
    EXPECT_TRUE(fs::exists(src / "board" / ld)) << t.name;
    const std::string startup = mote::test::read_text(src / "board" / "startup.cpp");
    EXPECT_NE(startup.find(std::string(t.arch) == "riscv" ? "minstret" : "SysTick"), std::string::npos) << t.name;
    std::set<std::string> lds;
    for (const auto& e : fs::directory_iterator(src / "board"))
      if (e.path().extension() == ".ld" && e.path().filename() != "sections.ld") lds.insert(e.path().filename().string());
    EXPECT_EQ(lds, std::set<std::string>{ld}) << t.name << ": only its own linker script";
  }
}

TEST(Targets, TheCliRefusesAnUnknownTarget) {
  auto r = run_mote("profile --target cortex-m99");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE((r.err + r.out).find("cortex-m99"), std::string::npos) << r.err;
}

class TargetsOnDevice : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new mote::test::TempDir();
    auto r = run_mote("demo " + project().string() + " --no-serve --no-profile");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static fs::path project() { return dir_->path() / "demo"; }
  static std::string missing(const char* target) { return deploy::missing_tools(deploy::find_target(target)); }
  static mote::test::TempDir* dir_;
};
mote::test::TempDir* TargetsOnDevice::dir_ = nullptr;

TEST_F(TargetsOnDevice, CortexM0ProfileIsBitExactWithSoftFloat) {
  if (!missing("cortex-m0").empty()) GTEST_SKIP() << "SKIPPED: cortex-m0 needs " << missing("cortex-m0") << " (scripts/setup)";
  auto r = run_mote("-C " + project().string() + " profile --board microbit --json");  // the micro:bit's core
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["target"], "cortex-m0");
  // The board's verdict on the impulse's own cost (16 kB RAM, 256 kB flash; 16 MHz).
  const auto& fit = j["board_fit"];
  EXPECT_EQ(fit["board"], "microbit");
  EXPECT_EQ(fit["ram"]["needed_bytes"], j["impulse"]["ram_bytes"]);
  EXPECT_TRUE(fit["fits"].get<bool>());
  EXPECT_NEAR(fit["latency_ms"]["total"]["nominal"].get<double>(),
              j["instructions"]["total"].get<double>() * fit["cpi"]["nominal"].get<double>() / 16e3, 1e-6);
  const auto& p = j["parity"];
  EXPECT_TRUE(p["ok"].get<bool>());
  EXPECT_EQ(p["features_bit_exact_windows"].get<int>(), 8);
  EXPECT_EQ(p["int8_equal_windows"].get<int>(), 8);
  EXPECT_EQ(p["anomaly_equal_windows"].get<int>(), 8);
  EXPECT_GT(j["instructions"]["anomaly"].get<double>(), 0);
  // The whole firmware fits the micro:bit's 16 kB of RAM (static + painted stack).
  EXPECT_LT(j["firmware"]["ram_bytes"].get<long>(), 16384);
  EXPECT_TRUE(fs::exists(project() / "out" / "profile-cortex-m0.json"));
}

TEST_F(TargetsOnDevice, Riscv32FirmwareRunsTheImpulseUnderQemu) {
  if (!missing("riscv32").empty()) GTEST_SKIP() << "SKIPPED: riscv32 needs " << missing("riscv32") << " (scripts/setup)";
  const fs::path out = dir_->path() / "fw-riscv32";
  auto r = run_mote("-C " + project().string() + " deploy --format firmware --target riscv32 -o " + out.string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["target"], "riscv32");
  const std::string run = j["run"].get<std::string>();
  EXPECT_NE(run.find("qemu-system-riscv32 -M virt"), std::string::npos) << run;
  const fs::path log = dir_->path() / "fw-riscv32.log";
  const int rc = std::system(("timeout 60 " + run + " > " + log.string() + " 2>&1").c_str());
  const std::string text = mote::test::read_text(log);
  EXPECT_EQ(rc, 0) << text;
  EXPECT_NE(text.find("RESULT ok"), std::string::npos) << text;
  EXPECT_EQ(text.find("DIFFER"), std::string::npos) << text;
}
