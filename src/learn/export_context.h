// What `mote export-model` (later `mote deploy --format tflite|onnx`) exports from a project: a trained
// neural block's IR and its calibration inputs (training features), for src/deploy/model_formats.h.
#pragma once

#include <string>

#include "deploy/model_formats.h"
#include "store/project.h"

namespace mote::learn {

// At most this many training windows calibrate the int8 ranges, evenly spread over the training set.
constexpr size_t kMaxCalibrationWindows = 2000;

// The named classifier/regression block (empty: the impulse's first one), trained on the current impulse;
// throws mote::Error saying to train or naming the block when there is none. ctx.out is left empty.
deploy::ModelDeployContext model_deploy_context(Project& p, const std::string& block, bool quiet);

}  // namespace mote::learn
