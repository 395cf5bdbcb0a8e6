// src/compile planner and code generator. The planner never overlaps tensors alive at the same time; the
// generated C++11 for three quantized classifiers is compiled with the host compiler against runtime/nn
// and must reproduce the host int8 executor's outputs byte for byte (emlearn's idea: compile and compare).
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "compile/codegen.h"
#include "compile/planner.h"
#include "core/error.h"
#include "nn/fully_connected_s8.h"
#include "quant/executor.h"
#include "support/model_fixtures.h"
#include "support/test_support.h"

using namespace mote;

TEST(Planner, NeverOverlapsLiveBuffersAndReusesDeadOnes) {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<compile::Buffer> bs(1 + rng() % 12);
    for (auto& b : bs) {
      b.first = static_cast<int>(rng() % 10);
      b.last = b.first + static_cast<int>(rng() % 4);
      b.bytes = rng() % 300;
    }
    const auto plan = compile::plan_arena(bs, 4);
    size_t total = 0;
    for (size_t i = 0; i < bs.size(); ++i) {
      total += (bs[i].bytes + 3) / 4 * 4;
      EXPECT_EQ(plan.offsets[i] % 4, 0u);
      EXPECT_LE(plan.offsets[i] + bs[i].bytes, plan.arena_bytes);
      for (size_t j = 0; j < i; ++j) {
        const bool live_together = bs[i].first <= bs[j].last && bs[j].first <= bs[i].last;
        const bool overlap = plan.offsets[i] < plan.offsets[j] + bs[j].bytes && plan.offsets[j] < plan.offsets[i] + bs[i].bytes;
        ASSERT_FALSE(live_together && overlap && bs[i].bytes && bs[j].bytes) << "trial " << trial << ": " << i << ", " << j;
      }
    }
    EXPECT_LE(plan.arena_bytes, total);
  }
  // A chain a -> b -> c: a and c are never alive together, so c reuses a's bytes.
  const auto plan = compile::plan_arena({{100, 0, 0}, {52, 0, 1}, {80, 1, 2}}, 4);
  EXPECT_EQ(plan.arena_bytes, 152u);
  EXPECT_EQ(plan.offsets[0], plan.offsets[2]);
}

TEST(Codegen, GeneratedModelsCompileAndMatchTheHostExecutor) {
  test::TempDir dir;
  std::ostringstream main_src;
  main_src << "#include <stdio.h>\n#include <string.h>\n";
  std::ostringstream checks;
  const auto models = test::classifier_models();
  for (size_t k = 0; k < models.size(); ++k) {
    const auto& m = models[k];
    const auto q = quant::quantize(m, test::random_inputs(m, 200, 11));
    const std::string name = "model" + std::to_string(k);
    const auto g = compile::generate_cpp(q, name);
    EXPECT_NE(g.header.find("do not edit"), std::string::npos);
    EXPECT_NE(g.header.find("kArenaBytes = " + std::to_string(g.arena_bytes)), std::string::npos);
    // The arena holds at least the largest tensor (a convolution's output may overlap its dying input, so not
    // always input + output), and less than every tensor at once.
    size_t all = q.input_shape.size(), widest = q.input_shape.size();
    for (const auto& l : q.layers) {
      all += l.out.size() + 16;
      widest = std::max(widest, l.out.size());
    }
    EXPECT_GE(g.arena_bytes, widest);
    // Dense layers that fit call the specialised kernel, the others the general one.
    size_t fast = 0, calls = 0;
    for (const auto& l : q.layers) {
      if (l.op != ir::Op::FullyConnected) continue;
      const nn::FullyConnectedS8Params fp{static_cast<int32_t>(l.in.size()), static_cast<int32_t>(l.out.size()),
                                          -l.input.zero_point, l.output.zero_point, l.act_min, l.act_max};
      const nn::PerChannelQuant fq{l.multiplier.data(), l.shift.data()};
      std::vector<int32_t> table(nn::fully_connected_s8_fast_table_words(fp));
      const bool fits = nn::fully_connected_s8_fast_table(fp, fq, l.bias.empty() ? nullptr : l.bias.data(), table.data());
      fast += fits ? 1 : 0;
      EXPECT_EQ(compile::dense_fast_table(l), fits ? table : std::vector<int32_t>{}) << name;
      ++calls;
    }
    auto count = [&](const std::string& what) {
      size_t n = 0;
      for (size_t at = g.source.find(what); at != std::string::npos; at = g.source.find(what, at + 1)) ++n;
      return n;
    };
    EXPECT_EQ(count("nn::fully_connected_s8_fast("), fast) << name;
    EXPECT_EQ(count("nn::fully_connected_s8("), calls - fast) << name;
    EXPECT_LT(g.arena_bytes, all + 2 * 13 * 3 * 8);
    test::write_text(dir / (name + ".h"), g.header);
    test::write_text(dir / (name + ".cpp"), g.source);
    main_src << "#include \"" << name << ".h\"\n";
    int idx = 0;
    for (const auto& x : test::random_inputs(m, 6, 12)) {
      const auto xq = quant::quantize_input(q, x.data());
      const auto y = quant::run_int8(q, xq.data());
      const std::string id = name + "_" + std::to_string(idx++);
      main_src << "static const signed char " << id << "_in[] = {";
      for (int v : xq) main_src << v << ",";
      main_src << "};\nstatic const signed char " << id << "_out[] = {";
      for (int v : y) main_src << v << ",";
      main_src << "};\n";
      checks << "  memcpy(" << name << "::input(), " << id << "_in, sizeof(" << id << "_in));\n"
             << "  if (" << name << "::invoke() != mote::MOTE_OK) return 2;\n"
             << "  if (memcmp(" << name << "::output(), " << id << "_out, sizeof(" << id << "_out)) != 0) { puts(\""
             << id << " differs\"); return 1; }\n";
    }
  }
  main_src << "int main() {\n" << checks.str() << "  puts(\"generated models match\");\n  return 0;\n}\n";
  test::write_text(dir / "main.cpp", main_src.str());
  const std::string root = MOTE_SOURCE_DIR;
  const std::string cmd = std::string(MOTE_HOST_CXX) + " -std=c++11 -O1 -Wall -Wextra -Werror -fno-exceptions -fno-rtti -I" +
                          root + "/runtime -I" + root + "/runtime/include -I" + dir.path().string() + " " +
                          (dir / "*.cpp").string() + " " + root + "/runtime/nn/*.cpp " + root +
                          "/runtime/port/status.cpp -o " + (dir / "prog").string() + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  EXPECT_EQ(std::system((dir / "prog").string().c_str()), 0);
}

TEST(Codegen, RefusesNamesThatAreNotIdentifiers) {
  const auto m = test::classifier_models()[0];
  const auto q = quant::quantize(m, test::random_inputs(m, 10, 1));
  EXPECT_THROW(compile::generate_cpp(q, "1model"), Error);
  EXPECT_THROW(compile::generate_cpp(q, "my-model"), Error);
  EXPECT_NO_THROW(compile::generate_cpp(q, "my_model"));
}
