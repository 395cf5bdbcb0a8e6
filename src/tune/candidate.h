// One tuner candidate, trained and scored: the neural block trained for `epochs` on the training set with
// whole groups (a speaker, a volunteer: --group-by) or whole samples held out for validation, quantized to
// int8 on the training windows and scored on the held-out windows through the int8 executor. A finalist is
// also trained in full with its anomaly block and profiled on the emulated device (QEMU). Runs in its own
// process (`mote tune-candidate`): libtorch's random generator is global, so two trainings in one process
// would not be reproducible.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "impulse/features.h"
#include "store/project.h"

namespace mote::tune {

struct CandidateOptions {
  int epochs = 0;            // 0: the block's own
  uint64_t seed = 1;
  std::string group_by;      // regex over sample names; its first capture group (or the match) is the group
  std::string metric = "accuracy";  // accuracy | f1 (classifier); regression scores -RMSE
  int folds = 4;             // k-fold split of whole samples (groups); fold 0 is held out
  bool all_folds = false;    // train once per fold and score every training sample (the last rung)
  bool profile = false;      // finalist: also train the anomaly blocks and profile the impulse on QEMU
  std::string target = "cortex-m4";
  size_t max_windows = 20000;  // the search trains on at most this many windows (evenly thinned per sample)
};

// At most `max_windows` rows of `t`, thinned evenly within each sample (at least one window per sample), so
// that heavily overlapping windows (a 1 ms stride over hours of vibration) do not make every candidate slow.
FeatureTable thin_windows(const FeatureTable& t, size_t max_windows);

// {score, accuracy, f1 | rmse, train_windows, validation_windows, groups, epochs_run, best_epoch, seconds,
//  profile: the measured report (RAM, flash, instructions) when o.profile}. Throws mote::Error when the
// candidate cannot be built or trained (the search records it as failed).
nlohmann::json evaluate_candidate(Project& p, const nlohmann::json& impulse, const CandidateOptions& o);

// The group of every training sample by id: the regex's first capture group over its name (the whole match
// without one), or the sample itself when `group_by` is empty. Throws mote::Error naming --group-by when the
// regex is invalid or matches no sample.
std::map<int64_t, std::string> sample_groups(Project& p, const std::string& group_by);

}  // namespace mote::tune
