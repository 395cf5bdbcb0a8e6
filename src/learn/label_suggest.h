// Labelling help for unlabelled samples (label ""; e.g. imported from an info.labels entry "unlabeled"):
// a suggested label with a confidence, by the nearest labelled cluster or by the current classifier, for
// the studio's review-and-accept table and `mote samples suggest-labels`. Unlabelled samples are left out
// of training and testing until they carry a label.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "impulse/features.h"
#include "store/project.h"

namespace mote::learn {

// The table without the windows of unlabelled samples (what training and testing read).
FeatureTable labelled_rows(FeatureTable t);

// method "cluster": per label the centre of its labelled windows (standardized features, every category);
//   each window of a sample votes for its nearest centre, the sample takes the most voted label and the
//   share of its windows that voted for it as the confidence. Needs features of the current impulse, no model.
// method "model": the current classifier's per-sample prediction (mean of its windows' probabilities) and
//   that probability as the confidence.
// Returns {method, block?, suggestions: [{id, name, category, label, confidence, windows}]}, most confident
// first. Throws mote::Error naming what is missing (no labelled data, no trained classifier, bad method).
nlohmann::json suggest_labels(Project& p, const std::string& method);

}  // namespace mote::learn
