// Imported tree models: XGBoost JSON files made by Debian's python3-xgboost (tests/ref/xgboost_trees.py) give
// XGBoost's own margins, and moved onto int8 codes change few of their predictions (counted, bounded); a
// LightGBM text model written by hand (its documented format) gives the margins worked out here; malformed
// files are refused with one line naming the file and the field.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "learn/trees/foreign.h"
#include "support/test_support.h"

using namespace mote::learn::trees;
using nlohmann::json;

namespace {

const char* kLightgbm = R"(tree
version=v3
num_class=1
num_tree_per_iteration=1
label_index=0
max_feature_idx=2
objective=binary sigmoid:1
feature_names=Column_0 Column_1 Column_2
tree_sizes=300 200

Tree=0
num_leaves=3
num_cat=0
split_feature=1 2
split_gain=10 5
threshold=0.5 -1.25
decision_type=2 2
left_child=-1 -2
right_child=1 -3
leaf_value=-0.5 0.25 0.75
leaf_weight=10 10 10
leaf_count=10 10 10
internal_value=0 0.1
internal_weight=30 20
internal_count=30 20
is_linear=0
shrinkage=1

Tree=1
num_leaves=2
num_cat=0
split_feature=0
split_gain=3
threshold=2
decision_type=2
left_child=-1
right_child=-2
leaf_value=0.125 -0.125
leaf_weight=15 15
leaf_count=15 15
internal_value=0
internal_weight=30
internal_count=30
is_linear=0
shrinkage=0.1

end of trees

feature_importances:
Column_1=1
)";

std::string refusal(const std::string& bytes) {
  try {
    parse_foreign_trees(bytes, "m.txt");
  } catch (const mote::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ForeignTrees, XgboostJsonGivesXgboostsMargins) {
  const json& ref = mote::test::reference_data("xgboost_trees.py", "xgboost_trees.json");
  if (ref.is_null()) GTEST_SKIP() << "SKIPPED: needs Debian's python3-xgboost for tests/ref/xgboost_trees.py";
  const std::vector<float> x = ref["inputs"].get<std::vector<float>>();
  const size_t rows = ref["rows"], width = ref["width"];
  for (const auto& m : ref["models"]) {
    const std::string name = m["name"];
    const ForeignModel f = parse_xgboost_json(m["model"].get<std::string>(), name + ".json");
    EXPECT_EQ(f.features, width);
    for (size_t r = 0; r < rows; ++r) {
      const auto got = foreign_margins(f, x.data() + r * width);
      ASSERT_EQ(got.size(), m["margins"][r].size()) << name;
      for (size_t k = 0; k < got.size(); ++k) EXPECT_NEAR(got[k], m["margins"][r][k].get<double>(), 1e-5) << name << " row " << r;
    }
    std::vector<std::string> labels = name == "regression" ? std::vector<std::string>{"value"}
                                      : name == "binary"   ? std::vector<std::string>{"a", "b"}
                                                           : std::vector<std::string>{"a", "b", "c"};
    QuantChanges c;
    const Ensemble e = to_ensemble(f, labels, x.data(), rows, &c);
    EXPECT_EQ(c.rows, rows);
    // Float thresholds moved onto int8 codes: rows within half a code of a threshold may change sides. Each row
    // passes 24 thresholds here and a code is 1/255 of a feature's range: counted, bounded at 10 % (measured:
    // 2-3 of 300 for the classes, 18 of 300 for the regression, whose every leaf change exceeds half its step).
    EXPECT_LE(c.threshold_changes, rows / 10) << name;
    EXPECT_LE(c.int8_changes, rows / 10) << name;
    std::printf("xgboost %s: %zu trees -> %zu; %zu of %zu rows change with int8 thresholds, %zu with the whole int8 model\n", name.c_str(),
                f.trees.size(), e.trees.size(), c.threshold_changes, rows, c.int8_changes);
    const Ensemble back = from_json(to_json(e));  // stored as a mote model
    EXPECT_EQ(back.trees.size(), e.trees.size());
    EXPECT_EQ(e.single_logit, name == "binary");  // one tree per round, as XGBoost's
    if (name == "binary") EXPECT_EQ(e.trees.size(), f.trees.size());
    // A child index that is not a whole number is refused (converted, it was undefined behaviour: fuzzing).
    json bad = json::parse(m["model"].get<std::string>());
    bad["learner"]["gradient_booster"]["model"]["trees"][0]["left_children"][0] = -8.9e48;
    EXPECT_NE(refusal(bad.dump()).find("left_children[0]: must be a whole number"), std::string::npos) << refusal(bad.dump());
  }
}

TEST(ForeignTrees, LightgbmTextGivesTheDocumentedMargins) {
  const ForeignModel f = parse_foreign_trees(kLightgbm, "m.txt");
  EXPECT_EQ(f.format, "lightgbm-text");
  EXPECT_EQ(f.features, 3u);
  EXPECT_EQ(f.classes, 2u);
  ASSERT_EQ(f.trees.size(), 2u);
  auto margin = [&](float a, float b, float c) {
    const float x[3] = {a, b, c};
    return foreign_margins(f, x).at(0);
  };
  // Tree 0: x1 <= 0.5 -> -0.5; else x2 <= -1.25 -> 0.25, else 0.75. Tree 1: x0 <= 2 -> 0.125, else -0.125.
  EXPECT_DOUBLE_EQ(margin(0, 0.5f, 9), -0.5 + 0.125);
  EXPECT_DOUBLE_EQ(margin(3, 0.6f, -1.25f), 0.25 - 0.125);
  EXPECT_DOUBLE_EQ(margin(2, 1, 0), 0.75 + 0.125);
  // Onto int8 over a calibration grid: the class (sign of the margin) is kept on every calibration row.
  std::vector<float> x;
  for (int i = 0; i < 200; ++i) x.insert(x.end(), {-4.0f + 0.04f * i, -2.0f + 0.02f * ((i * 7) % 200), -3.0f + 0.03f * ((i * 13) % 200)});
  QuantChanges c;
  const Ensemble e = to_ensemble(f, {"no", "yes"}, x.data(), 200, &c);
  EXPECT_EQ(e.outputs(), 2u);
  EXPECT_LE(c.int8_changes, 4u);
  std::printf("lightgbm: %zu of 200 rows change with int8 thresholds, %zu with the whole int8 model\n", c.threshold_changes, c.int8_changes);
}

TEST(ForeignTrees, MalformedFilesAreRefusedNamingTheField) {
  std::string s = kLightgbm;
  EXPECT_EQ(refusal(s), "");
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = s;
    t.replace(t.find(from), from.size(), to);
    return refusal(t);
  };
  EXPECT_NE(with("right_child=1 -3", "right_child=0 -3").find("m.txt: tree 0 node 0"), std::string::npos);
  EXPECT_NE(with("split_feature=1 2", "split_feature=1 7").find("split_feature"), std::string::npos);
  EXPECT_NE(with("leaf_value=-0.5 0.25 0.75", "leaf_value=-0.5 x 0.75").find("leaf_value"), std::string::npos);
  EXPECT_NE(with("num_cat=0", "num_cat=1").find("categorical"), std::string::npos);
  EXPECT_NE(with("objective=binary sigmoid:1", "objective=lambdarank").find("objective"), std::string::npos);
  EXPECT_NE(with("max_feature_idx=2", "max_feature_idx=-1").find("max_feature_idx"), std::string::npos);
  EXPECT_NE(refusal("tree\nversion=v3\n").find("m.txt"), std::string::npos);
  EXPECT_NE(refusal("{\"learner\": 3}").find("m.txt: learner"), std::string::npos) << refusal("{\"learner\": 3}");
  EXPECT_NE(refusal("{\"learner\": {\"learner_model_param\": {\"num_feature\": \"4\"}, \"objective\": {\"name\": \"rank:pairwise\"}}}").find("objective.name"),
            std::string::npos);
  for (const auto& r : {with("right_child=1 -3", "right_child=0 -3"), refusal("{\"learner\": 3}")}) EXPECT_EQ(r.find('\n'), std::string::npos);
}
