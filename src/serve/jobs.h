// The job queue: long work (features, train, test, deploy, profile, tune) runs on worker threads, one per
// core, with its state, progress and log kept in the store's `jobs` table so it survives the server. The
// threads claim jobs under leases (job_rows.h), so `mote worker` processes on other machines share the queue.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/project.h"

namespace mote::serve {

struct LeasePolicy {
  int64_t lease_ms = 30000;  // a claim or heartbeat holds the job this long (heartbeats every third of it)
  int max_attempts = 3;      // a job whose lease expired this many times fails instead of being claimed again
};

enum class JobState { Queued, Running, Done, Failed, Cancelled };
const char* job_state_name(JobState s);
// "done" -> Done; nullopt for a name that is no state.
std::optional<JobState> parse_job_state(const std::string& s);
bool job_state_final(JobState s);

struct JobInfo {
  int64_t id = 0;
  std::string kind;
  JobState state = JobState::Queued;
  double progress = 0;
  std::string log;
  nlohmann::json params, result;  // result: null until done
  std::string error, created_at, started_at, finished_at;
  nlohmann::json to_json(bool with_log = true) const;
};

// Thrown by JobContext::check_cancelled(); the worker records the job as cancelled.
struct JobCancelled {};

// What a running job sees: its project (opened for it), parameters, and the log/progress/cancel hooks.
class JobContext {
 public:
  virtual ~JobContext() = default;
  virtual Project& project() = 0;
  virtual const nlohmann::json& params() const = 0;
  virtual void log(const std::string& line) = 0;
  virtual void progress(double fraction) = 0;  // 0..1
  virtual bool cancelled() const = 0;
  // Work calls this between steps: cancellation is cooperative.
  void check_cancelled() const {
    if (cancelled()) throw JobCancelled{};
  }
};

// A job kind: its name in POST /api/jobs {"kind": ...} and the function that does the work. The function
// returns the job's result (JSON) or throws mote::Error; it runs on a worker thread.
using JobFn = nlohmann::json (*)(JobContext& ctx);
struct JobKind {
  const char* name;
  const char* what;
  JobFn run;
};

// Every built-in kind, in one list (job_kinds.cpp).
const std::vector<JobKind>& job_kinds();

// One event of a job as a subscriber (SSE) sees it.
struct JobEvent {
  enum Type { Log, Progress, State } type;
  std::string line;  // Log
  double progress = 0;
  JobState state = JobState::Queued;
  size_t index = 0;  // Log: line number, for the SSE id
};

class JobQueue {
 public:
  // Marks jobs left `running` by a previous server as failed, then starts `workers` threads (0 = one per core).
  // `extra` adds kinds beside the built-in ones (tests).
  JobQueue(std::filesystem::path project_dir, unsigned workers, std::vector<JobKind> extra = {});
  ~JobQueue();  // stops: running jobs are asked to cancel and recorded as failed ("server stopped")
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  // Queues a job; throws mote::Error for an unknown kind (the message lists the kinds).
  int64_t submit(const std::string& kind, const nlohmann::json& params);
  std::optional<JobInfo> get(int64_t id);
  // Newest first; kind and state filter when given.
  std::vector<JobInfo> list(int64_t limit, const std::string& kind = "", std::optional<JobState> state = std::nullopt);
  // Cancels a queued job at once, asks a running one to stop; returns false when the job is unknown.
  bool cancel(int64_t id);
  std::vector<std::string> kind_names() const;
  unsigned workers() const { return static_cast<unsigned>(threads_.size()) - 1; }  // minus the flusher

  // Events of job `id` after `*next_line` log lines were seen; waits up to `wait` for new ones.
  // Returns false when the job is unknown. A final State event ends the stream.
  bool poll_events(int64_t id, size_t* next_line, double* last_progress, std::vector<JobEvent>* out,
                   std::chrono::milliseconds wait);

  bool stopping() const { return stopping_; }

 private:
  struct Live;
  class Context;
  void work_loop();
  void fail_orphaned_jobs();
  std::shared_ptr<Live> claim(Store& store);
  void run(const std::shared_ptr<Live>& live, Store& book);
  const JobKind* find_kind(const std::string& name) const;

  std::filesystem::path dir_;
  std::string owner_;  // this server's name on the leases it holds
  LeasePolicy lease_;
  std::vector<JobKind> kinds_;
  std::unique_ptr<Project> project_;  // submit/get/list/cancel, under mutex_
  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<int64_t, std::shared_ptr<Live>> live_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

}  // namespace mote::serve
