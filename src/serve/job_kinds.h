// The work behind each job kind, one function per kind (each in its own job_<kind>.cpp).
#pragma once

#include <filesystem>

#include "serve/jobs.h"

namespace mote::serve {

// Generates (and caches) the features of every sample in chunks, then the 2-D PCA projection.
nlohmann::json run_features_job(JobContext& ctx);
// Trains every learning block of the impulse (learn::train_impulse), one log line per epoch.
nlohmann::json run_train_job(JobContext& ctx);
// Evaluates the current models on the testing set (learn::test_impulse).
nlohmann::json run_test_job(JobContext& ctx);
// The stored models (newest per block) without weights: block, type, created_at, metrics.
nlohmann::json trained_models_json(Project& p);
// Runs `mote deploy --format params.format` into out/deploy/<format> (job_deploy.cpp).
nlohmann::json run_deploy_job(JobContext& ctx);
// Runs `mote profile --target cortex-m4` (params.windows, default 8) (job_profile.cpp).
nlohmann::json run_profile_job(JobContext& ctx);
// Runs `mote tune` as a child process, its lines into the log (job_tune.cpp); result {run}.
nlohmann::json run_tune_job(JobContext& ctx);
// One tuner candidate (params {impulse, args}): `mote tune-candidate` in a child process that dies with its
// worker; result: the candidate's JSON, or {error} when it failed (job_tune_candidate.cpp, tune_queue.h).
nlohmann::json run_tune_candidate_job(JobContext& ctx);
// The mote binary to run children with: this process when it is mote, else one beside it (tests).
std::filesystem::path mote_binary();

}  // namespace mote::serve
