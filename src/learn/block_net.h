// A classifier/regression block's network as testing, classification, continuous mode and deployment run it:
// the float IR (trained by mote, or an imported float model), quantized on the training windows when int8 is
// wanted; a tree ensemble (float model, and its int8 tables through runtime/trees); or an imported int8 model kept exactly as its file has it (its "float" output is then the int8
// model's, dequantized: there is no float model to run).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "learn/pipeline.h"
#include "learn/trees/ensemble.h"
#include "quant/quantize.h"

namespace mote::learn {

struct BlockNet {
  std::optional<ir::Model> f;         // trained, or imported float32
  std::optional<quant::QModel> fixed;  // imported int8 (or float quantized at import on the user's calibration)
  std::optional<trees::Ensemble> trees;  // a random_forest / gradient_boosting block (its own int8 form, no QModel)
  std::vector<std::string> labels;    // one per output
  bool regression = false;

  size_t outputs() const { return labels.size(); }
  // One forward pass on the block's input features.
  std::vector<float> run(const float* x) const;
  // The int8 model: the fixed one, or the float IR quantized on `calibration` with `opts`.
  quant::QModel int8(const std::vector<std::vector<float>>& calibration, const quant::QuantizeOptions& opts) const;
};

BlockNet block_net(const TrainedBlock& b);

}  // namespace mote::learn
