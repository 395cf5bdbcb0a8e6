// A trained project's impulse ready for a device: the DSP blocks (host adapters), the classifier quantized
// to int8 on the training features, the anomaly model; its host int8 results per window (what the device
// must reproduce bit for bit); and the generated device glue (mote::kImpulse) beside the generated model.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compile/codegen.h"
#include "impulse/features.h"
#include "learn/anomaly.h"
#include "learn/pipeline.h"
#include "learn/trees/ensemble.h"
#include "quant/quantize.h"
#include "store/project.h"

namespace mote::deploy {

struct DeployableImpulse {
  std::unique_ptr<Impulse> impulse;
  bool has_nn = false, has_anomaly = false;
  std::string nn_block, anomaly_block;
  quant::QModel q;                 // classifier, quantized on the training windows' features
  std::optional<learn::trees::Ensemble> trees;        // or a tree block (random_forest, gradient_boosting) as the "nn"
  std::optional<learn::trees::Tables> tree_tables;    // its int8 tables (what the host runs)
  std::string tree_form = "auto";                     // params.device_form: auto, tables or if-else
  bool regression() const { return trees ? trees->regression : q.regression; }
  learn::BlockColumns nn_cols, anomaly_cols;
  learn::AnomalyModel anomaly;     // k-means only (GMM has no device glue yet)
  std::vector<std::string> labels; // one per classifier output
};

// Loads the project's impulse and current models; throws mote::Error saying what to run or change
// (no models: `mote train`; more than one classifier or anomaly block, a GMM, or an undeployable DSP block).
DeployableImpulse load_deployable(Project& p);
// The same for an impulse and its trained blocks given directly (a tuner candidate; the project gives the
// axes and the training windows that calibrate int8).
DeployableImpulse make_deployable(Project& p, const ImpulseSpec& spec, const std::vector<learn::TrainedBlock>& models);

// The host's results for one window, through the same runtime sources the device compiles.
struct WindowResult {
  std::vector<float> features;       // every DSP block, concatenated
  std::vector<int8_t> nn_output;     // classifier int8 outputs
  std::vector<float> classification; // dequantized
  float anomaly = 0;
  size_t tree_comparisons = 0;       // a tree model: the decision nodes its walks compared
};
WindowResult run_host(const DeployableImpulse& d, const float* window);

// One window as the device takes it: frames x axes floats, frame-major. An image impulse's is one frame at
// its width x height, channels of its colour, pixels 0..255 (the camera driver resizes; docs/deploy.md).
struct DeviceWindow {
  size_t frames = 0, axes = 0;
  size_t values() const { return frames * axes; }
};
DeviceWindow device_window(const Impulse& imp);

// Up to n windows of the testing set (the first window of each sample, then the next, ...), frame-major.
struct TestWindows {
  size_t count = 0, values = 0;      // values per window = frames x axes
  std::vector<float> data;
  std::vector<std::string> labels;   // each window's sample label
};
TestWindows testing_windows(Project& p, const DeployableImpulse& d, size_t n);

// The generated device sources, by file name: mote_model.{h,cpp} (compile::generate_cpp) and
// mote_impulse.cpp (the DSP configs and tables, input quantization, anomaly model, labels, kImpulse).
struct GeneratedImpulse {
  std::map<std::string, std::string> files;
  std::vector<std::string> runtime_folders;  // the runtime subset it needs, e.g. "dsp/", "nn/"
  std::string hash;                          // of the whole impulse, in every banner
  size_t nn_arena_bytes = 0, nn_const_bytes = 0, glue_ram_bytes = 0;
  std::string tree_form;                     // a tree model's device form: "tables" or "if-else"
  size_t tree_tables_estimate = 0, tree_if_else_estimate = 0;  // flash estimates of both forms (bytes)
};
GeneratedImpulse generate_impulse(const DeployableImpulse& d);

// A C++ float array initializer body (exact literals), for embedded test data.
std::string float_list(const float* v, size_t n);

}  // namespace mote::deploy
