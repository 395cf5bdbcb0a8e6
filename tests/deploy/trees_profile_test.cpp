// Tree blocks on the emulated Cortex-M4: the demo's classifier swapped for a soft-voting random forest and a
// gradient-boosted ensemble, each in both device forms (node tables, if-else code), each profiled with `mote
// profile`: the int8 outputs of every testing window equal the host's (runtime/trees on both sides), the
// profile reports decision nodes compared instead of MACs, and the impulse costs stay in bounds; then a two-class
// boosting model (one logit) the same way. About 10-20 s per profile (five); skipped without the arm toolchain
// and QEMU.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace fs = std::filesystem;
using mote::test::run_mote;
using nlohmann::json;

namespace {

bool have(const char* tool) { return std::system((std::string("command -v ") + tool + " > /dev/null 2>&1").c_str()) == 0; }

// Replaces the demo's neural classifier with `block`, trains, profiles; returns the profile JSON.
json profile_with(const fs::path& project, const json& block) {
  std::ifstream in(project / "mote.json");
  json j = json::parse(in);
  for (auto& l : j["impulse"]["learn"])
    if (l["name"] == "classifier" || l["name"] == "trees") l = block;
  std::ofstream(project / "mote.json") << j.dump(2);
  auto t = run_mote("-C " + project.string() + " train");
  EXPECT_EQ(t.exit_code, 0) << t.err;
  auto r = run_mote("-C " + project.string() + " profile --target cortex-m4 --json");
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  return r.exit_code == 0 ? json::parse(r.out) : json::object();
}

}  // namespace

TEST(TreesOnCortexM4, ForestAndBoostingAreBitExactWithTheHost) {
  if (!have("arm-none-eabi-g++") || !have("qemu-system-arm")) GTEST_SKIP() << "SKIPPED: needs arm-none-eabi-g++ and qemu-system-arm";
  mote::test::TempDir dir;
  const fs::path project = dir.path() / "demo";
  ASSERT_EQ(run_mote("demo " + project.string() + " --no-serve --no-profile").exit_code, 0);
  const json blocks[] = {
      {{"name", "trees"}, {"type", "random_forest"}, {"dsp", {"spectral"}}, {"params", {{"trees", 10}, {"max_depth", 6}, {"device_form", "tables"}}}},
      {{"name", "trees"}, {"type", "random_forest"}, {"dsp", {"spectral"}}, {"params", {{"trees", 10}, {"max_depth", 6}, {"device_form", "if-else"}}}},
      {{"name", "trees"}, {"type", "gradient_boosting"}, {"dsp", {"spectral"}}, {"params", {{"trees", 8}, {"max_depth", 3}, {"device_form", "tables"}}}},
      {{"name", "trees"}, {"type", "gradient_boosting"}, {"dsp", {"spectral"}}, {"params", {{"trees", 8}, {"max_depth", 3}, {"device_form", "if-else"}}}},
  };
  long flash[4] = {0, 0, 0, 0};
  for (int i = 0; i < 4; ++i) {
    const json j = profile_with(project, blocks[i]);
    ASSERT_TRUE(j.contains("parity")) << blocks[i].dump();
    const auto& p = j["parity"];
    EXPECT_TRUE(p["ok"].get<bool>()) << blocks[i].dump();
    EXPECT_EQ(p["int8_equal_windows"].get<int>(), p["windows"].get<int>());
    EXPECT_EQ(j["nn"]["invoke_outputs_equal"].get<int>(), p["windows"].get<int>());
    EXPECT_GT(j["instructions"]["nn"].get<double>(), 0);
    EXPECT_GT(j["host_int8"]["window_accuracy"].get<double>(), 0.5);
    const json& t = j["nn"]["trees"];
    EXPECT_EQ(t["form"], blocks[i]["params"]["device_form"]);
    EXPECT_EQ(t["voting"], i < 2 ? "soft" : "-");
    // Every tree compares at least one node per window, and no more than its depth.
    EXPECT_GE(t["comparisons_per_window"].get<double>(), t["trees"].get<double>());
    EXPECT_LE(t["comparisons_per_window"].get<double>(), t["trees"].get<double>() * (i < 2 ? 6 : 3));
    EXPECT_GT(t["instructions_per_comparison"].get<double>(), 0);
    flash[i] = j["impulse"]["flash_bytes"].get<long>();
    EXPECT_GT(flash[i], 0);
    std::printf("%s (%s): impulse %ld B flash, %ld B RAM, nn stage %.0f instructions, invoke %.0f\n", blocks[i]["type"].get<std::string>().c_str(),
                blocks[i]["params"].value("device_form", "auto").c_str(), flash[i], j["impulse"]["ram_bytes"].get<long>(),
                j["instructions"]["nn"].get<double>(), j["nn"]["invoke_instructions"].get<double>());
  }
  // Two classes (every gesture but idle relabelled "moving"): boosting with one logit per round on the device.
  const auto list = run_mote("-C " + project.string() + " samples --json");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::string moving;
  const json samples = json::parse(list.out);
  for (const auto& smp : samples["samples"])
    if (smp["label"] != "idle") moving += " " + std::to_string(smp["id"].get<int>());
  const auto relabel = run_mote("-C " + project.string() + " samples label moving" + moving);
  ASSERT_EQ(relabel.exit_code, 0) << relabel.err << relabel.out;
  const json j = profile_with(project, {{"name", "trees"}, {"type", "gradient_boosting"}, {"dsp", {"spectral"}},
                                        {"params", {{"trees", 8}, {"max_depth", 3}, {"device_form", "tables"}}}});
  ASSERT_TRUE(j.contains("parity"));
  EXPECT_TRUE(j["parity"]["ok"].get<bool>());
  EXPECT_EQ(j["nn"]["trees"]["trees"], 8);  // one tree per round
  EXPECT_EQ(j["nn"]["invoke_outputs_equal"].get<int>(), j["parity"]["windows"].get<int>());
}
