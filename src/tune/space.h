// The tuner's search space: what a project's data allows (time series: window, stride, spectral / flatten /
// MFCC / MFE / spectrogram and their parameters; images: size and colour), crossed with network families
// (dense, conv1d, conv2d, separable) of several widths and depths and learning rates. Candidates are whole
// impulses (mote.json's "impulse" form), drawn with a seeded generator: the same seed, the same list.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "impulse/spec.h"

namespace mote::tune {

// What the data says about the space.
struct DataFacts {
  InputType type = InputType::TimeSeries;
  double frequency_hz = 0;       // the impulse's (resampled) rate
  double median_length_ms = 0;   // of the training samples
  double shortest_length_ms = 0;
  size_t axes = 0;
  bool regression = false;
};

// `n` candidates: the first is `base` (the project's impulse, or the suggestion) unchanged, then base at 2-4x its
// window (and a spectrum's base with each axis's statistics beside it) for a time series, the rest drawn
// from the space around it. Each keeps base's learning blocks' names, types and anomaly params; the neural
// block's `layers`, `learning_rate` and `epochs` are the candidate's.
std::vector<nlohmann::json> sample_candidates(const ImpulseSpec& base, const DataFacts& facts, size_t n, uint64_t seed);

// A short description of a candidate for tables: "spectral fft64 log | dense 32-16 | lr 0.001".
std::string describe(const nlohmann::json& impulse);

}  // namespace mote::tune
