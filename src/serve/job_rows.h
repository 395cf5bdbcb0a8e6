// The jobs table as a queue many processes share (mote serve's threads, `mote worker` on any machine): a job
// is claimed under a lease, a deadline in the store's clock that its holder extends (heartbeat) while it
// works. A holder that dies stops extending it; once it expires any claimer takes the job again (attempts + 1).
// Every end of a job (done, failed, released) is one statement fenced by the lease (holder and attempt), so a
// holder that lost its lease changes nothing: a retried job's result is written once.
// Claims: PostgreSQL `FOR UPDATE SKIP LOCKED` (claimers never wait for each other), SQLite an immediate
// transaction (its one writer at a time).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "serve/jobs.h"
#include "store/sql.h"

namespace mote::serve {

// Who holds a lease: "ROLE@HOST:PID", unique per process.
std::string lease_owner(const std::string& role);

// The store's clock in milliseconds since the epoch (SQLite spelling; the dialect translates it).
extern const char* const kStoreNowMs;
// The wall clock as the jobs table stores it (UTC, milliseconds): 2026-12-07T21:13:30.123Z.
std::string now_iso8601();

// Queues a job; returns its id. `batch` groups jobs (a tuner run's candidates) for claim filters.
int64_t enqueue_job(sql::Db& db, const std::string& kind, const nlohmann::json& params, const std::string& batch = "");

struct ClaimFilter {
  std::vector<std::string> kinds;  // the kinds the claimer can run (never empty)
  std::string batch;               // "" = any batch
};

struct ClaimedJob {
  int64_t id = 0;
  std::string kind;
  nlohmann::json params;
  int attempt = 0;  // 1 on the first claim; fences this claim's writes
};

// Takes the oldest queued job, or a running one whose lease expired, for `owner`; fails (once) jobs whose
// lease expired `max_attempts` times. nullopt when there is nothing to do.
std::optional<ClaimedJob> claim_job(sql::Db& db, const std::string& owner, const ClaimFilter& f, const LeasePolicy& p);

struct Heartbeat {
  bool held = false;    // false: the lease was lost (expired and taken, or the job was ended elsewhere)
  bool cancel = false;  // someone asked to cancel the job
};
// Extends the lease; stores the log (when given) and progress with it.
Heartbeat heartbeat_job(sql::Db& db, const ClaimedJob& j, const std::string& owner, const LeasePolicy& p,
                        const std::string* log, double progress);

// Records the job's end (done, failed or cancelled) with its result, in one statement, only while `owner`
// holds this claim's lease; false when it was lost (nothing is written).
bool finish_job(sql::Db& db, const ClaimedJob& j, const std::string& owner, JobState state, const nlohmann::json& result,
                const std::string& error, const std::string& log, double progress);

// Gives the job back (the worker stops): queued again, this attempt not counted. False when the lease was lost.
bool release_job(sql::Db& db, const ClaimedJob& j, const std::string& owner, const std::string& log);

// The project's mote.json (its impulse and settings, without "store") kept in the store's settings, so a
// `mote worker --db URL` on a machine without the project folder runs jobs with it. Written when jobs are
// queued (JobQueue::submit, mote tune --distribute); read by the worker before each job.
void publish_project_config(sql::Db& db, const nlohmann::json& config);
std::optional<nlohmann::json> published_project_config(sql::Db& db);

// Asks for a job to be cancelled wherever it runs: a queued one is cancelled at once, a running one's holder
// sees it at its next heartbeat. False when the job is unknown.
bool request_cancel(sql::Db& db, int64_t id);

}  // namespace mote::serve
