// src/deploy/model_file and src/core/npy: model files on the command line. .npy arrays parse (and bad ones
// are one-line errors naming the field); a float32 .tflite is quantized on the user's calibration .npy and
// agrees with its float function; `mote classify --model`, `mote deploy MODEL --format cpp|firmware` and their
// refusals, end to end through the CLI.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include "compile/onnx_writer.h"
#include "core/error.h"
#include "core/npy.h"
#include "deploy/firmware.h"
#include "deploy/model_file.h"
#include "quant/executor.h"
#include "support/model_fixtures.h"
#include "support/test_support.h"
#include "tflite_schema_generated.h"

using namespace mote;

namespace {

std::string npy(const std::string& descr, const std::string& shape, const std::string& data, bool fortran = false) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::string s("\x93NUMPY\x01\x00", 8);
  s += static_cast<char>(header.size() & 0xff);
  s += static_cast<char>(header.size() >> 8);
  return s + header + data;
}

std::string floats(const std::vector<float>& v) { return std::string(reinterpret_cast<const char*>(v.data()), 4 * v.size()); }

std::string npy_error(const std::string& bytes) {
  try {
    parse_npy(bytes, "x.npy");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// A float32 model: input [1, 4] -> FULLY_CONNECTED (3 outputs, relu) -> [1, 3], made with the schema's builder.
std::vector<uint8_t> float_dense_tflite(const std::vector<float>& w, const std::vector<float>& b) {
  flatbuffers::FlatBufferBuilder fb;
  std::vector<uint8_t> wb(reinterpret_cast<const uint8_t*>(w.data()), reinterpret_cast<const uint8_t*>(w.data()) + 4 * w.size());
  std::vector<uint8_t> bb(reinterpret_cast<const uint8_t*>(b.data()), reinterpret_cast<const uint8_t*>(b.data()) + 4 * b.size());
  std::vector<flatbuffers::Offset<tflite::Buffer>> buffers{tflite::CreateBuffer(fb), tflite::CreateBufferDirect(fb, &wb),
                                                           tflite::CreateBufferDirect(fb, &bb)};
  std::vector<int32_t> in_shape{1, 4}, out_shape{1, 3}, w_shape{3, 4}, b_shape{3};
  std::vector<flatbuffers::Offset<tflite::Tensor>> tensors{
      tflite::CreateTensorDirect(fb, &in_shape, tflite::TensorType_FLOAT32, 0, "in"),
      tflite::CreateTensorDirect(fb, &out_shape, tflite::TensorType_FLOAT32, 0, "out"),
      tflite::CreateTensorDirect(fb, &w_shape, tflite::TensorType_FLOAT32, 1, "w"),
      tflite::CreateTensorDirect(fb, &b_shape, tflite::TensorType_FLOAT32, 2, "b")};
  std::vector<int32_t> op_in{0, 2, 3}, op_out{1}, ins{0}, outs{1};
  std::vector<flatbuffers::Offset<tflite::Operator>> ops{tflite::CreateOperatorDirect(
      fb, 0, &op_in, &op_out, tflite::BuiltinOptions_FullyConnectedOptions,
      tflite::CreateFullyConnectedOptions(fb, tflite::ActivationFunctionType_RELU).Union())};
  std::vector<flatbuffers::Offset<tflite::OperatorCode>> codes{
      tflite::CreateOperatorCode(fb, tflite::BuiltinOperator_FULLY_CONNECTED, 0, 1, tflite::BuiltinOperator_FULLY_CONNECTED)};
  std::vector<flatbuffers::Offset<tflite::SubGraph>> sgs{tflite::CreateSubGraphDirect(fb, &tensors, &ins, &outs, &ops, "main")};
  fb.Finish(tflite::CreateModelDirect(fb, 3, &codes, &sgs, "float", &buffers), tflite::ModelIdentifier());
  return {fb.GetBufferPointer(), fb.GetBufferPointer() + fb.GetSize()};
}

std::filesystem::path demo_model() {
  return std::filesystem::path(MOTE_SOURCE_DIR) / "tests" / "fuzz" / "corpus" / "tflite_fuzz" / "demo_dense.tflite";
}

}  // namespace

TEST(Npy, ParsesFloatAndIntArrays) {
  const auto a = parse_npy(npy("<f4", "(2, 3)", floats({1, 2, 3, 4, 5, 6.5f})), "x.npy");
  EXPECT_EQ(a.shape, (std::vector<size_t>{2, 3}));
  EXPECT_EQ(a.values, (std::vector<double>{1, 2, 3, 4, 5, 6.5}));
  const auto b = parse_npy(npy("|i1", "(3,)", std::string("\x01\xff\x80", 3)), "x.npy");
  EXPECT_EQ(b.values, (std::vector<double>{1, -1, -128}));
}

TEST(Npy, RefusesWhatItCannotRead) {
  EXPECT_NE(npy_error("hello").find("not a .npy file"), std::string::npos);
  EXPECT_NE(npy_error(npy("<f4", "(2, 3)", floats({1, 2, 3, 4, 5, 6}), true)).find("fortran_order"), std::string::npos);
  EXPECT_NE(npy_error(npy(">f4", "(1,)", floats({1}))).find("dtype '>f4'"), std::string::npos);
  EXPECT_NE(npy_error(npy("<f4", "(4,)", floats({1, 2}))).find("data holds 8 bytes, its shape needs 16"), std::string::npos);
  EXPECT_NE(npy_error(npy("<f4", "(a,)", "")).find("shape"), std::string::npos);
  std::string cut = npy("<f4", "(1,)", floats({1}));
  EXPECT_NE(npy_error(cut.substr(0, 20)).find("truncated"), std::string::npos);
}

TEST(ModelFile, FloatTfliteIsQuantizedOnTheCalibrationInputs) {
  const std::vector<float> w = {0.5f, -1, 0.25f, 2, -0.75f, 1, 1.5f, -0.5f, 0.1f, 0.2f, 0.3f, -0.4f}, b = {0.1f, -0.2f, 0.05f};
  test::TempDir dir;
  const auto bytes = float_dense_tflite(w, b);
  std::ofstream(dir / "f.tflite", std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<long>(bytes.size()));
  std::vector<float> calib;
  for (int i = 0; i < 200; ++i)
    for (int k = 0; k < 4; ++k) calib.push_back(std::sin(0.37f * static_cast<float>(i * 4 + k)) * 2);
  test::write_text(dir / "calib.npy", npy("<f4", "(200, 4)", floats(calib)));
  try {
    deploy::load_model_file(dir / "f.tflite");
    FAIL() << "a float model without calibration must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--calibration"), std::string::npos) << e.what();
  }
  const auto q = deploy::load_model_file(dir / "f.tflite", dir / "calib.npy");
  double worst = 0;
  for (int i = 0; i < 200; ++i) {
    const float* x = calib.data() + 4 * i;
    const auto y = quant::run_quantized(q, x);
    ASSERT_EQ(y.size(), 3u);
    for (int o = 0; o < 3; ++o) {
      double f = b[o];
      for (int k = 0; k < 4; ++k) f += static_cast<double>(w[o * 4 + k]) * x[k];
      worst = std::max(worst, std::fabs(std::max(f, 0.0) - y[o]));
    }
  }
  EXPECT_LT(worst, 0.1) << "int8 strays from the float model by " << worst;
}

TEST(ModelFile, ClassifyAndDeployAModelFileThroughTheCli) {
  test::TempDir dir;
  const std::string m = demo_model().string();
  std::vector<float> x(3 * 105);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::cos(0.1f * static_cast<float>(i));
  test::write_text(dir / "x.npy", npy("<f4", "(3, 105)", floats(x)));
  auto r = test::run_mote("classify " + (dir / "x.npy").string() + " --model " + m + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["results"].size(), 3u);
  EXPECT_EQ(j["results"][0]["int8"].size(), 4u);

  r = test::run_mote("classify " + (dir / "x.npy").string() + " --model /work/none.onnx");
  EXPECT_NE(r.exit_code, 0);
  r = test::run_mote("deploy " + m + " --format cpp -o " + (dir / "cpp").string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "cpp" / "CMakeLists.txt"));
  r = test::run_mote("deploy " + m + " --format onnx -o " + (dir / "bad").string());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("does not take a model file"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "bad"));
  if (!deploy::missing_m4_tools().empty()) GTEST_SKIP() << "no Cortex-M4 toolchain/QEMU: " << deploy::missing_m4_tools();
  r = test::run_mote("deploy " + m + " --format firmware -o " + (dir / "fw").string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "fw" / "firmware.elf"));
  r = test::run_mote("profile " + m + " --inputs " + (dir / "x.npy").string() + " --work " + (dir / "work").string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["parity"]["outputs_equal"].get<int>(), 3);
}

TEST(ModelFile, OnnxModelIsQuantizedProfiledAndClassified) {
  test::TempDir dir;
  const auto models = test::classifier_models();
  const ir::Model& m = models[0];  // dense on 33 features
  compile::save_onnx(m, dir / "dense.onnx");
  std::vector<float> calib;
  for (const auto& x : test::random_inputs(m, 100, 3)) calib.insert(calib.end(), x.begin(), x.end());
  test::write_text(dir / "calib.npy", npy("<f4", "(100, " + std::to_string(m.input.size()) + ")", floats(calib)));
  auto r = test::run_mote("classify " + (dir / "calib.npy").string() + " --model " + (dir / "dense.onnx").string());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--calibration"), std::string::npos) << r.err;
  r = test::run_mote("classify " + (dir / "calib.npy").string() + " --model " + (dir / "dense.onnx").string() +
                     " --calibration " + (dir / "calib.npy").string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["results"].size(), 100u);
  size_t agree = 0;
  const auto xs = test::random_inputs(m, 100, 3);
  for (size_t i = 0; i < xs.size(); ++i) {
    const auto f = ir::run_float(m, xs[i].data());
    agree += static_cast<size_t>(std::max_element(f.begin(), f.end()) - f.begin()) == j["results"][i]["argmax"].get<size_t>();
  }
  EXPECT_GE(agree, 90u) << "int8 argmax agrees with the float ONNX model on " << agree << " of 100";
  if (!deploy::missing_m4_tools().empty()) GTEST_SKIP() << "no Cortex-M4 toolchain/QEMU: " << deploy::missing_m4_tools();
  r = test::run_mote("profile " + (dir / "dense.onnx").string() + " --calibration " + (dir / "calib.npy").string() +
                     " --random 3 --work " + (dir / "work").string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["parity"]["outputs_equal"].get<int>(), 3);
}
