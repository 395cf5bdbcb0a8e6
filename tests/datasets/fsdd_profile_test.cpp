// FSDD spoken digits on the emulated Cortex-M4 (skipped without ../shared/datasets or the ARM toolchain/QEMU):
// a bounded subset (2 speakers x 10 digits x indices 0-9: 100 train, 100 test recordings) trained for a few
// epochs with examples/fsdd's impulse (MFCC 13 x 30 over 610 ms at 8 kHz -> conv1d classifier), deployed
// as C++, then `mote profile` on 4 testing windows: features bit-exact, int8 outputs equal (0 mismatches);
// the MFCC streams the window frame by frame, so the same impulse also fits and matches on the Cortex-M0.
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

TEST(DatasetsProfile, FsddMfccConvDeviceEqualsHost) {
  auto root = mote::test::dataset("fsdd");
  if (root.empty()) GTEST_SKIP() << "../shared/datasets/fsdd not present; skipping the FSDD device parity";
  if (!have("arm-none-eabi-gcc") || !have("qemu-system-arm"))
    GTEST_SKIP() << "SKIPPED: needs arm-none-eabi-gcc and qemu-system-arm (scripts/setup)";
  mote::test::TempDir dir;
  const fs::path subset = dir / "recordings";
  fs::create_directories(subset);
  size_t linked = 0;
  for (const char* speaker : {"jackson", "george"})
    for (int digit = 0; digit < 10; ++digit)
      for (int index = 0; index < 10; ++index) {
        const std::string name = std::to_string(digit) + "_" + speaker + "_" + std::to_string(index) + ".wav";
        if (!fs::exists(root / "recordings" / name)) continue;
        fs::create_symlink(root / "recordings" / name, subset / name);
        ++linked;
      }
  ASSERT_EQ(linked, 200u) << "the FSDD subset is incomplete under " << root;

  const fs::path proj = dir / "fsdd";
  ASSERT_EQ(run_mote("init " + proj.string()).exit_code, 0);
  auto imp = run_mote("-C " + proj.string() + " import " + subset.string() +
                      " --label-pattern '^(\\d)_' --test-pattern '^\\d_[a-z]+_[0-4]\\.wav$'");
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  json impulse = json::parse(mote::test::read_text(fs::path(MOTE_SOURCE_DIR) / "examples" / "fsdd" / "impulse.json"));
  impulse["learn"][0]["params"]["epochs"] = 3;  // bounded: the device must match whatever the host learned
  mote::test::write_text(dir / "impulse.json", impulse.dump());
  auto set = run_mote("-C " + proj.string() + " impulse set " + (dir / "impulse.json").string());
  ASSERT_EQ(set.exit_code, 0) << set.err;
  auto train = run_mote("-C " + proj.string() + " train --json");
  ASSERT_EQ(train.exit_code, 0) << train.err;

  auto dep = run_mote("-C " + proj.string() + " deploy --format cpp -o " + (dir / "cpp").string() + " --json");
  ASSERT_EQ(dep.exit_code, 0) << dep.err;
  const std::string glue = mote::test::read_text(dir / "cpp" / "impulse" / "mote_impulse.cpp");
  // One audio block: the glue streams the window frame by frame through get_data, with no window buffer.
  EXPECT_NE(glue.find("mote::dsp::mfcc_stream_f32("), std::string::npos);
  EXPECT_EQ(glue.find("g_window"), std::string::npos);
  EXPECT_NE(glue.find("b0_mel_weights"), std::string::npos) << "mel filterbank generated at codegen time";
  EXPECT_NE(mote::test::read_text(dir / "cpp" / "impulse" / "mote_model.cpp").find("mote::nn::conv2d_s8("), std::string::npos)
      << "the conv1d layers run as conv2d_s8 over a 1-high input";

  auto prof = run_mote("-C " + proj.string() + " profile --target cortex-m4 --windows 4 --json");
  ASSERT_EQ(prof.exit_code, 0) << prof.err << prof.out;
  const json j = json::parse(prof.out);
  EXPECT_EQ(j["impulse_hash"], json::parse(dep.out)["impulse_hash"]) << "profile and deploy generate the same impulse";
  const json& p = j["parity"];
  EXPECT_TRUE(p["ok"].get<bool>());
  EXPECT_EQ(p["windows"].get<int>(), 4);
  EXPECT_EQ(p["feature_mismatches"].get<int>(), 0);
  EXPECT_EQ(p["features_bit_exact_windows"].get<int>(), 4);
  EXPECT_EQ(p["int8_equal_windows"].get<int>(), 4);
  EXPECT_EQ(p["max_abs_diff"].get<double>(), 0.0);
  for (const auto& w : p["per_window"]) {
    EXPECT_EQ(w["int8"], "equal");
    EXPECT_EQ(w["host_int8"].size(), 10u);
  }
  EXPECT_EQ(j["nn"]["invoke_outputs_equal"].get<int>(), 4) << "invoke() timed alone gives the same outputs";
  EXPECT_GT(j["nn"]["macs"].get<double>(), 10000) << "two conv1d layers and a dense layer";
  EXPECT_GT(j["instructions"]["dsp"].get<double>(), 0);
  const long ram = j["impulse"]["ram_bytes"].get<long>(), flash = j["impulse"]["flash_bytes"].get<long>();
  std::cout << "FSDD on the Cortex-M4: " << ram << " B RAM, " << flash << " B flash, instructions " << j["instructions"].dump()
            << ", " << j["nn"]["instructions_per_mac"].get<double>() << " instructions per MAC\n";
  EXPECT_LT(ram, 4880 * 4) << "no 610 ms window of 8 kHz floats (19.5 kB): frames stream through the MFCC";
  EXPECT_GT(flash, 0);

  // Without the window the model fits the micro:bit's 16 kB of RAM (it overflowed by 11.5 kB before).
  auto m0 = run_mote("-C " + proj.string() + " profile --target cortex-m0 --windows 4 --json");
  ASSERT_EQ(m0.exit_code, 0) << m0.err << m0.out;
  const json k = json::parse(m0.out);
  EXPECT_TRUE(k["parity"]["ok"].get<bool>());
  EXPECT_EQ(k["parity"]["features_bit_exact_windows"].get<int>(), 4);
  EXPECT_EQ(k["parity"]["int8_equal_windows"].get<int>(), 4);
  std::cout << "FSDD on the Cortex-M0: " << k["impulse"]["ram_bytes"].get<long>() << " B RAM, "
            << k["impulse"]["flash_bytes"].get<long>() << " B flash\n";
}
