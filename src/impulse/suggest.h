// A default impulse chosen from the project's data, as Edge Impulse's studio proposes one, with the reasons.
// It is the tuner's fast first guess: every choice follows from what the training samples show (rates,
// lengths, image sizes and colour, samples per label, the labels themselves); docs/impulse.md lists the rules.
#pragma once

#include <string>
#include <vector>

#include "impulse/spec.h"
#include "store/store.h"

namespace mote {

struct Suggestion {
  ImpulseSpec spec;
  std::vector<std::string> why;  // one line per decision, shown by `mote impulse show` and GET /api/impulse
};

// Looks at the training samples (and which labels the testing set adds):
//   images -> image block at a size that never upscales, grayscale when the pixels are;
//   one axis of audio (a WAV, or a standard audio rate) -> MFCC for short clips (speech), MFE for longer sound;
//   other time series -> windows that fit the recordings, a stride that gives every label enough windows,
//   raw + 1-D conv for one-event recordings, spectral analysis (FFT and filter from the rate) otherwise;
//   a network sized by classes, features and windows per label; regression when every label is a number;
//   k-means anomaly detection beside it (alone when there is one label).
Suggestion suggest_impulse(Store& store);

// The network an image classifier starts from (suggested, and the default when layers are left out): conv 3x3 +
// max pool stages, widths 8, 16, 32, while the map is at least 8 px (at most 3), then one average per channel,
// dropout `dropout` (0: none) and dense 16.
nlohmann::json image_network_layers(size_t side, double dropout);

}  // namespace mote
