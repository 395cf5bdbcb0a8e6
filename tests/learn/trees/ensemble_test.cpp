// The stored model: JSON round trip, refusals naming the field, the runtime kernel against the host model,
// and threshold / int8 quantization changes on the training set, counted and bounded.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/error.h"
#include "learn/trees/block.h"
#include "learn/trees/ensemble.h"
#include "learn/trees/blobs.h"

using namespace mote::learn::trees;
using nlohmann::json;

namespace {

TreeTrained train(const std::string& type, bool regression, const mote::test::Blobs& b, json params = json::object()) {
  if (regression) params["task"] = "regression";
  const TreeConfig c = parse_tree_config(type, params, b.width, "impulse.learn[0]");
  TreeData d{b.x.data(), b.rows, b.width, {}};
  if (regression)
    for (float v : b.target) d.labels.push_back(std::to_string(v));
  else
    d.labels = b.labels;
  return train_trees(c, d, "impulse.learn[0]");
}

std::string refusal(json j) {
  try {
    from_json(j);
  } catch (const mote::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(TreeEnsemble, JsonRoundTripPredictsTheSame) {
  const auto b = mote::test::make_blobs(300, 6, 3, 7), two = mote::test::make_blobs(300, 6, 2, 7);
  struct Case {
    const char* type;
    bool reg;
    const mote::test::Blobs* data;
    json params;
  };
  const Case cases[] = {{"random_forest", false, &b, {{"voting", "soft"}}}, {"random_forest", false, &b, {{"voting", "hard"}}},
                        {"random_forest", true, &b, {}}, {"gradient_boosting", false, &b, {}}, {"gradient_boosting", false, &two, {}},
                        {"gradient_boosting", true, &b, {}}};
  for (const Case& c : cases) {
    const char* type = c.type;
    const bool reg = c.reg;
    {
      const TreeTrained t = train(type, reg, *c.data, c.params);
      const Ensemble back = from_json(json::parse(to_json(t.model).dump()));
      const Tables ta = make_tables(t.model), tb = make_tables(back);
      EXPECT_EQ(back.soft, t.model.soft);
      EXPECT_EQ(back.single_logit, t.model.single_logit);
      for (size_t r = 0; r < b.rows; r += 7) {
        const float* row = &c.data->x[r * b.width];
        EXPECT_EQ(predict_float(t.model, row), predict_float(back, row)) << type << " row " << r;
        EXPECT_EQ(predict_int8(t.model, ta, row), predict_int8(back, tb, row)) << type << " row " << r;
      }
    }
  }
}

TEST(TreeEnsemble, QuantizationChangesAreCountedAndBounded) {
  const auto b = mote::test::make_blobs(600, 8, 4, 11);
  for (const char* type : {"random_forest", "gradient_boosting"})
    for (bool reg : {false, true}) {
      const TreeTrained t = train(type, reg, b);  // the forest classifier: soft votes (the default)
      const QuantChanges q = count_quantization_changes(t.model, b.x.data(), b.rows);
      const json& m = t.metrics["quantization"];
      EXPECT_EQ(m["rows"], b.rows);
      EXPECT_EQ(m["threshold_changes"], q.threshold_changes);
      // Splits are trained on the device's own int8 codes: the float splits sit on code edges, so no
      // training prediction may change (ties at exactly x.5 are the only way).
      EXPECT_LE(q.threshold_changes, b.rows / 200) << type << (reg ? " regression" : " classification");
      // int16 leaves and int8 outputs: a few near-ties may flip, bounded at 2 %.
      EXPECT_LE(q.int8_changes, b.rows / 50) << type << (reg ? " regression" : " classification");
      std::printf("%s %s: %zu threshold, %zu int8 changes of %zu training rows\n", type, reg ? "regression" : "classification",
                  q.threshold_changes, q.int8_changes, q.rows);
    }
}

TEST(TreeEnsemble, KernelCountsVotesAsTheHostDoes) {
  const auto b = mote::test::make_blobs(300, 5, 3, 3);
  const TreeTrained t = train("random_forest", false, b, {{"trees", 9}, {"voting", "hard"}});
  const Tables tab = make_tables(t.model);
  EXPECT_TRUE(tab.packed);
  EXPECT_EQ(tab.words.size(), t.model.internal_nodes());
  for (size_t r = 0; r < b.rows; ++r) {
    const float* row = &b.x[r * b.width];
    const auto q = predict_int8(t.model, tab, row);
    const auto f = predict_float(t.model, row);
    int total = 0;
    for (size_t k = 0; k < q.size(); ++k) {
      total += q[k] + 128;
      // A vote count is exact: the float shares and the int8 outputs dequantize to the same value
      // wherever the int8 codes walk the same path (all but a tie at a code edge).
      if (std::fabs(f[k] - (q[k] + 128) / 9.0f) > 1e-6f) ADD_FAILURE() << "row " << r << " class " << k;
    }
    EXPECT_EQ(total, 9);
  }
}

// Soft votes: each int8 output is the mean of the trees' leaf shares (whole 1/15ths) x 255, rounded, exactly;
// within a leaf's share step of the float model's mean class shares; and not all 0/1: confidences between.
TEST(TreeEnsemble, KernelAveragesSoftVotesAsTheHostDoes) {
  const auto b = mote::test::make_blobs(300, 5, 3, 3);
  const TreeTrained t = train("random_forest", false, b, {{"trees", 9}, {"max_depth", 3}});
  ASSERT_TRUE(t.model.soft);
  const Tables tab = make_tables(t.model);
  EXPECT_EQ(tab.leaf_proba.size() % 3, 0u);
  size_t unsure = 0;
  for (size_t r = 0; r < b.rows; ++r) {
    const float* row = &b.x[r * b.width];
    const auto q = predict_int8(t.model, tab, row);
    const auto f = predict_float(t.model, row);
    const auto codes = quantize_features(t.model, row);
    std::vector<int> shares(3, 0);
    for (const auto& tr : t.model.trees) {
      const auto leaf = leaf_shares(tr.leaf([&](int32_t ft) { return static_cast<uint8_t>(codes[static_cast<size_t>(ft)] + 128); }).proba);
      int total = 0;
      for (size_t k = 0; k < 3; ++k) shares[k] += leaf[k], total += leaf[k];
      ASSERT_EQ(total, kLeafShares);
    }
    for (size_t k = 0; k < 3; ++k) {
      const int want = (shares[k] * 255 * 2 + 9 * kLeafShares) / (2 * 9 * kLeafShares);  // round half up of 255 s / (9 x 15)
      EXPECT_EQ(q[k] + 128, want) << "row " << r << " class " << k;
      EXPECT_NEAR((q[k] + 128) / 255.0f, f[k], 0.5f / kLeafShares + 1.0f / 255) << "row " << r << " class " << k;
    }
    unsure += *std::max_element(f.begin(), f.end()) < 0.9f;
  }
  EXPECT_GT(unsure, 0u);  // depth 3 leaves are not all pure: shares between 0 and 1 reach the output
}

// The wide layout (uint16 features and children, for inputs or trees past a byte) walks to the same leaves as
// the packed words, for every kind: hard and soft votes, per-class sums, one logit.
TEST(TreeEnsemble, WideAndPackedLayoutsAgree) {
  const auto b = mote::test::make_blobs(300, 5, 3, 13), two = mote::test::make_blobs(300, 5, 2, 13);
  const std::pair<const mote::test::Blobs*, TreeTrained> models[] = {
      {&b, train("random_forest", false, b, {{"trees", 6}, {"voting", "hard"}})},
      {&b, train("random_forest", false, b, {{"trees", 6}, {"max_depth", 4}})},
      {&b, train("gradient_boosting", false, b, {{"trees", 4}})},
      {&two, train("gradient_boosting", false, two, {{"trees", 4}})},
      {&b, train("random_forest", true, b, {{"trees", 4}})}};
  for (const auto& [data, t] : models) {
    const Tables packed = make_tables(t.model);
    ASSERT_TRUE(packed.packed);
    Tables wide = packed;
    wide.packed = false, wide.words.clear();
    for (size_t r = 0; r < data->rows; ++r) {
      const float* row = &data->x[r * data->width];
      ASSERT_EQ(predict_int8(t.model, packed, row), predict_int8(t.model, wide, row)) << t.model.kind << " row " << r;
    }
  }
}

TEST(TreeEnsemble, MalformedModelsAreRefusedNamingTheField) {
  const auto b = mote::test::make_blobs(120, 4, 2, 5);
  const json good = to_json(train("random_forest", false, b, {{"trees", 2}, {"max_depth", 3}}).model);
  EXPECT_EQ(refusal(good), "");
  json j = good;
  j["format"] = "other";
  EXPECT_NE(refusal(j).find("trees.format"), std::string::npos);
  j = good;
  j["trees"][0]["feature"][0] = 99;
  EXPECT_NE(refusal(j).find("trees.trees[0].feature[0]"), std::string::npos) << refusal(j);
  j = good;
  j["trees"][0]["left"][0] = 0;  // a cycle back to the root
  EXPECT_NE(refusal(j).find("trees.trees[0].left[0]"), std::string::npos) << refusal(j);
  j = good;
  j["trees"][0]["bin"].erase(0);
  EXPECT_NE(refusal(j).find("trees.trees[0].bin"), std::string::npos) << refusal(j);
  j = good;
  j["input"]["gain"][1] = "x";
  EXPECT_NE(refusal(j).find("trees.input.gain[1]"), std::string::npos) << refusal(j);
  j = good;
  for (auto& t : j["trees"])
    for (auto& v : t["value"]) v = 7;  // no such class
  EXPECT_NE(refusal(j).find(".value["), std::string::npos) << refusal(j);
  EXPECT_EQ(refusal(j).find('\n'), std::string::npos);
  ASSERT_EQ(good["voting"], "soft");
  auto leaf = [](const json& t) {  // the first leaf's index
    for (size_t i = 0; i < t["feature"].size(); ++i)
      if (t["feature"][i] == -1) return i;
    return size_t(0);
  };
  j = good;
  j["voting"] = "loud";
  EXPECT_NE(refusal(j).find("trees.voting"), std::string::npos) << refusal(j);
  j = good;
  j["trees"][1]["proba"][leaf(good["trees"][1])] = {0.5};  // one share for two classes
  EXPECT_NE(refusal(j).find("trees.trees[1].proba["), std::string::npos) << refusal(j);
  j = good;
  j["trees"][0]["proba"][leaf(good["trees"][0])] = {0.9, 0.9};
  EXPECT_NE(refusal(j).find("summing to 1"), std::string::npos) << refusal(j);
  j = good;
  j["trees"][0].erase("proba");
  EXPECT_NE(refusal(j).find("trees.trees[0].proba"), std::string::npos) << refusal(j);
  j = good;
  j["logits"] = 1;  // a forest has no logits
  EXPECT_NE(refusal(j).find("trees.logits"), std::string::npos) << refusal(j);
  const json boost = to_json(train("gradient_boosting", false, b, {{"trees", 3}, {"max_depth", 2}}).model);
  ASSERT_EQ(boost["logits"], 1);
  j = boost;
  j["trees"][1]["output"] = 0;  // a binary model's one logit is class 1's
  EXPECT_NE(refusal(j).find("trees.trees[1].output"), std::string::npos) << refusal(j);
  EXPECT_EQ(refusal(boost), "");
}

TEST(TreeParams, ErrorsNameTheField) {
  auto err = [](const std::string& type, json p) {
    try {
      parse_tree_config(type, p, 10, "impulse.learn[1]");
    } catch (const mote::Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(err("random_forest", {{"trees", 0}}).find("impulse.learn[1].params.trees"), std::string::npos);
  EXPECT_NE(err("random_forest", {{"trees", 300}, {"voting", "hard"}}).find("impulse.learn[1].params.trees"), std::string::npos);
  EXPECT_EQ(err("random_forest", {{"trees", 300}}), "");  // soft votes: up to 2000 trees
  EXPECT_NE(err("random_forest", {{"voting", "loud"}}).find("params.voting"), std::string::npos);
  EXPECT_NE(err("gradient_boosting", {{"voting", "soft"}}).find("params.voting"), std::string::npos);
  EXPECT_NE(err("random_forest", {{"max_depth", 2.5}}).find("params.max_depth"), std::string::npos);
  EXPECT_NE(err("random_forest", {{"learning_rate", 0.1}}).find("params.learning_rate"), std::string::npos);
  EXPECT_NE(err("gradient_boosting", {{"learning_rate", 0}}).find("params.learning_rate"), std::string::npos);
  EXPECT_NE(err("gradient_boosting", {{"min_samples_leaf", -1}}).find("params.min_samples_leaf"), std::string::npos);
  EXPECT_NE(err("gradient_boosting", {{"class_weights", {{"a", -2}}}}).find("params.class_weights.a"), std::string::npos);
  EXPECT_NE(err("gradient_boosting", {{"seed", "x"}}).find("params.seed"), std::string::npos);
  EXPECT_NE(err("gradient_boosting", {{"depth", 3}}).find("params.depth"), std::string::npos);
  EXPECT_NE(err("random_forest", {{"max_features", "half"}}).find("params.max_features"), std::string::npos);
  EXPECT_EQ(err("gradient_boosting", {{"trees", 20}, {"max_depth", 4}, {"class_weights", true}}), "");
  EXPECT_NE(params_markdown().find("| learning_rate |"), std::string::npos);
}

TEST(TreeParams, DocsTableIsTheParameterTable) {
  std::ifstream f(std::string(MOTE_SOURCE_DIR) + "/docs/trees.md");
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_NE(ss.str().find(params_markdown()), std::string::npos) << "docs/trees.md should hold:\n" << params_markdown();
}
