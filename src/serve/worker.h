// `mote worker`: a process that claims jobs from a project's store (job_rows.h) and runs them one at a time,
// on this machine or any other that reaches the store. While a job runs, a second thread extends its lease and
// writes its log and progress back; the job's end is recorded only while the lease is still held. A stop
// (SIGTERM, SIGINT) cancels the running job and gives it back to the queue for another worker.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "serve/job_rows.h"

namespace mote::serve {

struct WorkerOptions {
  std::filesystem::path project;   // the project folder (mote.json; its store, or the process's --db)
  // With a store (--db) and no mote.json in `project`: `project` is a folder of this worker's own, whose
  // mote.json is written from the store's published copy before each job (publish_project_config).
  std::string store;
  std::vector<std::string> kinds;  // kinds to run; empty: every kind (job_kinds())
  std::string batch;               // only this batch's jobs; "" = any
  bool once = false;               // one job (or none), then return
  LeasePolicy lease;
  std::chrono::milliseconds poll{500};  // between looks at an empty queue
  std::function<void(const std::string&)> echo;  // one line per job event (null: silent)
};

struct WorkerStats {
  size_t done = 0, failed = 0, cancelled = 0, released = 0, lost = 0;
  size_t jobs() const { return done + failed + cancelled + released + lost; }
};

// Runs jobs until `stop` turns true (or after one job with once). Throws mote::Error when the project or its
// store cannot be opened, or a kind in o.kinds is unknown.
WorkerStats run_worker(const WorkerOptions& o, const std::atomic<bool>& stop);

enum class JobOutcome { Done, Failed, Cancelled, Released, Lost };

// Runs one claimed job of a known kind with heartbeats (its own connection to `location`) and records its end:
// what a worker does with each job, and the tuner's own slot (tune_queue.cpp). `stop` releases the job.
JobOutcome run_claimed_job(const std::filesystem::path& project, const std::string& location, sql::Db& db,
                           const ClaimedJob& job, const std::string& owner, const LeasePolicy& lease,
                           const std::atomic<bool>& stop, const std::function<void(const std::string&)>& echo);

// Every kind's name, checked: throws mote::Error naming the unknown one and the known ones.
std::vector<std::string> checked_kinds(const std::vector<std::string>& kinds);

}  // namespace mote::serve
