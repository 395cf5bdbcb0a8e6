// src/compile/onnx_writer: the float ONNX of mote's three test classifiers (dense, conv1d, conv2d +
// depthwise, with SAME/VALID padding, pools and relu/relu6) must pass onnx.checker and, run by OpenCV's dnn
// module (tests/ref/onnx_eval.py), match ir::run_float within 1e-4.
#include <gtest/gtest.h>

#include <fstream>

#include "compile/onnx_writer.h"
#include "core/error.h"
#include "support/model_fixtures.h"
#include "support/test_support.h"

using namespace mote;

TEST(OnnxWriter, CheckerPassesAndOpenCvMatchesTheFloatIr) {
  size_t index = 0;
  for (const auto& m : test::classifier_models()) {
    SCOPED_TRACE("model " + std::to_string(index));
    test::TempDir dir;
    compile::save_onnx(m, dir / "model.onnx");
    const auto inputs = test::random_inputs(m, 40, 3);
    {
      std::ofstream f(dir / "in.f32", std::ios::binary);
      for (const auto& x : inputs) f.write(reinterpret_cast<const char*>(x.data()), x.size() * sizeof(float));
    }
    ASSERT_EQ(test::run_reference("onnx_eval.py", (dir / "model.onnx").string() + " " + (dir / "in.f32").string() + " " +
                                                      dir.path().string()),
              0)
        << "onnx.checker or OpenCV refused the model (see the Python error above)";
    const auto j = nlohmann::json::parse(test::read_text(dir / "onnx_eval.json"));
    EXPECT_EQ(j["checker"], "ok");
    EXPECT_EQ(j["opset"], 10);
    const auto& out = m.output();
    EXPECT_EQ(j["output_shape"], (std::vector<int>{1, static_cast<int>(out.size())}));
    ASSERT_EQ(j["outputs"].size(), inputs.size());
    double worst = 0;
    for (size_t k = 0; k < inputs.size(); ++k) {
      const auto expected = ir::run_float(m, inputs[k].data());
      const auto got = j["outputs"][k].get<std::vector<double>>();
      ASSERT_EQ(got.size(), expected.size());
      for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::fabs(got[i] - expected[i]));
    }
    std::printf("[ onnx ] model %zu (%s): max |OpenCV - run_float| = %.3g over %zu inputs\n", index,
                j["ops"].dump().c_str(), worst, inputs.size());
    EXPECT_LE(worst, 1e-4);
    ++index;
  }
}

TEST(OnnxWriter, NchwBoundaryKeepsHwcFlattenOrder) {
  // A conv followed by a dense layer: the dense weights index the HWC-flattened conv output, so a writer
  // that flattened NCHW directly would give other numbers. OpenCV must still match the IR.
  test::Builder b;
  ir::Model m;
  m.input = {3, 4, 2};
  m.layers.push_back(b.conv(3, 2, 2, 1, 2, ir::Padding::Same, ir::Activation::Relu6));
  m.layers.push_back(b.dense(4, 3 * 4 * 3));
  m.layers.push_back(b.simple(ir::Op::Softmax));
  ir::infer_shapes(m);
  test::TempDir dir;
  compile::save_onnx(m, dir / "model.onnx");
  const auto inputs = test::random_inputs(m, 5, 4);
  {
    std::ofstream f(dir / "in.f32", std::ios::binary);
    for (const auto& x : inputs) f.write(reinterpret_cast<const char*>(x.data()), x.size() * sizeof(float));
  }
  ASSERT_EQ(test::run_reference("onnx_eval.py", (dir / "model.onnx").string() + " " + (dir / "in.f32").string() + " " +
                                                    dir.path().string()),
            0);
  const auto j = nlohmann::json::parse(test::read_text(dir / "onnx_eval.json"));
  for (size_t k = 0; k < inputs.size(); ++k) {
    const auto expected = ir::run_float(m, inputs[k].data());
    const auto got = j["outputs"][k].get<std::vector<double>>();
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], expected[i], 1e-4);
  }
}

TEST(OnnxWriter, RefusesAnEmptyModel) {
  ir::Model m;
  m.input = {1, 1, 4};
  EXPECT_THROW(compile::write_onnx(m), Error);
}
