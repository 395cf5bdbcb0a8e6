// The work behind each job kind, one function per kind (each in its own job_<kind>.cpp).
#pragma once

#include "serve/jobs.h"

namespace mote::serve {

// Generates (and caches) the features of every sample in chunks, then the 2-D PCA projection.
nlohmann::json run_features_job(JobContext& ctx);
// Runs `mote deploy --format params.format` into out/deploy/<format> (job_deploy.cpp).
nlohmann::json run_deploy_job(JobContext& ctx);

}  // namespace mote::serve
