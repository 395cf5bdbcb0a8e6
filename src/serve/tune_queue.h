// The tuner's candidates spread over workers: a CandidateRunner (src/tune/search.h) that queues each task as a
// `tune-candidate` job in one batch per search, for any `mote worker` (or `mote serve`) on the store to claim,
// and collects their results as the jobs end. The searching process runs up to `slots` of its own candidates
// too (0: none), claimed like any worker's, so a search whose only worker is the one running it still ends.
#pragma once

#include <filesystem>
#include <string>

#include "serve/job_rows.h"
#include "tune/search.h"

namespace mote::serve {

// `batch`: this search's jobs (unique per search); jobs left in it by an earlier attempt are cancelled first.
tune::CandidateRunner queue_candidate_runner(const std::filesystem::path& project, const std::string& location,
                                             const std::string& batch, int slots, const LeasePolicy& lease);

}  // namespace mote::serve
