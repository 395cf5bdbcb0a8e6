// The trained demo impulse (spectral + dense classifier + k-means) to devices: `mote deploy` cpp (built with
// the host compiler, its printed results equal to the host's int8 results), arduino (compiled for the
// Cortex-M4), firmware (run under QEMU), and `mote profile --target cortex-m4`: host/device parity and the
// RAM/flash figures of the founding claim. QEMU runs are bounded (60 s); no toolchain: skipped with a message.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/test_support.h"

namespace fs = std::filesystem;
using mote::test::run_mote;

namespace {

int sh(const std::string& cmd) { return std::system((cmd + " > /dev/null 2>&1").c_str()); }

bool have(const char* tool) { return sh(std::string("command -v ") + tool) == 0; }

bool have_m4_tools() { return have("arm-none-eabi-g++") && have("arm-none-eabi-size") && have("qemu-system-arm"); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream s(text);
  std::string l;
  while (std::getline(s, l))
    if (!l.empty()) out.push_back(l);
  return out;
}

class ImpulseDeploy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new mote::test::TempDir();
    // ctest runs each case in its own process: only DemoPrintsTheDeviceLine pays for the demo's own profile.
    const bool full = ::testing::UnitTest::GetInstance()->current_test_info() == nullptr &&
                      std::string(::testing::GTEST_FLAG(filter)).find("DemoPrintsTheDeviceLine") != std::string::npos;
    auto r = run_mote("demo " + project().string() + " --no-serve" + (full ? "" : " --no-profile"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    demo_out_ = new std::string(r.out);
    demo_profiled_ = full;
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete demo_out_;
    dir_ = nullptr;
  }
  static fs::path project() { return dir_->path() / "demo"; }
  static fs::path tmp(const std::string& name) { return dir_->path() / name; }
  static mote::test::TempDir* dir_;
  static std::string* demo_out_;
  static bool demo_profiled_;
};
bool ImpulseDeploy::demo_profiled_ = false;
mote::test::TempDir* ImpulseDeploy::dir_ = nullptr;
std::string* ImpulseDeploy::demo_out_ = nullptr;

TEST_F(ImpulseDeploy, CppPackageBuildsAndPrintsTheHostInt8Results) {
  const fs::path out = tmp("cpp");
  auto r = run_mote("-C " + project().string() + " deploy --format cpp -o " + out.string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto expected = j["example"]["lines"].get<std::vector<std::string>>();
  ASSERT_EQ(expected.size(), 5u) << "4 demo classes + the anomaly score";
  const std::string glue = mote::test::read_text(out / "impulse" / "mote_impulse.cpp");
  EXPECT_NE(glue.find("Do not edit"), std::string::npos);
  EXPECT_NE(glue.find(j["impulse_hash"].get<std::string>()), std::string::npos) << "banner names the impulse";
  EXPECT_NE(glue.find("mote::dsp::SpectralConfig"), std::string::npos) << "typed DSP config";
  EXPECT_NE(glue.find("mote::anomaly::KmeansModel"), std::string::npos) << "the k-means block is on the device too";

  ASSERT_EQ(sh("cmake -S " + out.string() + " -B " + (out / "build").string() + " -DCMAKE_CXX_COMPILER=g++"), 0);
  ASSERT_EQ(sh("cmake --build " + (out / "build").string()), 0);
  ASSERT_EQ(std::system(((out / "build" / "mote_example").string() + " > " + (out / "printed.txt").string()).c_str()), 0);
  EXPECT_EQ(lines_of(mote::test::read_text(out / "printed.txt")), expected);

  // Continuous mode and the C wrapper, on the same package: the window fills slice by slice; the first
  // ready result is the single run's; the C entry point agrees.
  mote::test::write_text(out / "continuous.cpp", R"(#include <stdio.h>
#include <string.h>
#include "mote/impulse.h"
static float g_win[4096];
static size_t g_base = 0;
static int read_win(size_t offset, size_t length, float* out, void*) { memcpy(out, g_win + g_base + offset, length * 4); return 0; }
int main() {
  const mote::ImpulseModel& m = mote::kImpulse;
  const size_t w = m.frames * m.axes;
  for (size_t i = 0; i < w; ++i) g_win[i] = (i % 7) * 0.25f - (i % 3) * 0.5f;
  mote::Signal s = {w, read_win, 0};
  mote::Result single, c, cr;
  if (mote::run_impulse(s, &single) != mote::MOTE_OK) return 1;
  if (mote_run_impulse(&s, &cr) != 0) return 2;
  for (size_t i = 0; i < single.label_count; ++i) if (cr.classification[i] != single.classification[i]) return 3;
  const size_t slice = 10 * m.axes;
  int ready_at = -1, k = 0;
  for (size_t at = 0; at < w; at += slice, ++k) {
    g_base = at;
    mote::Signal sl = {at + slice <= w ? slice : w - at, read_win, 0};
    if (mote::run_impulse_continuous(sl, &c, at == 0) != mote::MOTE_OK) return 4;
    if (c.ready && ready_at < 0) ready_at = k;
  }
  if (ready_at != k - 1) return 5;
  for (size_t i = 0; i < single.label_count; ++i) if (c.classification[i] != single.classification[i]) return 6;
  if (c.anomaly != single.anomaly) return 7;
  printf("continuous ok\n");
  return 0;
}
)");
  const std::string inc = " -I" + (out / "mote" / "include").string() + " -I" + (out / "mote").string() + " -I" + (out / "impulse").string();
  ASSERT_EQ(sh("g++ -std=c++11 -ffp-contract=off" + inc + " " + (out / "continuous.cpp").string() + " $(find " + out.string() +
               "/mote " + out.string() + "/impulse -name '*.cpp') -o " + (out / "continuous").string()),
            0);
  EXPECT_EQ(sh((out / "continuous").string()), 0);
}

TEST_F(ImpulseDeploy, ArduinoLibraryCompilesForCortexM4) {
  if (!have("arm-none-eabi-g++")) GTEST_SKIP() << "SKIPPED: needs arm-none-eabi-g++ (scripts/setup installs gcc-arm-none-eabi)";
  const fs::path out = tmp("arduino");
  auto r = run_mote("-C " + project().string() + " deploy --format arduino -o " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out / "library.properties"));
  const fs::path ino = out / "examples" / "mote_impulse_example" / "mote_impulse_example.ino";
  ASSERT_TRUE(fs::exists(ino));
  mote::test::write_text(tmp("arduino-stub") / "Arduino.h",
                         "#pragma once\n#include <stddef.h>\nstruct SerialStub { void begin(long) {} template <typename T> void print(T) {}\n"
                         "  template <typename T> void println(T) {} template <typename T> void println(T, int) {} };\n"
                         "extern SerialStub Serial;\ninline void delay(unsigned long) {}\n");
  const std::string cxx = "arm-none-eabi-g++ -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -std=gnu++11 -Os -Wall -Werror "
                          "-fno-exceptions -fno-rtti -ffp-contract=off -I" + (out / "src").string() + " -I" + tmp("arduino-stub").string();
  // Every library source (Arduino compiles src/ recursively) and the sketch, as the Arduino IDE would.
  EXPECT_EQ(sh("cd " + tmp("arduino-stub").string() + " && for f in $(find " + (out / "src").string() +
               " -name '*.cpp'); do " + cxx + " -c $f -o $(basename $f).o || exit 1; done"),
            0);
  EXPECT_EQ(sh(cxx + " -include Arduino.h -x c++ -c " + ino.string() + " -o " + (tmp("arduino-stub") / "sketch.o").string()), 0);
}

TEST_F(ImpulseDeploy, FirmwareRunsTheImpulseUnderQemu) {
  if (!have_m4_tools()) GTEST_SKIP() << "SKIPPED: needs arm-none-eabi-g++ and qemu-system-arm (scripts/setup)";
  const fs::path out = tmp("firmware");
  auto r = run_mote("-C " + project().string() + " deploy --format firmware -o " + out.string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(fs::exists(out / "firmware.elf"));
  const fs::path log = tmp("firmware.log");
  const int rc = std::system(("timeout 60 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none "
                              "-semihosting-config enable=on,target=native -icount shift=0 -kernel " +
                              (out / "firmware.elf").string() + " > " + log.string() + " 2>&1")
                                 .c_str());
  const std::string text = mote::test::read_text(log);
  EXPECT_EQ(rc, 0) << text;
  EXPECT_NE(text.find("RESULT ok"), std::string::npos) << text;
  EXPECT_EQ(text.find("DIFFER"), std::string::npos) << text;
}

// The founding claim: DSP + anomaly detection + NN classifier on 3-axis accelerometer data on a Cortex-M4,
// bit-exact with the host. Sizes are printed (and must be sane), not asserted against the claim.
TEST_F(ImpulseDeploy, ProfileCortexM4ProvesParityOnTheDemo) {
  if (!have_m4_tools()) GTEST_SKIP() << "SKIPPED: needs arm-none-eabi-g++ and qemu-system-arm (scripts/setup)";
  auto r = run_mote("-C " + project().string() + " profile --target cortex-m4 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto j = nlohmann::json::parse(r.out);
  const auto& p = j["parity"];
  EXPECT_TRUE(p["ok"].get<bool>());
  const int n = p["windows"].get<int>();
  EXPECT_EQ(n, 8);
  EXPECT_EQ(p["features_bit_exact_windows"].get<int>(), n);
  EXPECT_EQ(p["int8_equal_windows"].get<int>(), n);
  EXPECT_EQ(p["anomaly_equal_windows"].get<int>(), n);
  EXPECT_EQ(p["max_abs_diff"].get<double>(), 0.0);
  for (const auto& w : p["per_window"]) EXPECT_EQ(w["device_anomaly"].get<double>(), w["host_anomaly"].get<double>());
  // Every stage ran on the device, the k-means scorer included.
  EXPECT_GT(j["instructions"]["dsp"].get<double>(), 0);
  EXPECT_GT(j["instructions"]["nn"].get<double>(), 0);
  EXPECT_GT(j["instructions"]["anomaly"].get<double>(), 0);
  const long ram = j["impulse"]["ram_bytes"].get<long>(), flash = j["impulse"]["flash_bytes"].get<long>();
  EXPECT_GT(ram, 0);
  EXPECT_LT(ram, 256 * 1024);
  EXPECT_GT(flash, 0);
  EXPECT_LT(flash, 1024 * 1024);
  EXPECT_GT(j["host_int8"]["window_accuracy"].get<double>(), 0.5);
  // NN instructions per MAC: the model's MACs (105-20-10-4 dense: 2340) and invoke() timed alone.
  EXPECT_EQ(j["nn"]["macs"].get<double>(), 105 * 20 + 20 * 10 + 10 * 4);
  EXPECT_EQ(j["nn"]["invoke_outputs_equal"].get<int>(), n);
  EXPECT_GT(j["nn"]["instructions_per_mac"].get<double>(), 0.5);
  EXPECT_LT(j["nn"]["instructions_per_mac"].get<double>(), j["nn"]["stage_instructions_per_mac"].get<double>());
  EXPECT_TRUE(fs::exists(project() / "out" / "profile-cortex-m4.json"));
  std::printf("founding claim (6.6 kB RAM / 20 kB flash): the demo impulse takes %.2f kB RAM, %.2f kB flash on the "
              "Cortex-M4; parity on %d windows\n", ram / 1000.0, flash / 1000.0, n);
}

// The classifier's per-channel input map (int8_input: per-channel): generated into the model and the glue,
// applied by runtime/nn/quantize_affine_s8 on the device, bit for bit the host's.
TEST_F(ImpulseDeploy, PerChannelInputMapIsBitExactOnCortexM4) {
  if (!have_m4_tools()) GTEST_SKIP() << "SKIPPED: needs arm-none-eabi-g++ and qemu-system-arm (scripts/setup)";
  const fs::path mapped = tmp("mapped");
  fs::copy(project(), mapped, fs::copy_options::recursive);
  auto shown = run_mote("-C " + mapped.string() + " impulse show --json");
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  auto spec = nlohmann::json::parse(shown.out)["impulse"];
  for (auto& b : spec["learn"])
    if (b["type"] == "classifier") b["params"]["int8_input"] = "per-channel";
  const fs::path spec_file = tmp("mapped-impulse.json");
  mote::test::write_text(spec_file, spec.dump());
  ASSERT_EQ(run_mote("-C " + mapped.string() + " impulse set " + spec_file.string()).exit_code, 0);
  auto bad = spec;
  for (auto& b : bad["learn"])
    if (b["type"] == "classifier") b["params"]["int8_input"] = "per-axis";
  mote::test::write_text(tmp("bad-impulse.json"), bad.dump());
  auto refused = run_mote("-C " + mapped.string() + " impulse set " + tmp("bad-impulse.json").string());
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("int8_input"), std::string::npos) << refused.err;
  auto trained = run_mote("-C " + mapped.string() + " train");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  auto tested = run_mote("-C " + mapped.string() + " test --int8 --json");
  ASSERT_EQ(tested.exit_code, 0) << tested.err;
  bool saw = false;
  const auto report = nlohmann::json::parse(tested.out);
  for (const auto& b : report["blocks"])
    if (b.contains("int8")) {
      EXPECT_EQ(b["int8"]["input_scaling"], "per-channel (105 channels)");
      saw = true;
    }
  EXPECT_TRUE(saw) << tested.out;
  auto r = run_mote("-C " + mapped.string() + " profile --target cortex-m4 --windows 4 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["parity"]["ok"].get<bool>());
  EXPECT_EQ(j["parity"]["int8_equal_windows"].get<int>(), j["parity"]["windows"].get<int>());
  EXPECT_EQ(j["nn"]["invoke_outputs_equal"].get<int>(), j["parity"]["windows"].get<int>());
  const fs::path out = tmp("mapped-cpp");
  ASSERT_EQ(run_mote("-C " + mapped.string() + " deploy --format cpp -o " + out.string()).exit_code, 0);
  std::string header, glue;
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    if (e.path().filename() == "mote_model.h") header = mote::test::read_text(e.path());
    if (e.path().filename() == "mote_impulse.cpp") glue = mote::test::read_text(e.path());
  }
  EXPECT_NE(header.find("const uint16_t kInputPeriod = 105;"), std::string::npos) << header;
  EXPECT_NE(glue.find("mote_model::kInputGain"), std::string::npos) << glue;
}

TEST_F(ImpulseDeploy, DemoPrintsTheDeviceLine) {
  if (!demo_profiled_) {
    EXPECT_NE(demo_out_->find("on a Cortex-M4: not profiled (--no-profile)"), std::string::npos) << *demo_out_;
    GTEST_SKIP() << "run alone (ctest -R DemoPrintsTheDeviceLine) to check the demo's device line";
  }
  if (!have_m4_tools()) {
    EXPECT_NE(demo_out_->find("on a Cortex-M4: not profiled"), std::string::npos) << *demo_out_;
    GTEST_SKIP() << "SKIPPED: needs arm-none-eabi-g++ and qemu-system-arm (scripts/setup)";
  }
  EXPECT_NE(demo_out_->find("on a Cortex-M4 (QEMU): "), std::string::npos) << *demo_out_;
  EXPECT_NE(demo_out_->find("host/device parity bit-exact on 8 testing windows (claim to beat: 6.6 kB RAM, 20 kB flash)"),
            std::string::npos)
      << *demo_out_;
}

// The demo deploys the C++ library into its project before the device line, and says where.
TEST_F(ImpulseDeploy, DemoPrintsTheDeployStep) {
  const fs::path deployed = project() / "out" / "deploy-cpp";
  const size_t at = demo_out_->find("as a C++ library (mote deploy --format cpp) into " + deployed.string());
  ASSERT_NE(at, std::string::npos) << *demo_out_;
  EXPECT_LT(at, demo_out_->find("on a Cortex-M4")) << "deploy comes before the profile line";
  EXPECT_NE(demo_out_->find("  build: cmake -S " + deployed.string()), std::string::npos) << *demo_out_;
  EXPECT_TRUE(fs::exists(deployed / "CMakeLists.txt"));
  EXPECT_TRUE(fs::exists(deployed / "impulse" / "mote_impulse.cpp"));
}

TEST_F(ImpulseDeploy, UnknownFormatNamesTheFormats) {
  auto r = run_mote("-C " + project().string() + " deploy --format zip -o " + tmp("zip").string());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--format"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cpp, arduino, firmware"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(tmp("zip")));
}

}  // namespace
