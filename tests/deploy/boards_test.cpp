// Boards (targets/boards.def, src/deploy/boards.h): every board maps to a target with a cycles-per-instruction
// figure; an impulse fits or does not fit a board's RAM and flash; latency = instructions x CPI / clock; an unknown
// board is refused in one line naming the known ones, before any work.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "deploy/boards.h"
#include "deploy/targets.h"
#include "support/test_support.h"

namespace deploy = mote::deploy;
using mote::test::run_mote;

TEST(Boards, EveryBoardIsACoreWithCyclesPerInstruction) {
  EXPECT_EQ(deploy::board_names(), (std::vector<std::string>{"nano33ble", "rp2040", "stm32f746", "nrf5340", "esp32c3",
                                                              "alif-e7", "microbit", "stm32f103"}));
  for (const auto& b : deploy::boards()) {
    SCOPED_TRACE(b.name);
    EXPECT_NO_THROW(deploy::find_target(b.target));
    const auto& c = deploy::core_cpi(b.target);
    EXPECT_LE(c.low, c.cpi);
    EXPECT_LE(c.cpi, c.high);
    EXPECT_GT(b.clock_hz, 1e6);
    EXPECT_GT(b.ram_bytes, 0);
    EXPECT_GT(b.flash_bytes, b.ram_bytes / 8);
  }
  for (const auto& t : deploy::targets()) EXPECT_NO_THROW(deploy::core_cpi(t.name)) << t.name;
  EXPECT_STREQ(deploy::find_board("esp32c3").target, "riscv32");
  EXPECT_STREQ(deploy::find_board("rp2040").target, "cortex-m0");
}

TEST(Boards, FitsOrDoesNotFitAndLatencyIsInstructionsTimesCpiOverClock) {
  const auto& nano = deploy::find_board("nano33ble");  // 256 kB RAM, 1 MB flash, 64 MHz
  const nlohmann::json instructions = {{"dsp", 64e6}, {"nn", 6.4e6}, {"total", 70.4e6}};
  const auto fit = deploy::board_fit(nano, 2956, 18512, instructions);
  EXPECT_TRUE(fit["fits"].get<bool>());
  EXPECT_TRUE(fit["ram"]["fits"].get<bool>());
  EXPECT_EQ(fit["ram"]["needed_bytes"].get<long>(), 2956);
  EXPECT_EQ(fit["ram"]["board_bytes"].get<long>(), 262144);
  const double cpi = deploy::core_cpi("cortex-m4").cpi;
  EXPECT_DOUBLE_EQ(fit["latency_ms"]["dsp"]["nominal"].get<double>(), 1000.0 * cpi);  // 64e6 instructions at 64 MHz
  EXPECT_DOUBLE_EQ(fit["latency_ms"]["nn"]["low"].get<double>(), 100.0 * deploy::core_cpi("cortex-m4").low);
  EXPECT_DOUBLE_EQ(fit["latency_ms"]["total"]["high"].get<double>(), 1100.0 * deploy::core_cpi("cortex-m4").high);

  const auto& microbit = deploy::find_board("microbit");  // 16 kB RAM, 256 kB flash
  const auto ram_short = deploy::board_fit(microbit, 16385, 1000, instructions);
  EXPECT_FALSE(ram_short["fits"].get<bool>());
  EXPECT_FALSE(ram_short["ram"]["fits"].get<bool>());
  EXPECT_TRUE(ram_short["flash"]["fits"].get<bool>());
  const auto flash_short = deploy::board_fit(deploy::find_board("stm32f103"), 2000, 65537, instructions);
  EXPECT_FALSE(flash_short["fits"].get<bool>());
  EXPECT_TRUE(flash_short["ram"]["fits"].get<bool>());
  EXPECT_TRUE(deploy::board_fit(microbit, 16384, 262144, instructions)["fits"].get<bool>());  // exactly full fits
  const std::string table = deploy::board_fit_table(ram_short);
  EXPECT_NE(table.find("DOES NOT FIT"), std::string::npos) << table;
  EXPECT_NE(table.find("16 MHz"), std::string::npos) << table;
}

TEST(Boards, AnUnknownBoardIsRefusedInOneLine) {
  try {
    deploy::find_board("uno");
    FAIL() << "an unknown board was accepted";
  } catch (const mote::Error& e) {
    EXPECT_NE(std::string(e.what()).find("nano33ble, rp2040"), std::string::npos) << e.what();
  }
  mote::test::TempDir dir;  // no project here: the board is checked before anything is opened or built
  auto r = run_mote("-C " + dir.path().string() + " profile --board uno");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("unknown board 'uno'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("targets/boards.def"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
  auto both = run_mote("profile --board nano33ble --target cortex-m0");
  EXPECT_NE(both.exit_code, 0) << "a board names its own core";
}
