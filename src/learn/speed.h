// Speed perturbation for time series (audio above all): every training sample replayed faster and slower, tempo
// and pitch together as another speaker would say it, through the impulse's DSP blocks into extra training
// windows. Torch-free: it works on samples and features, before training.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "impulse/features.h"
#include "store/sample.h"
#include "store/store.h"

namespace mote::learn {

// Replays `s` `factor` times faster: the same values over interval_ms / factor, so that the impulse's resampler
// (linear, as on the host) stretches them to its rate. factor > 1: shorter and higher; < 1: longer and lower.
void change_speed(Sample& s, double factor);

// Two copies of every listed training sample, at 1 - speed and 1 + speed, featurized with the impulse: rows keep
// their sample's id and label. Throws mote::Error naming `where` for an image impulse.
FeatureTable speed_features(Store& store, const Impulse& impulse, const std::vector<int64_t>& sample_ids, double speed,
                            const std::string& where);

}  // namespace mote::learn
