// `mote export-model --format tflite|onnx` end to end on trained projects: the demo's dense classifier on
// spectral features, and a conv1d classifier (conv, max/avg pool, relu6) on raw accelerometer windows.
// The .tflite must be what the writer makes of the project's quantized model, and ArmNN must run it like
// the host executor; the ONNX must pass onnx.checker and OpenCV must match ir::run_float.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "compile/onnx_writer.h"
#include "compile/tflite_writer.h"
#include "learn/export_context.h"
#include "quant/executor.h"
#include "support/test_support.h"
#include "tflite_schema_generated.h"

using mote::test::run_mote;
using nlohmann::json;
namespace fs = std::filesystem;
using namespace mote;

namespace {

#ifdef MOTE_ARMNN_TFLITE_RUN
// Runs the .tflite at `file` (written from q) on ArmNN and returns the worst int8 difference to the host.
int armnn_worst_lsb(const quant::QModel& q, const fs::path& file, const std::vector<std::vector<float>>& inputs,
                    const test::TempDir& dir, const std::string& what) {
  std::vector<int8_t> xs, expected;
  for (const auto& x : inputs) {
    const auto xq = quant::quantize_input(q, x.data());
    const auto y = quant::run_int8(q, xq.data());
    xs.insert(xs.end(), xq.begin(), xq.end());
    expected.insert(expected.end(), y.begin(), y.end());
  }
  std::ofstream(dir / "in.bin", std::ios::binary).write(reinterpret_cast<const char*>(xs.data()), xs.size());
  const std::string cmd = std::string(MOTE_ARMNN_TFLITE_RUN) + " " + file.string() + " " + (dir / "in.bin").string() + " " +
                          (dir / "out.bin").string() + " 2>" + (dir / "err.txt").string();
  if (std::system(cmd.c_str()) != 0) {
    ADD_FAILURE() << what << ": " << test::read_text(dir / "err.txt");
    return 1000;
  }
  std::ifstream g(dir / "out.bin", std::ios::binary);
  std::vector<char> got((std::istreambuf_iterator<char>(g)), std::istreambuf_iterator<char>());
  if (got.size() != expected.size()) {
    ADD_FAILURE() << what << ": ArmNN wrote " << got.size() << " bytes, expected " << expected.size();
    return 1000;
  }
  int worst = 0;
  size_t differ = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    worst = std::max(worst, std::abs(got[i] - expected[i]));
    differ += got[i] != expected[i];
  }
  std::printf("[ export ] %s: ArmNN vs host int8: %zu of %zu outputs differ, worst %d LSB\n", what.c_str(), differ,
              got.size(), worst);
  return worst;
}
#endif

void check_project(const fs::path& proj, const test::TempDir& dir) {
  auto tfl = run_mote("-C " + proj.string() + " export-model --format tflite -o " + (dir / "m.tflite").string() + " --json");
  ASSERT_EQ(tfl.exit_code, 0) << tfl.err;
  auto onnx = run_mote("-C " + proj.string() + " export-model --format onnx -o " + (dir / "m.onnx").string());
  ASSERT_EQ(onnx.exit_code, 0) << onnx.err;
  EXPECT_NE(onnx.out.find("float ONNX"), std::string::npos);

  Project p = Project::open(proj);
  const auto ctx = learn::model_deploy_context(p, "", true);
  const quant::QModel q = quant::quantize(ctx.model, ctx.calibration, quant::QuantizeOptions{false, quant::InputScaling::PerTensor});
  EXPECT_EQ(json::parse(tfl.out)["input"]["zero_point"], q.input.zero_point);
  // The file is exactly the writer's output for this project's quantized model (deterministic).
  std::ifstream f(dir / "m.tflite", std::ios::binary);
  std::vector<char> file((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const auto bytes = compile::write_tflite(q, "mote " MOTE_VERSION ": " + ctx.block);
  ASSERT_EQ(file.size(), bytes.size());
  EXPECT_EQ(std::memcmp(file.data(), bytes.data(), bytes.size()), 0);

  std::vector<std::vector<float>> inputs;
  for (size_t k = 0; k < ctx.calibration.size() && inputs.size() < 60; k += ctx.calibration.size() / 60 + 1)
    inputs.push_back(ctx.calibration[k]);

  flatbuffers::Verifier v(bytes.data(), bytes.size());
  ASSERT_TRUE(tflite::VerifyModelBuffer(v));
  // ArmNN 20.08 asserts on per-channel FULLY_CONNECTED weights, which trained dense layers have (their rows'
  // scales differ); TfliteWriter.Armnn* cover dense layers on models whose rows share one scale.
  bool per_channel_fc = false;
  for (const auto& l : q.layers)
    if (l.op == ir::Op::FullyConnected)
      per_channel_fc |= std::any_of(l.weight_scales.begin(), l.weight_scales.end(), [&](float s) { return s != l.weight_scales[0]; });
  if (per_channel_fc) std::printf("[ export ] %s: per-channel dense weights; ArmNN 20.08 cannot run the whole file\n", ctx.block.c_str());
#ifdef MOTE_ARMNN_TFLITE_RUN
  // With per-channel dense weights, ArmNN runs the layers before the first dense one (the trained convs).
  quant::QModel prefix = q;
  if (per_channel_fc) {
    const auto fc = std::find_if(prefix.layers.begin(), prefix.layers.end(), [](auto& l) { return l.op == ir::Op::FullyConnected; });
    prefix.layers.erase(fc, prefix.layers.end());
    while (!prefix.layers.empty() && prefix.layers.back().op == ir::Op::Reshape) prefix.layers.pop_back();
  }
  if (!prefix.layers.empty()) {
    compile::save_tflite(prefix, dir / "prefix.tflite");
    const int worst = armnn_worst_lsb(prefix, dir / "prefix.tflite", inputs, dir, ctx.block + " (" +
                                      std::to_string(prefix.layers.size()) + " of " + std::to_string(q.layers.size()) + " layers)");
    // 1-LSB differences: ArmNN rounds in float; an average of 2 taps is an exact .5 tie half the time.
    EXPECT_LE(worst, per_channel_fc ? 1 : 2);
  }
  // --per-tensor-dense: the whole trained model runs on ArmNN.
  auto pt = run_mote("-C " + proj.string() + " export-model --format tflite --per-tensor-dense -o " + (dir / "pt.tflite").string());
  ASSERT_EQ(pt.exit_code, 0) << pt.err;
  const quant::QModel qpt = quant::quantize(ctx.model, ctx.calibration, quant::QuantizeOptions{true, quant::InputScaling::PerTensor});
  const auto pt_bytes = compile::write_tflite(qpt, "mote " MOTE_VERSION ": " + ctx.block);
  ASSERT_EQ(fs::file_size(dir / "pt.tflite"), pt_bytes.size());
  // Per layer ArmNN is within 1 LSB (TfliteWriter.ArmnnLayerByLayer); through a whole model the differences
  // compound, most in the softmax output (scale 1/256): measured up to 8 LSB (conv1d project) and 11 (the demo's
  // dense model since training starts from Glorot-uniform weights).
  EXPECT_LE(armnn_worst_lsb(qpt, dir / "pt.tflite", inputs, dir, ctx.block + " per-tensor dense, whole model"), 12);
#endif

  {
    std::ofstream in(dir / "in.f32", std::ios::binary);
    for (const auto& x : inputs) in.write(reinterpret_cast<const char*>(x.data()), x.size() * sizeof(float));
  }
  ASSERT_EQ(test::run_reference("onnx_eval.py", (dir / "m.onnx").string() + " " + (dir / "in.f32").string() + " " +
                                                    dir.path().string()),
            0);
  const auto j = json::parse(test::read_text(dir / "onnx_eval.json"));
  ASSERT_EQ(j["outputs"].size(), inputs.size());
  double err = 0;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const auto want = ir::run_float(ctx.model, inputs[k].data());
    const auto have = j["outputs"][k].get<std::vector<double>>();
    ASSERT_EQ(have.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) err = std::max(err, std::fabs(have[i] - want[i]));
  }
  std::printf("[ export ] %s: OpenCV vs run_float: max abs error %.3g\n", ctx.block.c_str(), err);
  EXPECT_LE(err, 1e-4);
}

}  // namespace

TEST(CliExportModel, DemoDenseAndConv1dProjects) {
  test::TempDir dir;
  const fs::path proj = dir / "demo";
  auto demo = run_mote("demo " + proj.string() + " --no-serve --no-profile --json");
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  check_project(proj, dir);
  // `mote deploy --format tflite|onnx` writes the same file into a folder.
  for (std::string f : {"tflite", "onnx"}) {
    auto e = run_mote("-C " + proj.string() + " export-model --format " + f + " -o " + (dir / ("m." + f)).string());
    ASSERT_EQ(e.exit_code, 0) << e.err;
    auto d = run_mote("-C " + proj.string() + " deploy --format " + f + " -o " + (dir / ("deploy-" + f)).string() + " --json");
    ASSERT_EQ(d.exit_code, 0) << d.err;
    auto r = json::parse(d.out);
    fs::path file = dir / ("deploy-" + f) / (r["block"].get<std::string>() + "." + f);
    ASSERT_TRUE(fs::exists(file)) << d.out;
    EXPECT_EQ(test::read_text(file), test::read_text(dir / ("m." + f))) << f;
    auto again = run_mote("-C " + proj.string() + " deploy --format " + f + " -o " + (dir / ("deploy-" + f)).string());
    EXPECT_NE(again.exit_code, 0);  // the folder is not empty any more
  }

  // The same recordings through raw windows (125 frames x 3 axes) into a conv1d classifier.
  auto spec = json::parse(test::read_text(proj / "mote.json"));
  spec["impulse"]["dsp"] = json::parse(R"([{"name": "raw", "type": "raw", "params": {}}])");
  spec["impulse"]["learn"] = json::parse(R"([{"name": "conv", "type": "classifier", "dsp": ["raw"], "params": {
      "epochs": 8, "layers": [{"type": "conv1d", "filters": 8, "kernel": 3}, {"type": "max_pool", "pool": 2},
      {"type": "conv1d", "filters": 8, "kernel": 3, "stride": 2, "activation": "relu6"},
      {"type": "avg_pool", "pool": 2}, {"type": "flatten"}]}}])");
  test::write_text(proj / "mote.json", spec.dump(2));
  auto train = run_mote("-C " + proj.string() + " train --json");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  test::TempDir dir2;
  check_project(proj, dir2);
}

TEST(CliExportModel, ErrorsNameWhatToDo) {
  test::TempDir dir;
  auto init = run_mote("init " + (dir / "p").string());
  ASSERT_EQ(init.exit_code, 0) << init.err;
  auto r = run_mote("-C " + (dir / "p").string() + " export-model --format onnx -o " + (dir / "m.onnx").string());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("mote"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "m.onnx"));
  auto bad = run_mote("-C " + (dir / "p").string() + " export-model --format keras -o x");
  EXPECT_NE(bad.exit_code, 0);
}
