// The tree blocks (random_forest, gradient_boosting) inside the project pipeline: training over the
// block's feature rows as `mote train` does, and what a trained block predicts. The trees themselves are
// src/learn/trees; this is the thin adapter between them and the store's TrainedBlock.
#pragma once

#include <string>

#include "learn/pipeline.h"

namespace mote::learn {

// "classifier", "regression" or the anomaly type: what a block predicts. Tree blocks by their task
// (params.task for a spec, the stored model's task once trained); neural and anomaly blocks by their type.
std::string block_role(const BlockSpec& b);
std::string block_role(const TrainedBlock& b);

// Trains a tree block on `rows` of the feature table; prints one summary line unless quiet.
TrainedBlock train_tree_block(const BlockSpec& b, const BlockColumns& cols, const FeatureTable& t, const std::vector<size_t>& rows,
                              bool quiet);

}  // namespace mote::learn
