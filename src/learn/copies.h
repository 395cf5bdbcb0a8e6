// Augmentation by changed copies of training samples (rotation, speed): what they share.
#pragma once

#include "impulse/features.h"
#include "store/sample.h"

namespace mote::learn {

// Featurizes `copy` with the impulse and appends its windows to `out` under the original's id and label, so that
// a copy stays on its original's side of the validation split.
void append_copy_features(FeatureTable& out, const Sample& original, const Sample& copy, const Impulse& impulse);

}  // namespace mote::learn
