// `mote deploy --format wasm` on the trained demo: emcc builds the runtime + generated impulse into a module that,
// run under node by the package's own check.mjs, gives on every testing window the features, int8 outputs and
// anomaly score of the host's int8 path (deploy::run_host, computed here in the test's process) bit for bit; its
// continuous mode fills a window slice by slice and its first ready result is the single run's; a second deploy of
// the same impulse comes from the cache with the same bytes; without emcc, one line saying what
// to install and nothing written; an image impulse (a frame in, the image block scaling it) agrees too. Skipped
// with a message when emcc or node is missing.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <nlohmann/json.hpp>

#include "deploy/impulse_codegen.h"
#include "ingest/image.h"
#include "store/project.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using mote::test::run_mote;

namespace {

bool have(const std::string& tool) { return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0; }

std::vector<unsigned char> from_base64(const std::string& s) {
  std::vector<unsigned char> out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char* at = c ? std::strchr(k, c) : nullptr;
    if (!at) continue;  // '=' padding
    acc = acc << 6 | static_cast<uint32_t>(at - k);
    if ((bits += 6) >= 8) out.push_back(static_cast<unsigned char>(acc >> (bits -= 8) & 0xFF));
  }
  return out;
}

uint32_t bits_of(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

class WasmDeploy : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have("emcc")) GTEST_SKIP() << "emcc is not installed: apt-get install emscripten (scripts/setup does)";
    if (!have("node")) GTEST_SKIP() << "node is not installed (scripts/setup installs nodejs)";
  }
  mote::test::TempDir dir_;
};

TEST_F(WasmDeploy, DemoRunsBitIdenticalToTheHostUnderNode) {
  const fs::path project = dir_ / "demo", out = dir_ / "wasm", again = dir_ / "wasm-again";
  auto r = run_mote("demo " + project.string() + " --no-serve --no-profile");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ::setenv("MOTE_CACHE_DIR", (dir_ / "cache").c_str(), 1);  // a fresh cache: this deploy runs emcc
  r = run_mote("-C " + project.string() + " deploy --format wasm -o " + out.string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j["cached"].get<bool>());
  for (const char* f : {"mote_impulse.wasm", "mote_impulse.mjs", "testing.json", "check.mjs", "README.md", "src/wasm_api.cpp",
                        "src/impulse/mote_impulse.cpp", "src/impulse/mote_model.cpp"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  const std::string wasm = mote::test::read_text(out / "mote_impulse.wasm");
  ASSERT_GE(wasm.size(), 8u);
  EXPECT_EQ(wasm.substr(0, 4), std::string("\0asm", 4));
  EXPECT_NE(mote::test::read_text(out / "mote_impulse.mjs").find(j["impulse_hash"].get<std::string>()), std::string::npos);

  // The package's own check, then the wasm's raw results against the host computed here.
  ASSERT_EQ(std::system(("node " + (out / "check.mjs").string() + " > " + (dir_ / "check.txt").string()).c_str()), 0)
      << mote::test::read_text(dir_ / "check.txt");
  EXPECT_NE(mote::test::read_text(dir_ / "check.txt").find("RESULT ok"), std::string::npos);
  ASSERT_EQ(std::system(("node " + (out / "check.mjs").string() + " --json > " + (dir_ / "wasm.json").string()).c_str()), 0);
  const auto got = nlohmann::json::parse(mote::test::read_text(dir_ / "wasm.json"))["windows"];
  const auto testing = nlohmann::json::parse(mote::test::read_text(out / "testing.json"));

  mote::Project p = mote::Project::open(project);
  const mote::deploy::DeployableImpulse d = mote::deploy::load_deployable(p);
  const mote::deploy::TestWindows tw = mote::deploy::testing_windows(p, d, 100000);
  ASSERT_EQ(testing["count"].get<size_t>(), tw.count) << "the package holds every testing window of the demo";
  ASSERT_EQ(got.size(), tw.count);
  const auto packaged = from_base64(testing["windows_f32"].get<std::string>());
  ASSERT_EQ(packaged.size(), tw.data.size() * 4);
  EXPECT_EQ(std::memcmp(packaged.data(), tw.data.data(), packaged.size()), 0) << "check.mjs ran the testing windows";
  size_t features = 0;
  for (size_t w = 0; w < tw.count; ++w) {
    const auto host = mote::deploy::run_host(d, tw.data.data() + w * tw.values);
    const auto& g = got[w];
    ASSERT_EQ(g["features_bits"].size(), host.features.size()) << "window " << w;
    for (size_t i = 0; i < host.features.size(); ++i)
      ASSERT_EQ(g["features_bits"][i].get<uint32_t>(), bits_of(host.features[i])) << "window " << w << " feature " << i;
    features += host.features.size();
    ASSERT_EQ(g["output"].size(), host.nn_output.size()) << "window " << w;
    for (size_t i = 0; i < host.nn_output.size(); ++i) ASSERT_EQ(g["output"][i].get<int>(), host.nn_output[i]) << "window " << w;
    ASSERT_EQ(g["anomaly_bits"].get<uint32_t>(), bits_of(host.anomaly)) << "window " << w;
  }
  EXPECT_GE(tw.count, 100u);
  std::printf("wasm: %zu testing windows, %zu features, every int8 output and anomaly score equal to the host's (%.1f ms under node)\n",
              tw.count, features, nlohmann::json::parse(mote::test::read_text(dir_ / "wasm.json"))["ms"].get<double>());

  // The module's continuous mode: a window fed in 5 slices is ready only at the last, and that first result is
  // the single run's (features and int8 outputs); a reset starts over.
  mote::test::write_text(out / "continuous.mjs", R"(import { readFileSync } from 'node:fs';
import { loadImpulse } from './mote_impulse.mjs';
const t = JSON.parse(readFileSync(new URL('testing.json', import.meta.url)));
const data = new Float32Array(new Uint8Array(Buffer.from(t.windows_f32, 'base64')).buffer);
const m = await loadImpulse();
const w = data.subarray(0, t.values), one = m.classify(w);
const slice = t.values / 5, ready = [];
let last;
for (let k = 0; k < 5; ++k) { last = m.continuous(w.subarray(k * slice, (k + 1) * slice), k === 0); ready.push(last.ready); }
const same = last.features.every((v, i) => Object.is(v, one.features[i])) && last.output.every((v, i) => v === one.output[i]);
const again = m.continuous(w.subarray(0, slice), true);
console.log(JSON.stringify({ ready, same, reset_ready: again.ready }));
)");
  ASSERT_EQ(std::system(("node " + (out / "continuous.mjs").string() + " > " + (dir_ / "continuous.json").string()).c_str()), 0);
  const auto cont = nlohmann::json::parse(mote::test::read_text(dir_ / "continuous.json"));
  EXPECT_EQ(cont["ready"], nlohmann::json({false, false, false, false, true}));
  EXPECT_TRUE(cont["same"].get<bool>()) << "the first ready result is the single run's";
  EXPECT_FALSE(cont["reset_ready"].get<bool>());

  // The same impulse again: from the cache, the same module.
  r = run_mote("-C " + project.string() + " deploy --format wasm -o " + again.string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(r.out)["cached"].get<bool>());
  EXPECT_EQ(mote::test::read_text(again / "mote_impulse.wasm"), wasm);
  ::unsetenv("MOTE_CACHE_DIR");
}

TEST_F(WasmDeploy, WithoutEmccOneLineAndNothingWritten) {
  const fs::path project = dir_ / "demo", out = dir_ / "wasm";
  auto r = run_mote("demo " + project.string() + " --no-serve --no-profile");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path err = dir_ / "err.txt";
  const int status = std::system(("PATH=/nonexistent " + std::string(MOTE_BINARY) + " -C " + project.string() + " deploy --format wasm -o " +
                                  out.string() + " 2> " + err.string()).c_str());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  r.err = mote::test::read_text(err);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("needs emcc on PATH; install Debian's emscripten"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace

// An image impulse (16x16 grayscale from 20x16 RGB PNGs, conv + dense): the wasm takes one frame at the impulse's
// size, scales it in place like the device, and agrees with the host on every testing image.
TEST_F(WasmDeploy, ImageImpulseBitIdenticalUnderNode) {
  std::mt19937 rng(5);
  for (const char* split : {"training", "testing"}) {
    fs::create_directories(dir_ / split);
    for (int i = 0; i < (split[1] == 'r' ? 16 : 4); ++i)
      for (bool across : {true, false}) {
        mote::Sample s;
        s.kind = mote::SampleKind::Image;
        s.width = 20, s.height = 16, s.channels = 3;
        std::uniform_int_distribution<int> noise(0, 60), at(2, 12);
        const int pos = at(rng);
        for (uint32_t y = 0; y < s.height; ++y)
          for (uint32_t x = 0; x < s.width; ++x) {
            const int d = across ? static_cast<int>(y) - pos : static_cast<int>(x) - pos;
            for (int ch = 0; ch < 3; ++ch) s.pixels.push_back(static_cast<uint8_t>(d >= 0 && d < 3 ? 200 : noise(rng)));
          }
        std::ofstream(dir_ / split / ((across ? "across." : "down.") + std::to_string(i) + ".png"), std::ios::binary) << mote::encode_png(s);
      }
  }
  const fs::path p = dir_ / "bars", out = dir_ / "wasm";
  ASSERT_EQ(run_mote("init " + p.string()).exit_code, 0);
  ASSERT_EQ(run_mote("-C " + p.string() + " import " + (dir_ / "training").string()).exit_code, 0);
  ASSERT_EQ(run_mote("-C " + p.string() + " import " + (dir_ / "testing").string() + " --category testing").exit_code, 0);
  mote::test::write_text(dir_ / "impulse.json", R"({"input": {"type": "image", "width": 16, "height": 16, "color": "grayscale"},
    "dsp": [{"name": "image", "type": "image", "params": {}}],
    "learn": [{"name": "classifier", "type": "classifier", "dsp": ["image"], "params": {"epochs": 4,
      "layers": [{"type": "conv2d", "filters": 4, "kernel": 3}, {"type": "global_avg_pool"}, {"type": "dense", "units": 8}]}}]})");
  auto r = run_mote("-C " + p.string() + " impulse set " + (dir_ / "impulse.json").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_mote("-C " + p.string() + " train");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_mote("-C " + p.string() + " deploy --format wasm -o " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string glue = mote::test::read_text(out / "mote_impulse.mjs");
  EXPECT_NE(glue.find(R"("frames":256)"), std::string::npos) << "one 16x16 frame";
  EXPECT_NE(glue.find(R"("input":"image")"), std::string::npos);
  ASSERT_EQ(std::system(("node " + (out / "check.mjs").string() + " > " + (dir_ / "check.txt").string()).c_str()), 0)
      << mote::test::read_text(dir_ / "check.txt");
  const std::string printed = mote::test::read_text(dir_ / "check.txt");
  EXPECT_NE(printed.find("8 windows in"), std::string::npos) << printed;
  EXPECT_NE(printed.find("RESULT ok"), std::string::npos) << printed;
}
