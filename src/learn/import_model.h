// `mote model import FILE`: a model trained elsewhere (.tflite int8 or float32, .onnx float32) becomes the
// trained model of one of the impulse's classifier/regression blocks, as if `mote train` had made it: test,
// classify, continuous mode, deploy and profile then run it. The block is marked `params.imported` (the file's
// name) so that `mote train` keeps it rather than training over it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "learn/pipeline.h"

namespace mote::learn {

struct ImportOptions {
  std::string block;                   // the learning block to fill; empty: the impulse's only neural block
  std::filesystem::path calibration;   // float model: quantize now on these inputs (.npy or a folder of them);
                                       // empty: keep it float, quantized on the training windows as a trained one
  std::vector<std::string> labels;     // classifier outputs in order; empty: the training set's labels, sorted
};

// Reads, checks against the block (input size = the block's features, outputs = labels) and stores the model;
// marks the block imported in mote.json. Throws mote::Error naming the file or the option; nothing is written
// on failure.
TrainedBlock import_model(Project& p, const std::filesystem::path& file, const ImportOptions& o);
// The same from an upload: `name` is the file's name (its extension gives the format), `bytes` its contents.
TrainedBlock import_model(Project& p, const std::string& name, const std::string& bytes, const ImportOptions& o);

// The params.imported mark of a learning block ("" when it is trained by mote).
std::string imported_file(const BlockSpec& b);

}  // namespace mote::learn
