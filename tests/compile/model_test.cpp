// The float IR evaluator against torch (tests/ref/model_ir.py), JSON round trip and shape errors.
#include "ir/model.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "support/test_support.h"

using namespace mote;

TEST(ModelIr, FloatEvaluatorMatchesTorch) {
  const auto& d = test::reference_data("model_ir.py", "model_ir.json");
  ASSERT_TRUE(d.contains("cases")) << "tests/ref/model_ir.py failed";
  ASSERT_GE(d["cases"].size(), 9u);
  for (const auto& c : d["cases"]) {
    ir::Model m = ir::from_json(c["model"]);
    auto in = c["input"].get<std::vector<float>>();
    auto expected = c["expected"].get<std::vector<double>>();
    std::vector<float> out = ir::run_float(m, in.data());
    ASSERT_EQ(out.size(), expected.size());
    ASSERT_EQ(out.size(), m.output().size());
    EXPECT_LE(test::max_relative_error(out, expected), 1e-5);
  }
}

TEST(ModelIr, JsonRoundTripIsExact) {
  const auto& d = test::reference_data("model_ir.py", "model_ir.json");
  ASSERT_TRUE(d.contains("cases"));
  ir::Model m = ir::from_json(d["cases"][3]["model"]);
  ir::Model back = ir::from_json(nlohmann::json::parse(ir::to_json(m).dump()));
  ASSERT_EQ(back.layers.size(), m.layers.size());
  for (size_t i = 0; i < m.layers.size(); ++i) {
    EXPECT_EQ(back.layers[i].weights, m.layers[i].weights);
    EXPECT_EQ(back.layers[i].out, m.layers[i].out);
    EXPECT_EQ(back.layers[i].op, m.layers[i].op);
  }
  EXPECT_EQ(back.labels, m.labels);
}

TEST(ModelIr, ShapesFollowTfliteConventions) {
  EXPECT_EQ(ir::conv_out_size(49, 3, 2, ir::Padding::Same), 25);
  EXPECT_EQ(ir::conv_out_size(49, 3, 2, ir::Padding::Valid), 24);
  EXPECT_EQ(ir::conv_pad_before(10, 3, 2, ir::Padding::Same), 0);  // total 1: the extra pixel goes after
  EXPECT_EQ(ir::conv_pad_before(9, 3, 1, ir::Padding::Same), 1);
}

TEST(ModelIr, BadModelsNameTheLayer) {
  ir::Model m;
  m.input = {1, 1, 4};
  ir::Layer fc;
  fc.name = "dense1";
  fc.units = 2;
  fc.weights.assign(7, 0.f);
  m.layers.push_back(fc);
  try {
    ir::infer_shapes(m);
    FAIL() << "wrong weight count accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("layer 0 (dense1)"), std::string::npos) << e.what();
  }
  nlohmann::json j = {{"input", {1, 1, 4}}, {"layers", {{{"op", "lstm"}}}}};
  EXPECT_THROW(ir::from_json(j), Error);
  ir::Model pool;
  pool.input = {1, 2, 1};
  ir::Layer p;
  p.op = ir::Op::MaxPool2D;
  p.kernel_w = 3;
  pool.layers.push_back(p);
  EXPECT_THROW(ir::infer_shapes(pool), Error);
}
