#include "learn/block_net.h"

#include "core/error.h"
#include "learn/trees/block.h"
#include "quant/executor.h"

namespace mote::learn {

std::vector<float> BlockNet::run(const float* x) const {
  if (trees) return trees::predict_float(*trees, x);
  return fixed ? quant::run_quantized(*fixed, x) : ir::run_float(*f, x);
}

quant::QModel BlockNet::int8(const std::vector<std::vector<float>>& calibration, const quant::QuantizeOptions& opts) const {
  if (trees) throw Error("a tree block has no network to quantize; it runs its own int8 tables");
  if (fixed) return *fixed;
  if (calibration.empty()) throw Error("no training windows to calibrate int8 quantization with; import training data");
  return quant::quantize(*f, calibration, opts);
}

BlockNet block_net(const TrainedBlock& b) {
  if (trees::is_tree_type(b.type)) {
    BlockNet n;
    n.trees = trees::from_json(b.model.at("trees"), "learning block '" + b.name + "'.model.trees");
    n.labels = n.trees->labels;
    n.regression = n.trees->regression;
    return n;
  }
  if (b.type != "classifier" && b.type != "regression") throw error_at("learning block '" + b.name + "'", "is not a neural network");
  BlockNet n;
  if (b.model.contains("int8")) {
    n.fixed = quant::from_json(b.model["int8"]);
    n.labels = n.fixed->labels;
    n.regression = n.fixed->regression;
  } else {
    n.f = trained_ir(b);
    n.labels = n.f->labels;
    n.regression = n.f->regression;
  }
  return n;
}

}  // namespace mote::learn
