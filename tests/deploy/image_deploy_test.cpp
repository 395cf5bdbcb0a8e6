// An image impulse on the device: a small project of PNGs (a bar across or down, anywhere, in any colour),
// trained, then `mote profile --target cortex-m4`: the frame at the impulse's size goes in, the image block
// scales it in place on the device, and features, int8 outputs and RAM (one frame buffer) are checked.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "ingest/image.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using mote::test::run_mote;

namespace {

bool have_m4_tools() {
  return std::system("command -v arm-none-eabi-g++ > /dev/null 2>&1 && command -v qemu-system-arm > /dev/null 2>&1") == 0;
}

// A 20x16 RGB image: background noise, a bar 3 px wide across (class "across") or down ("down").
void write_bar(const fs::path& file, bool across, std::mt19937& rng) {
  mote::Sample s;
  s.kind = mote::SampleKind::Image;
  s.width = 20, s.height = 16, s.channels = 3;
  std::uniform_int_distribution<int> noise(0, 60), at(2, 12), colour(120, 255);
  const int pos = at(rng), c[3] = {colour(rng), colour(rng), colour(rng)};
  for (uint32_t y = 0; y < s.height; ++y)
    for (uint32_t x = 0; x < s.width; ++x) {
      const int d = across ? static_cast<int>(y) - pos : static_cast<int>(x) - pos;
      for (int ch = 0; ch < 3; ++ch) s.pixels.push_back(static_cast<uint8_t>(d >= 0 && d < 3 ? c[ch] : noise(rng)));
    }
  std::ofstream(file, std::ios::binary) << mote::encode_png(s);
}

}  // namespace

TEST(ImageDeploy, FrameAtTheImpulseSizeRunsBitExactOnCortexM4) {
  if (!have_m4_tools()) GTEST_SKIP() << "SKIPPED: needs arm-none-eabi-g++ and qemu-system-arm (scripts/setup)";
  mote::test::TempDir dir;
  std::mt19937 rng(5);
  for (const char* split : {"training", "testing"}) {
    fs::create_directories(dir.path() / split);
    for (int i = 0; i < (split[1] == 'r' ? 24 : 4); ++i)
      for (bool across : {true, false})
        write_bar(dir.path() / split / ((across ? "across." : "down.") + std::to_string(i) + ".png"), across, rng);
  }
  const fs::path p = dir.path() / "bars";
  ASSERT_EQ(run_mote("init " + p.string()).exit_code, 0);
  ASSERT_EQ(run_mote("-C " + p.string() + " import " + (dir.path() / "training").string()).exit_code, 0);
  ASSERT_EQ(run_mote("-C " + p.string() + " import " + (dir.path() / "testing").string() + " --category testing").exit_code, 0);
  // 16x16 grayscale (a resize and a colour conversion on the host), conv + global average + dense.
  const nlohmann::json impulse = {
      {"input", {{"type", "image"}, {"width", 16}, {"height", 16}, {"color", "grayscale"}, {"resize", "squash"}}},
      {"dsp", {{{"name", "image"}, {"type", "image"}, {"params", nlohmann::json::object()}}}},
      {"learn", {{{"name", "classifier"}, {"type", "classifier"}, {"dsp", {"image"}},
                  {"params", {{"epochs", 8}, {"layers", {{{"type", "conv2d"}, {"filters", 4}, {"kernel", 3}}, {{"type", "max_pool"}, {"pool", 2}},
                                                          {{"type", "global_avg_pool"}}, {{"type", "dense"}, {"units", 8}}}}}}}}}};
  std::ofstream(dir.path() / "impulse.json") << impulse.dump();
  auto r = run_mote("-C " + p.string() + " impulse set " + (dir.path() / "impulse.json").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_mote("-C " + p.string() + " train");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_mote("-C " + p.string() + " profile --target cortex-m4 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto j = nlohmann::json::parse(r.out);
  const auto& parity = j["parity"];
  EXPECT_TRUE(parity["ok"].get<bool>());
  const int n = parity["windows"].get<int>();
  EXPECT_EQ(n, 8);  // every testing image, one frame each
  EXPECT_EQ(parity["features_bit_exact_windows"].get<int>(), n);
  EXPECT_EQ(parity["int8_equal_windows"].get<int>(), n);
  EXPECT_GT(j["instructions"]["dsp"].get<double>(), 0);  // the image block scaled the frame on the device
  EXPECT_GT(j["instructions"]["nn"].get<double>(), 0);
  // One 16x16 float buffer (the frame, scaled in place into the features), not two; measured static RAM is the
  // glue's buffers and the network's arena, give or take the small statics of the harness it is measured against.
  const long glue = j["generated"]["glue_ram_bytes"].get<long>(), arena = j["generated"]["nn_arena_bytes"].get<long>();
  EXPECT_GE(glue, 16 * 16 * 4);
  EXPECT_LT(glue, 2 * 16 * 16 * 4);
  const long static_ram = j["impulse"]["static_ram_bytes"].get<long>();
  EXPECT_NEAR(static_ram, glue + arena, 256);
}
