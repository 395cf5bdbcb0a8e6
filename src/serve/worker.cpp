#include "serve/worker.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "core/files.h"

using nlohmann::json;
namespace fs = std::filesystem;

namespace mote::serve {

namespace {

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (auto& l : lines) out += l + "\n";
  return out;
}

// The running job's view: its project, params, and a log/progress the heartbeat thread writes back.
class WorkerContext : public JobContext {
 public:
  WorkerContext(Project& p, const json& params, const std::string& old_log, const std::atomic<bool>& stop)
      : p_(p), params_(params), stop_(stop) {
    size_t start = 0;
    while (start < old_log.size()) {  // a retried job keeps the log of its earlier attempts
      size_t nl = old_log.find('\n', start);
      if (nl == std::string::npos) nl = old_log.size();
      lines_.push_back(old_log.substr(start, nl - start));
      start = nl + 1;
    }
  }
  Project& project() override { return p_; }
  const json& params() const override { return params_; }
  void log(const std::string& text) override {
    std::lock_guard<std::mutex> lk(m_);
    size_t start = 0;
    while (start < text.size() && lines_.size() <= 20000) {
      size_t nl = text.find('\n', start);
      if (nl == std::string::npos) nl = text.size();
      std::string l = text.substr(start, nl - start);
      lines_.push_back(l.size() > 4096 ? l.substr(0, 4096) + "..." : l);
      if (lines_.size() > 20000) lines_.back() = "(log truncated: more than 20000 lines)";
      start = nl + 1;
    }
    dirty_ = true;
  }
  void progress(double f) override {
    std::lock_guard<std::mutex> lk(m_);
    progress_ = std::min(1.0, std::max(progress_, f));
    dirty_ = true;
  }
  bool cancelled() const override { return cancel_ || lost_ || stop_; }

  bool dirty() {
    std::lock_guard<std::mutex> lk(m_);
    return dirty_;
  }
  // For the heartbeat: the log when it changed since the last call, and the progress.
  bool take(std::string* log, double* progress) {
    std::lock_guard<std::mutex> lk(m_);
    *progress = progress_;
    if (!dirty_) return false;
    dirty_ = false;
    *log = join_lines(lines_);
    return true;
  }
  std::string all_lines(double* progress) {
    std::lock_guard<std::mutex> lk(m_);
    *progress = progress_;
    return join_lines(lines_);
  }
  std::atomic<bool> cancel_{false}, lost_{false};

 private:
  Project& p_;
  const json& params_;
  const std::atomic<bool>& stop_;
  std::mutex m_;
  std::vector<std::string> lines_;
  double progress_ = 0;
  bool dirty_ = true;
};

const JobKind* find_kind(const std::string& name) {
  for (auto& k : job_kinds())
    if (name == k.name) return &k;
  return nullptr;
}

std::string stored_log(sql::Db& db, int64_t id) {
  sql::Stmt st(db, "SELECT log FROM jobs WHERE id = ?");
  st.bind(1, id);
  return st.step() ? st.text(0) : std::string();
}

}  // namespace

std::vector<std::string> checked_kinds(const std::vector<std::string>& kinds) {
  std::vector<std::string> all;
  for (auto& k : job_kinds()) all.push_back(k.name);
  if (kinds.empty()) return all;
  for (auto& k : kinds)
    if (std::find(all.begin(), all.end(), k) == all.end()) {
      std::string names;
      for (auto& n : all) names += (names.empty() ? "" : ", ") + n;
      throw error_at("--kinds " + k, "not a job kind; known kinds: " + names);
    }
  return kinds;
}

JobOutcome run_claimed_job(const fs::path& project, const std::string& location, sql::Db& db, const ClaimedJob& job,
                           const std::string& owner, const LeasePolicy& lease, const std::atomic<bool>& stop,
                           const std::function<void(const std::string&)>& echo) {
  auto say = [&](const std::string& s) {
    if (echo) echo("job " + std::to_string(job.id) + " " + job.kind + ": " + s);
  };
  say(job.attempt > 1 ? "started (attempt " + std::to_string(job.attempt) + ")" : "started");
  JobState final = JobState::Failed;
  json result;
  std::string error;
  bool released = false;
  std::unique_ptr<WorkerContext> ctx;
  std::unique_ptr<Project> p;
  // The heartbeat: its own connection, so a job's long statements never delay the lease.
  std::mutex hm;
  std::condition_variable hcv;
  bool ended = false;
  std::thread beat;
  try {
    p = std::make_unique<Project>(Project::open(project));
    ctx = std::make_unique<WorkerContext>(*p, job.params, stored_log(db, job.id), stop);
    beat = std::thread([&] {
      std::unique_ptr<Store> hdb;  // a Store: SQLite's connection settings (WAL, synchronous=NORMAL) as everywhere
      // The lease is extended every third of it; a changed log or progress is written at most once a second
      // (with the lease), so 100 quiet workers cost the store 100 / (lease / 3) statements a second.
      const auto period = std::chrono::milliseconds(std::max<int64_t>(100, lease.lease_ms / 3));
      const auto log_period = std::min(period, std::chrono::milliseconds(1000));
      auto last = std::chrono::steady_clock::now();
      std::unique_lock<std::mutex> lk(hm);
      while (!ended) {
        hcv.wait_for(lk, std::min(log_period, std::chrono::milliseconds(500)));
        if (ended) break;
        const auto since = std::chrono::steady_clock::now() - last;
        if (since < period && !(since >= log_period && ctx->dirty())) continue;
        std::string log;
        double progress = 0;
        const bool changed = ctx->take(&log, &progress);
        lk.unlock();
        try {
          if (!hdb) hdb = std::make_unique<Store>(location, false, false);
          Heartbeat h = heartbeat_job(hdb->db(), job, owner, lease, changed ? &log : nullptr, progress);
          last = std::chrono::steady_clock::now();
          if (!h.held) ctx->lost_ = true;
          if (h.cancel) ctx->cancel_ = true;
        } catch (const std::exception&) {
          hdb.reset();  // the store is busy or gone: a later beat tries again, within the lease
        }
        lk.lock();
      }
    });
    const JobKind* kind = find_kind(job.kind);
    if (!kind) throw Error("unknown job kind '" + job.kind + "' (made by another mote version?)");
    ctx->log(job.kind + ": started" + (job.attempt > 1 ? " (attempt " + std::to_string(job.attempt) + ")" : ""));
    result = kind->run(*ctx);
    final = JobState::Done;
  } catch (const JobCancelled&) {
    if (ctx && ctx->cancel_) {
      final = JobState::Cancelled;
      error = "cancelled";
    } else {
      released = true;  // the worker stops (or lost the lease): another worker runs the job
    }
  } catch (const Error& e) {
    error = e.what();
  } catch (const std::exception& e) {
    error = std::string("internal error: ") + e.what() + " (please report this)";
  }
  {
    std::lock_guard<std::mutex> lk(hm);
    ended = true;
  }
  hcv.notify_all();
  if (beat.joinable()) beat.join();
  double progress = 0;
  std::string log = ctx ? ctx->all_lines(&progress) : std::string();
  if (ctx && ctx->lost_) {
    say("the lease was lost; the job is another worker's now");
    return JobOutcome::Lost;
  }
  if (released) {
    log += job.kind + ": given back to the queue (the worker stopped)\n";
    const bool ok = release_job(db, job, owner, log);
    say(ok ? "given back to the queue" : "the lease was lost; the job is another worker's now");
    return ok ? JobOutcome::Released : JobOutcome::Lost;
  }
  if (final == JobState::Done) progress = 1;
  log += final == JobState::Done ? job.kind + ": done\n" : job.kind + ": " + error + "\n";
  if (!finish_job(db, job, owner, final, result, error, log, progress)) {
    say("the lease was lost; the job is another worker's now");
    return JobOutcome::Lost;
  }
  say(final == JobState::Done ? "done" : job_state_name(final) + std::string(": ") + error);
  return final == JobState::Done ? JobOutcome::Done : final == JobState::Cancelled ? JobOutcome::Cancelled : JobOutcome::Failed;
}

namespace {

// A worker without the project folder: mote.json from the store's published copy (the store is --db's).
void refresh_config(const WorkerOptions& o, sql::Db& db) {
  auto c = published_project_config(db);
  if (!c) throw error_at(o.store, "holds no published project settings yet; queue a job from `mote serve` (or run the worker with -C DIR, the project folder)");
  std::filesystem::create_directories(o.project / "out");
  write_file_atomic(o.project / "mote.json", c->dump(2) + "\n");
}

}  // namespace

WorkerStats run_worker(const WorkerOptions& o, const std::atomic<bool>& stop) {
  const ClaimFilter filter{checked_kinds(o.kinds), o.batch};
  const bool own_folder = !o.store.empty() && !fs::exists(o.project / "mote.json");
  if (own_folder) {
    sql::Db db(o.store, false);
    refresh_config(o, db);
  }
  Project p = Project::open(o.project);
  const std::string location = p.store_location();
  const std::string owner = lease_owner("worker");
  WorkerStats stats;
  while (!stop) {
    std::optional<ClaimedJob> job;
    try {
      job = claim_job(p.store().db(), owner, filter, o.lease);
    } catch (const Error& e) {
      if (o.echo) o.echo(std::string("cannot claim a job (trying again): ") + e.what());
    }
    if (!job) {
      if (o.once) break;
      for (auto t = std::chrono::steady_clock::now() + o.poll; !stop && std::chrono::steady_clock::now() < t;)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    try {
      if (own_folder) refresh_config(o, p.store().db());
      switch (run_claimed_job(o.project, location, p.store().db(), *job, owner, o.lease, stop, o.echo)) {
        case JobOutcome::Done: ++stats.done; break;
        case JobOutcome::Failed: ++stats.failed; break;
        case JobOutcome::Cancelled: ++stats.cancelled; break;
        case JobOutcome::Released: ++stats.released; break;
        case JobOutcome::Lost: ++stats.lost; break;
      }
    } catch (const Error& e) {  // the end could not be written: the lease expires and another worker retries
      ++stats.lost;
      if (o.echo) o.echo("job " + std::to_string(job->id) + ": cannot record its end (" + e.what() + "); it will be retried");
    }
    if (o.once) break;
  }
  return stats;
}

}  // namespace mote::serve
