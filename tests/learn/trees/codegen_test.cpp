// Both generated forms (node tables through runtime/trees, if-else code) compiled with the host compiler
// and run on 300 seeded int8 inputs: every output equals the host's int8 model, for soft- and hard-voting
// forests and boosted ensembles (sums, round-major; a binary one's single logit). About 4 s (two small
// compiles per model).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "learn/trees/blobs.h"
#include "learn/trees/block.h"
#include "learn/trees/codegen.h"
#include "support/test_support.h"

using namespace mote::learn::trees;
using nlohmann::json;

namespace {

// Compiles mote_model.cpp of `form` with a main that prints every output of every input; returns the lines.
std::vector<std::vector<int>> run_generated(const Ensemble& e, TreeForm form, const std::vector<int8_t>& inputs, size_t n,
                                            const std::filesystem::path& dir) {
  const TreeCode code = generate_trees_cpp(e, "mote_model", form);
  mote::test::write_text(dir / "mote_model.h", code.model.header);
  mote::test::write_text(dir / "mote_model.cpp", code.model.source);
  std::ostringstream m;
  m << "#include <stdio.h>\n#include <string.h>\n#include \"mote_model.h\"\nstatic const signed char kIn[] = {";
  for (int8_t v : inputs) m << int(v) << ",";
  m << "};\nint main() {\n  for (int n = 0; n < " << n << "; ++n) {\n    memcpy(mote_model::input(), kIn + n * mote_model::kInputSize, "
    << "mote_model::kInputSize);\n    if (mote_model::invoke() != mote::MOTE_OK) return 1;\n"
    << "    for (int k = 0; k < mote_model::kOutputSize; ++k) printf(\"%d \", mote_model::output()[k]);\n    printf(\"\\n\");\n  }\n}\n";
  mote::test::write_text(dir / "main.cpp", m.str());
  const std::string src = MOTE_SOURCE_DIR;
  const std::string cmd = "c++ -std=c++11 -O1 -I" + dir.string() + " -I" + src + "/runtime -I" + src + "/runtime/include " +
                          (dir / "main.cpp").string() + " " + (dir / "mote_model.cpp").string() + " " + src +
                          "/runtime/trees/tree_ensemble_s8.cpp -o " + (dir / "model").string() + " && " + (dir / "model").string() + " > " +
                          (dir / "out.txt").string();
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream f(dir / "out.txt");
  std::vector<std::vector<int>> rows;
  std::string line;
  while (std::getline(f, line)) {
    std::istringstream s(line);
    std::vector<int> r;
    int v;
    while (s >> v) r.push_back(v);
    rows.push_back(r);
  }
  return rows;
}

void check_forms(const std::string& type, json params, int classes = 3) {
  const auto b = mote::test::make_blobs(400, 7, classes, 21);
  const TreeTrained t = mote::test::fit_blobs(type, b, std::move(params));
  const Tables tab = make_tables(t.model);
  const size_t n = 300;
  std::mt19937_64 rng(99);
  std::vector<int8_t> in(n * b.width);
  for (auto& v : in) v = static_cast<int8_t>(static_cast<int>(rng() % 256) - 128);
  mote::test::TempDir dir;
  for (TreeForm form : {TreeForm::Tables, TreeForm::IfElse}) {
    const auto rows = run_generated(t.model, form, in, n, dir.path());
    ASSERT_EQ(rows.size(), n) << type;
    for (size_t i = 0; i < n; ++i) {
      std::vector<int8_t> want(t.model.outputs());
      std::vector<uint32_t> scratch(want.size());
      ASSERT_EQ(mote::trees::tree_ensemble_s8(tab.kernel(t.model), in.data() + i * b.width, want.data(), scratch.data()), mote::MOTE_OK);
      ASSERT_EQ(rows[i].size(), want.size());
      for (size_t k = 0; k < want.size(); ++k)
        ASSERT_EQ(rows[i][k], want[k]) << type << (form == TreeForm::Tables ? " tables" : " if-else") << " input " << i << " output " << k;
    }
  }
}

}  // namespace

TEST(TreeCodegen, BothFormsEqualTheHostKernel) {
  check_forms("random_forest", {{"trees", 7}, {"max_depth", 5}});  // soft votes
  check_forms("random_forest", {{"trees", 7}, {"max_depth", 5}, {"voting", "hard"}});
  check_forms("gradient_boosting", {{"trees", 6}, {"max_depth", 3}});
  check_forms("gradient_boosting", {{"trees", 6}, {"max_depth", 3}}, 2);  // one logit per round
}

TEST(TreeCodegen, AutoKeepsTheSmallerEstimate) {
  const auto b = mote::test::make_blobs(400, 7, 3, 22);
  for (int trees : {1, 40}) {
    const TreeTrained t = train_trees(parse_tree_config("random_forest", {{"trees", trees}, {"max_depth", trees == 1 ? 2 : 8}}, b.width, "g"),
                                      {b.x.data(), b.rows, b.width, b.labels}, "g");
    const TreeCode c = generate_trees_cpp(t.model, "m");
    EXPECT_EQ(c.form, c.tables_estimate <= c.if_else_estimate ? "tables" : "if-else");
    EXPECT_NE(c.model.source.find(c.form == "tables" ? "kNodes" : "inline"), std::string::npos);
  }
}
