// A default impulse chosen from the project's data, as Edge Impulse's studio proposes one, with the reasons.
#pragma once

#include <string>
#include <vector>

#include "impulse/spec.h"
#include "store/store.h"

namespace mote {

struct Suggestion {
  ImpulseSpec spec;
  std::vector<std::string> why;  // one line per decision, shown by `mote impulse show`
};

// Looks at the training samples: images -> image block; one axis at >= 8 kHz -> MFCC (audio);
// other time series -> spectral analysis plus a k-means anomaly block. Always a classifier.
Suggestion suggest_impulse(Store& store);

}  // namespace mote
