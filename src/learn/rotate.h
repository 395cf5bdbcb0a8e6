// Rotation augmentation for motion data: random 3-D rotations of the raw (x, y, z) axis triples of training
// samples, run through the impulse's DSP blocks into extra training windows, so a classifier sees gestures
// made with the device held another way. Torch-free: it works on samples and features, before training.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "impulse/features.h"
#include "store/sample.h"
#include "store/store.h"

namespace mote::learn {

// A uniformly random axis and an angle uniform in [-max_degrees, max_degrees], as a row-major 3x3 rotation
// matrix (Rodrigues). `state` is a splitmix64 counter: the same state gives the same rotations everywhere.
void random_rotation(uint64_t& state, double max_degrees, double r[9]);

// Rotates every triple of axes (axes[0..2], axes[3..5], ...) of a time series by r: v' = r v per frame.
// All triples get the same rotation (accelerometer and gyroscope on one rigid board turn together).
void rotate_axes(Sample& s, const std::vector<size_t>& axes, const double r[9]);

// The sample axes the impulse's input reads, which must come in triples; throws mote::Error naming `where`.
std::vector<size_t> rotation_axes(const Sample& s, const Impulse& impulse, const std::string& where);

// `copies` rotated versions of every listed training sample, featurized with the impulse: rows keep their
// sample's id and label. Deterministic for a seed.
FeatureTable rotated_features(Store& store, const Impulse& impulse, const std::vector<int64_t>& sample_ids, double max_degrees,
                              int copies, uint64_t seed, const std::string& where);

}  // namespace mote::learn
