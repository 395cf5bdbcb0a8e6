// Neural-network training behind a narrow, torch-free interface: features in, a float ir::Model and its
// training curves out. libtorch is confined to network.cpp; nothing here names a torch type.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ir/model.h"

namespace mote::blocks {
struct BlockSchema;
}

namespace mote::learn {

// One layer of the network as the user writes it, resolved against its input shape.
struct NetLayer {
  enum Kind { Dense, Conv, SepConv, MaxPool, AvgPool, Flatten, Dropout };
  Kind kind = Dense;
  int units = 0;  // Dense: outputs; Conv/SepConv: output channels
  int kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1;
  ir::Padding padding = ir::Padding::Valid;
  ir::Activation activation = ir::Activation::None;  // applied after batch norm
  bool batch_norm = false;                           // folded into the layer on export
  double rate = 0;                                   // Dropout
  ir::Shape in, out;
};

struct Augment {
  double noise = 0;  // gaussian noise, sigma = noise x each feature's standard deviation over training
  double scale = 0;  // multiply each example by U(1 - scale, 1 + scale)
  int shift = 0;     // move along w (time / image x), and h for images, by up to +-shift, zero filled
  double warp = 0;   // stretch the channel axis (mel bands: another voice's formants) by U(1 - warp, 1 + warp)
  double stretch = 0;  // stretch w (time: another speaking rate) about its centre by U(1 - stretch, 1 + stretch)
  bool flip = false; // mirror along w (images)
  double rotate = 0;      // time series: random 3-D rotations of the raw axis triples, up to this many degrees
  double speed = 0;       // time series: two extra copies of each training sample replayed at 1 -+ speed
  int rotate_copies = 4;  // rotated copies of each training sample (extra windows, made before training)
  bool any() const { return noise > 0 || scale > 0 || shift > 0 || warp > 0 || stretch > 0 || flip; }  // the per-batch tensor augmentations
};

// Everything that decides a network and its training; parse_network_config fills the defaults.
struct NetworkConfig {
  ir::Shape input;               // HWC as the layers see it
  std::vector<NetLayer> layers;  // hidden layers; the output layer is appended by training
  int outputs = 1;               // classes, or 1 for regression
  bool regression = false;
  int epochs = 30;
  double learning_rate = 0.0005;
  int batch_size = 32;
  double validation = 0.2;  // fraction of training samples (stratified, by sample) held out
  int folds = 0, fold = 0;  // folds > 1: leave fold `fold` of a stratified k-fold split out entirely (the tuner)
  int patience = 10;        // early stopping: epochs without a better validation loss; 0 = off
  bool class_weights = false;
  Augment augment;
  uint64_t seed = 1;
  int threads = 1;            // 1 keeps runs bit-identical
  bool normalize = true;      // standardize inputs (folded into the first layer on export)
  std::string int8_input = "auto";  // quant::InputScaling of the int8 model: auto, per-tensor or per-channel
  nlohmann::json resolved;    // the params with every default filled in, for mote.json and reports
};

// What a learning block reads: `shape` of one DSP block's output (e.g. {frames, coefficients}) or the
// flat width of several; `kind` hints the default model: "spectral", "audio", "image" or "other".
struct InputInfo {
  std::vector<size_t> shape;
  std::string kind = "other";
};

// Parses a classifier/regression block's params (errors name `where`.params.<field>); defaults per input
// kind: spectral -> dense 20, 10; audio (MFCC/MFE) -> conv1d stack; image -> small conv2d.
// The network blocks' parameter schema (classifier, regression): one table, read by parse_network_config.
const blocks::BlockSchema& network_schema(bool regression);
NetworkConfig parse_network_config(const nlohmann::json& params, const InputInfo& input, int outputs, bool regression,
                                   const std::string& where);

struct Dataset {
  ir::Shape shape;               // of one example (HWC)
  std::vector<float> x;          // n x shape.size(), HWC per example
  std::vector<int> y;            // class index per example (classifier)
  std::vector<float> target;     // value per example (regression)
  std::vector<int64_t> group;    // sample id per example: windows of one sample stay on one side of the split
  std::vector<bool> synthetic;   // augmented copies (rotate): trained on, never validated on; empty = none
  size_t size() const { return group.size(); }
};

struct EpochStats {
  int epoch = 0;
  double loss = 0, accuracy = 0;          // training (accuracy: classifier; regression: RMSE)
  double val_loss = 0, val_accuracy = 0;  // validation; NaN when there is none
};

struct TrainResult {
  ir::Model model;                // float, batch norm folded, dropout removed; softmax last for classifiers
  std::vector<EpochStats> curve;  // one entry per epoch run
  int best_epoch = 0;             // the weights kept (lowest validation loss)
  bool stopped_early = false;
  size_t train_examples = 0, val_examples = 0;
  double export_error = 0;  // max |torch - ir::run_float| over validation examples (sanity check)
};

// Which examples are validation: per label (or per target bin), round(fraction x samples) whole samples,
// chosen by a seeded shuffle. Deterministic for a given seed.
std::vector<bool> validation_split(const Dataset& d, double fraction, uint64_t seed, bool regression);

// Which examples are in fold `fold` of `folds`: whole samples (groups), dealt out per label (or target bin)
// after a seeded shuffle, so that every sample is in exactly one fold and each fold holds every label it can.
std::vector<bool> fold_split(const Dataset& d, int folds, int fold, uint64_t seed, bool regression);

// Trains with Adam; `on_epoch` sees every epoch as it ends. Throws mote::Error on bad data.
TrainResult train_network(const Dataset& d, const NetworkConfig& cfg,
                          const std::function<void(const EpochStats&)>& on_epoch = {});

// For tests: builds cfg's network with random weights and random batch-norm statistics and input
// normalization, exports it, and returns the max |torch forward - ir::run_float| over `examples` random
// inputs, for both the logits (or regression output) and the softmax probabilities.
double export_parity(const NetworkConfig& cfg, int examples, uint64_t seed);

}  // namespace mote::learn
