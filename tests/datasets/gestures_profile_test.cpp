// ei-gestures on the emulated Cortex-M4 (skipped without ../shared/datasets or the ARM toolchain/QEMU):
// train the gestures example impulse on the real data (few epochs: parity, not accuracy, is checked here),
// deploy it as C++, then `mote profile`: the device's features, int8 outputs and anomaly scores equal the
// host's on 4 testing windows (and the timed invoke() alone gives the same outputs); the footprint is printed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

using mote::test::run_mote;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

bool have(const char* tool) { return std::system((std::string("command -v ") + tool + " > /dev/null 2>&1").c_str()) == 0; }

}  // namespace

TEST(DatasetsProfile, EiGesturesDeviceEqualsHost) {
  auto root = mote::test::dataset("ei-gestures");
  if (root.empty()) GTEST_SKIP() << "../shared/datasets/ei-gestures not present; skipping the real-data device parity";
  if (!have("arm-none-eabi-gcc") || !have("qemu-system-arm"))
    GTEST_SKIP() << "SKIPPED: needs arm-none-eabi-gcc and qemu-system-arm (scripts/setup)";
  mote::test::TempDir dir;
  const fs::path proj = dir / "g";
  ASSERT_EQ(run_mote("init " + proj.string()).exit_code, 0);
  ASSERT_EQ(run_mote("-C " + proj.string() + " import " + root.string()).exit_code, 0);
  json impulse = json::parse(mote::test::read_text(fs::path(MOTE_SOURCE_DIR) / "examples" / "gestures" / "impulse.json"));
  impulse["learn"][0]["params"]["epochs"] = 5;  // bounded: the device must match whatever the host learned
  mote::test::write_text(dir / "impulse.json", impulse.dump());
  auto set = run_mote("-C " + proj.string() + " impulse set " + (dir / "impulse.json").string());
  ASSERT_EQ(set.exit_code, 0) << set.err;
  auto train = run_mote("-C " + proj.string() + " train --json");
  ASSERT_EQ(train.exit_code, 0) << train.err;

  auto dep = run_mote("-C " + proj.string() + " deploy --format cpp -o " + (dir / "cpp").string() + " --json");
  ASSERT_EQ(dep.exit_code, 0) << dep.err;
  EXPECT_TRUE(fs::exists(dir / "cpp" / "impulse" / "mote_impulse.cpp"));

  auto prof = run_mote("-C " + proj.string() + " profile --target cortex-m4 --windows 4 --json");
  ASSERT_EQ(prof.exit_code, 0) << prof.err << prof.out;
  const json j = json::parse(prof.out);
  EXPECT_EQ(j["impulse_hash"], json::parse(dep.out)["impulse_hash"]) << "profile and deploy generate the same impulse";
  const json& p = j["parity"];
  EXPECT_TRUE(p["ok"].get<bool>());
  EXPECT_EQ(p["windows"].get<int>(), 4);
  EXPECT_EQ(p["features_bit_exact_windows"].get<int>(), 4);
  EXPECT_EQ(p["int8_equal_windows"].get<int>(), 4);
  EXPECT_EQ(p["anomaly_equal_windows"].get<int>(), 4);
  EXPECT_EQ(p["max_abs_diff"].get<double>(), 0.0);
  for (const auto& w : p["per_window"]) {
    EXPECT_EQ(w["device_anomaly"].get<double>(), w["host_anomaly"].get<double>());
    EXPECT_EQ(w["int8"], "equal");
  }
  EXPECT_EQ(j["nn"]["invoke_outputs_equal"].get<int>(), 4) << "invoke() timed alone gives the same outputs";
  EXPECT_GT(j["nn"]["macs"].get<double>(), 0);
  const long ram = j["impulse"]["ram_bytes"].get<long>(), flash = j["impulse"]["flash_bytes"].get<long>();
  std::cout << "ei-gestures on the Cortex-M4: " << ram << " B RAM, " << flash << " B flash, instructions " << j["instructions"].dump()
            << ", " << j["nn"]["instructions_per_mac"].get<double>() << " instructions per MAC\n";
  EXPECT_GT(ram, 0);
  EXPECT_GT(flash, 0);
}
