// A classifier/regression block's network as testing, classification, continuous mode and deployment run it:
// the float IR (trained by mote, or an imported float model), quantized on the training windows when int8 is
// wanted; or an imported int8 model kept exactly as its file has it (its "float" output is then the int8
// model's, dequantized: there is no float model to run).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "learn/pipeline.h"
#include "quant/quantize.h"

namespace mote::learn {

struct BlockNet {
  std::optional<ir::Model> f;         // trained, or imported float32
  std::optional<quant::QModel> fixed;  // imported int8 (or float quantized at import on the user's calibration)
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
