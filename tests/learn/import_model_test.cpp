// `mote model import`: a model file becomes a neural block's model; test, train, deploy and profile use it.
// Round trip on the demo: its own classifier written as .tflite (int8) and .onnx (float) and imported back.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "deploy/firmware.h"
#include "quant/executor.h"
#include "quant/quantize.h"
#include "support/test_support.h"

using mote::test::read_text;
using mote::test::run_mote;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A demo project with its classifier exported as classifier.tflite and classifier.onnx beside it.
struct DemoWithFiles {
  mote::test::TempDir dir;
  std::string proj = (dir / "demo").string();
  std::string tflite = (dir / "t" / "classifier.tflite").string();
  std::string onnx = (dir / "o" / "classifier.onnx").string();
  DemoWithFiles() {
    EXPECT_EQ(run_mote("demo " + proj + " --no-serve --no-profile --json").exit_code, 0);
    EXPECT_EQ(run_mote("-C " + proj + " deploy --format tflite -o " + (dir / "t").string()).exit_code, 0);
    EXPECT_EQ(run_mote("-C " + proj + " deploy --format onnx -o " + (dir / "o").string()).exit_code, 0);
  }
};

json test_json(const std::string& proj) {
  auto r = run_mote("-C " + proj + " test --int8 --json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? json::parse(r.out) : json();
}

}  // namespace

TEST(ImportModel, Int8TfliteReplacesTheClassifierAndIsKeptByTrain) {
  DemoWithFiles d;
  auto r = run_mote("-C " + d.proj + " model import " + d.tflite + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json b = json::parse(r.out);
  EXPECT_EQ(b["block"], "classifier");
  EXPECT_EQ(b["metrics"]["imported"]["dtype"], "int8");
  EXPECT_EQ(b["metrics"]["labels"], json({"circle", "idle", "updown", "wave"}));  // the training labels, sorted
  json impulse = json::parse(read_text(fs::path(d.proj) / "mote.json"))["impulse"];
  EXPECT_EQ(impulse["learn"][0]["params"]["imported"], "classifier.tflite");

  json t = test_json(d.proj);
  const json& c = t["blocks"][0];
  EXPECT_EQ(c["imported"]["file"], "classifier.tflite");
  EXPECT_GE(c["accuracy"].get<double>(), 0.9);
  // An int8 model has no float twin: both columns are the file's int8 model, window for window.
  EXPECT_DOUBLE_EQ(c["int8"]["window_agreement"].get<double>(), 1.0);
  EXPECT_EQ(c["int8"]["accuracy"], c["accuracy"]);

  auto train = run_mote("-C " + d.proj + " train");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  EXPECT_NE(train.out.find("keeps its imported model classifier.tflite"), std::string::npos) << train.out;
  EXPECT_EQ(test_json(d.proj)["blocks"][0]["imported"]["sha256"], c["imported"]["sha256"]);

  if (!mote::deploy::missing_m4_tools().empty()) GTEST_SKIP() << "no Cortex-M4 toolchain/QEMU: " << mote::deploy::missing_m4_tools();
  auto prof = run_mote("-C " + d.proj + " profile --json");
  ASSERT_EQ(prof.exit_code, 0) << prof.err;
  json p = json::parse(prof.out);
  EXPECT_TRUE(p["parity"]["ok"].get<bool>()) << p["parity"].dump();
  EXPECT_GT(p["nn"]["macs"].get<int>(), 0);
}

TEST(ImportModel, FloatOnnxIsQuantizedOnTheTrainingWindowsOrTheGivenCalibration) {
  DemoWithFiles d;
  auto r = run_mote("-C " + d.proj + " model import " + d.onnx + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["metrics"]["imported"]["calibration"], "training set");
  json t = test_json(d.proj);
  const json& c = t["blocks"][0];
  EXPECT_EQ(c["imported"]["format"], "onnx");
  EXPECT_GE(c["accuracy"].get<double>(), 0.9);
  EXPECT_LE(c["int8"]["accuracy_drop_pp"].get<double>(), 2.0);

  // With --calibration the int8 model is made at import, from the user's inputs (a folder of .npy here).
  fs::create_directories(d.dir / "cal");
  std::string npy("\x93NUMPY\x01\x00", 8);
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 105), }";
  header.resize((10 + header.size() + 1 + 63) / 64 * 64 - 10 - 1, ' ');  // the whole preamble: a multiple of 64 bytes
  header += '\n';
  npy += static_cast<char>(header.size() & 0xff);
  npy += static_cast<char>(header.size() >> 8);
  npy += header;
  for (int i = 0; i < 2 * 105; ++i) {
    const float v = static_cast<float>((i * 37) % 23) / 7.0f - 1.5f;
    npy.append(reinterpret_cast<const char*>(&v), 4);
  }
  mote::test::write_text(d.dir / "cal" / "a.npy", npy);
  r = run_mote("-C " + d.proj + " model import " + d.onnx + " --calibration " + (d.dir / "cal").string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["metrics"]["imported"]["calibration"]["inputs"], 2);
  EXPECT_DOUBLE_EQ(test_json(d.proj)["blocks"][0]["int8"]["window_agreement"].get<double>(), 1.0);  // fixed int8 now
}

TEST(ImportModel, RefusesWhatDoesNotFitAndWritesNothing) {
  DemoWithFiles d;
  const std::string before = read_text(fs::path(d.proj) / "mote.json");
  auto r = run_mote("-C " + d.proj + " model import " + d.tflite + " --labels a,b");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the model has 4 outputs but --labels names 2"), std::string::npos) << r.err;
  r = run_mote("-C " + d.proj + " model import " + d.tflite + " --block anomaly");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--block anomaly: is a kmeans block"), std::string::npos) << r.err;
  r = run_mote("-C " + d.proj + " model import " + (d.dir / "missing.tflite").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(read_text(fs::path(d.proj) / "mote.json"), before);

  // Another DSP configuration: the stored import no longer matches, and the file no longer fits.
  ASSERT_EQ(run_mote("-C " + d.proj + " model import " + d.tflite).exit_code, 0);
  json impulse = json::parse(read_text(fs::path(d.proj) / "mote.json"))["impulse"];
  impulse["dsp"][0]["params"]["fft_length"] = 32;
  mote::test::write_text(d.dir / "impulse.json", impulse.dump());
  ASSERT_EQ(run_mote("-C " + d.proj + " impulse set " + (d.dir / "impulse.json").string()).exit_code, 0);
  r = run_mote("-C " + d.proj + " test");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("imported for another version of the impulse"), std::string::npos) << r.err;
  r = run_mote("-C " + d.proj + " model import " + d.tflite);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the model reads 105 values but block 'classifier' gets"), std::string::npos) << r.err;
}

TEST(ImportModel, Int8ModelJsonRoundTripsExactly) {
  // A small float model with every weighted op, quantized, written and read back: same fields, same outputs.
  mote::ir::Model m;
  m.input = {6, 6, 2};
  auto layer = [&](mote::ir::Op op) {
    mote::ir::Layer l;
    l.op = op;
    m.layers.push_back(l);
    return &m.layers.back();
  };
  auto conv = layer(mote::ir::Op::Conv2D);
  conv->kernel_h = conv->kernel_w = 3, conv->units = 4, conv->padding = mote::ir::Padding::Same;
  conv->activation = mote::ir::Activation::Relu;
  conv->weights.resize(4 * 3 * 3 * 2);
  auto dw = layer(mote::ir::Op::DepthwiseConv2D);
  dw->kernel_h = dw->kernel_w = 3, dw->padding = mote::ir::Padding::Same;
  dw->weights.resize(3 * 3 * 4);
  auto add = layer(mote::ir::Op::Add);
  add->inputs = {1, 2};
  layer(mote::ir::Op::AvgPool2D)->kernel_h = 2;
  m.layers.back().kernel_w = m.layers.back().stride_h = m.layers.back().stride_w = 2;
  auto fc = layer(mote::ir::Op::FullyConnected);
  fc->units = 3;
  fc->weights.resize(3 * 3 * 3 * 4);
  layer(mote::ir::Op::Softmax);
  for (auto& l : m.layers)
    for (size_t i = 0; i < l.weights.size(); ++i) l.weights[i] = static_cast<float>((i * 7919) % 13) / 13.0f - 0.45f;
  m.labels = {"a", "b", "c"};
  mote::ir::infer_shapes(m);
  std::vector<std::vector<float>> cal;
  for (int k = 0; k < 8; ++k) {
    cal.emplace_back(m.input.size());
    for (size_t i = 0; i < cal.back().size(); ++i) cal.back()[i] = static_cast<float>(((i + 3 * k) * 31) % 17) / 8.0f - 1.0f;
  }
  const auto q = mote::quant::quantize(m, cal, {});
  const json j = mote::quant::to_json(q);
  const auto back = mote::quant::from_json(json::parse(j.dump()));
  EXPECT_EQ(mote::quant::to_json(back), j);
  for (const auto& x : cal) EXPECT_EQ(mote::quant::run_quantized(back, x.data()), mote::quant::run_quantized(q, x.data()));

  json bad = j;
  bad["layers"][0]["weights"].erase(0);
  EXPECT_THROW(mote::quant::from_json(bad), mote::Error);
  bad = j;
  bad["layers"][2]["inputs"] = {1, 9};
  EXPECT_THROW(mote::quant::from_json(bad), mote::Error);
}
