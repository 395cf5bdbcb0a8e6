#include "serve/jobs.h"

#include <chrono>
#include <ctime>

#include <cerrno>
#include <signal.h>
#include <unistd.h>

#include "core/error.h"
#include "serve/job_rows.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace mote::serve {

namespace {

JobState parse_state(const std::string& s) {
  if (s == "queued") return JobState::Queued;
  if (s == "running") return JobState::Running;
  if (s == "done") return JobState::Done;
  if (s == "cancelled") return JobState::Cancelled;
  return JobState::Failed;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (auto& l : lines) out += l + "\n";
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

const char* kJobColumns =
    "SELECT id, kind, state, params, progress, log, result, error, created_at, started_at, finished_at FROM jobs";

JobInfo read_job(const sql::Stmt& st) {
  JobInfo j;
  j.id = st.int64(0);
  j.kind = st.text(1);
  j.state = parse_state(st.text(2));
  j.params = json::parse(st.text(3), nullptr, false);
  j.progress = st.real(4);
  j.log = st.text(5);
  j.result = st.is_null(6) ? json(nullptr) : json::parse(st.text(6), nullptr, false);
  j.error = st.is_null(7) ? "" : st.text(7);
  j.created_at = st.text(8);
  j.started_at = st.is_null(9) ? "" : st.text(9);
  j.finished_at = st.is_null(10) ? "" : st.text(10);
  return j;
}

}  // namespace

const char* job_state_name(JobState s) {
  switch (s) {
    case JobState::Queued: return "queued";
    case JobState::Running: return "running";
    case JobState::Done: return "done";
    case JobState::Failed: return "failed";
    case JobState::Cancelled: return "cancelled";
  }
  return "failed";
}

std::optional<JobState> parse_job_state(const std::string& s) {
  for (JobState j : {JobState::Queued, JobState::Running, JobState::Done, JobState::Failed, JobState::Cancelled})
    if (s == job_state_name(j)) return j;
  return std::nullopt;
}

bool job_state_final(JobState s) { return s == JobState::Done || s == JobState::Failed || s == JobState::Cancelled; }

json JobInfo::to_json(bool with_log) const {
  json j = {{"id", id},         {"kind", kind},         {"state", job_state_name(state)},
            {"progress", progress}, {"params", params}, {"result", result},
            {"error", error.empty() ? json(nullptr) : json(error)},
            {"created_at", created_at},
            {"started_at", started_at.empty() ? json(nullptr) : json(started_at)},
            {"finished_at", finished_at.empty() ? json(nullptr) : json(finished_at)}};
  if (with_log) j["log"] = log;
  return j;
}

// In-memory state of a running job; subscribers wait on cv.
struct JobQueue::Live {
  int64_t id = 0;
  std::string kind;
  json params;
  ClaimedJob claim;  // fences this process's writes to the row
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::string> lines;
  double progress = 0;
  JobState state = JobState::Running;
  bool finished = false;
  std::chrono::steady_clock::time_point beat_at;  // the lease was last extended
  bool dirty = false;  // log/progress changed since the flusher last wrote them
  std::atomic<bool> cancel{false};
};

class JobQueue::Context : public JobContext {
 public:
  Context(JobQueue& q, std::shared_ptr<Live> live, Project& p) : q_(q), live_(std::move(live)), p_(p) {}
  Project& project() override { return p_; }
  const json& params() const override { return live_->params; }
  void log(const std::string& line) override {
    std::lock_guard<std::mutex> lk(live_->m);
    // Bounded: a runaway job cannot fill memory (or the store) with its log.
    constexpr size_t kMaxLines = 20000;
    for (auto& l : split_lines(line)) {
      if (live_->lines.size() < kMaxLines) live_->lines.push_back(l.size() > 4096 ? l.substr(0, 4096) + "..." : l);
      else if (live_->lines.size() == kMaxLines) live_->lines.push_back("(log truncated: more than 20000 lines)");
    }
    live_->dirty = true;
    live_->cv.notify_all();
  }
  void progress(double f) override {
    std::lock_guard<std::mutex> lk(live_->m);
    live_->progress = std::min(1.0, std::max(live_->progress, f));
    live_->dirty = true;
    live_->cv.notify_all();
  }
  bool cancelled() const override { return live_->cancel || q_.stopping_; }

 private:
  JobQueue& q_;
  std::shared_ptr<Live> live_;
  Project& p_;
};

JobQueue::JobQueue(fs::path project_dir, unsigned workers, std::vector<JobKind> extra)
    : dir_(std::move(project_dir)), kinds_(job_kinds()) {
  for (auto& k : extra) kinds_.push_back(k);
  project_ = std::make_unique<Project>(Project::open(dir_));
  owner_ = lease_owner("serve");
  fail_orphaned_jobs();
  if (workers == 0) workers = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < workers; ++i) threads_.emplace_back([this] { work_loop(); });
  // The flusher keeps the stored log and progress of running jobs fresh, so a crash loses little. It has its
  // own connection and writes outside mutex_, so a busy store never stalls the API.
  threads_.emplace_back([this] {
    std::unique_ptr<Store> store;
    try {
      store = std::make_unique<Store>(project_->store_location(), false);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "mote serve: the job log writer cannot open the store: %s\n", e.what());
      return;
    }
    struct Dirty {
      int64_t id;
      std::string log;
      double progress;
    };
    while (true) {
      // Every live job: its log when it changed (every 0.5 s at most), and the lease, a third of it before
      // it ends. A job whose lease was lost (or whose cancel was asked from elsewhere) is told to stop.
      std::vector<std::pair<std::shared_ptr<Live>, std::optional<std::string>>> due;
      {
        std::unique_lock<std::mutex> lk(mutex_);
        if (stopping_) return;
        wake_.wait_for(lk, std::chrono::milliseconds(500));
        if (stopping_) return;
        const auto now = std::chrono::steady_clock::now();
        for (auto& [id, live] : live_) {
          std::lock_guard<std::mutex> ll(live->m);
          if (live->finished) continue;
          const bool beat = now - live->beat_at > std::chrono::milliseconds(lease_.lease_ms / 3);
          if (!live->dirty && !beat) continue;
          std::optional<std::string> log;
          if (live->dirty) log = join_lines(live->lines);
          live->dirty = false;
          due.push_back({live, std::move(log)});
        }
      }
      for (auto& [live, log] : due) {
        try {
          double progress;
          {
            std::lock_guard<std::mutex> ll(live->m);
            progress = live->progress;
          }
          Heartbeat h = heartbeat_job(store->db(), live->claim, owner_, lease_, log ? &*log : nullptr, progress);
          {
            std::lock_guard<std::mutex> ll(live->m);
            live->beat_at = std::chrono::steady_clock::now();
          }
          if (!h.held || h.cancel) live->cancel = true;
        } catch (const std::exception&) {
          // The store is busy: a later round writes it.
          std::lock_guard<std::mutex> ll(live->m);
          live->dirty = live->dirty || log.has_value();
        }
      }
    }
  });
}

JobQueue::~JobQueue() {
  {
    std::lock_guard<std::mutex> lk(mutex_);
    stopping_ = true;
    for (auto& [id, live] : live_) {
      std::lock_guard<std::mutex> ll(live->m);
      live->cv.notify_all();
    }
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

std::vector<std::string> JobQueue::kind_names() const {
  std::vector<std::string> out;
  for (auto& k : kinds_) out.push_back(k.name);
  return out;
}

const JobKind* JobQueue::find_kind(const std::string& name) const {
  for (auto& k : kinds_)
    if (name == k.name) return &k;
  return nullptr;
}

int64_t JobQueue::submit(const std::string& kind, const json& params) {
  if (!find_kind(kind)) {
    std::string names;
    for (auto& k : kinds_) names += (names.empty() ? "" : ", ") + std::string(k.name);
    throw error_at("kind", "unknown job kind '" + kind + "'; known kinds: " + names);
  }
  std::lock_guard<std::mutex> lk(mutex_);
  // mote.json as it is now (the API may have changed it), for workers on machines without the folder.
  try {
    publish_project_config(project_->store().db(), Project::open(dir_).config());
  } catch (const Error&) {
  }
  int64_t id = enqueue_job(project_->store().db(), kind, params);
  wake_.notify_all();
  return id;
}

std::optional<JobInfo> JobQueue::get(int64_t id) {
  std::lock_guard<std::mutex> lk(mutex_);
  sql::Stmt st(project_->store().db(), std::string(kJobColumns) + " WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  JobInfo j = read_job(st);
  auto it = live_.find(id);
  if (it != live_.end()) {
    std::lock_guard<std::mutex> ll(it->second->m);
    j.log = join_lines(it->second->lines);
    j.progress = it->second->progress;
  }
  return j;
}

std::vector<JobInfo> JobQueue::list(int64_t limit, const std::string& kind, std::optional<JobState> state) {
  std::lock_guard<std::mutex> lk(mutex_);
  sql::Stmt st(project_->store().db(), std::string(kJobColumns) +
                                           " WHERE (?1 = '' OR kind = ?1) AND (?2 = '' OR state = ?2) ORDER BY id DESC LIMIT ?3");
  st.bind(1, kind).bind(2, state ? job_state_name(*state) : "").bind(3, limit);
  std::vector<JobInfo> out;
  while (st.step()) {
    JobInfo j = read_job(st);
    auto it = live_.find(j.id);
    if (it != live_.end()) {
      std::lock_guard<std::mutex> ll(it->second->m);
      j.progress = it->second->progress;
    }
    out.push_back(std::move(j));
  }
  return out;
}

bool JobQueue::cancel(int64_t id) {
  std::lock_guard<std::mutex> lk(mutex_);
  auto it = live_.find(id);
  if (it != live_.end()) {
    it->second->cancel = true;
    return true;
  }
  // Queued, or running in another process (a worker): its holder sees the request at its next heartbeat.
  return request_cancel(project_->store().db(), id);
}

void JobQueue::fail_orphaned_jobs() {
  // A job `running` without a lease (an older mote), or under a lease of a server on this machine that is gone,
  // belongs to a server that died: nobody will finish it. Workers' jobs are claimed again when their lease ends.
  sql::Db& db = project_->store().db();
  const std::string host = owner_.substr(owner_.find('@') + 1, owner_.rfind(':') - owner_.find('@') - 1);
  std::vector<std::pair<int64_t, std::string>> orphans;
  {
    sql::Stmt st(db, "SELECT id, lease_owner FROM jobs WHERE state = 'running'");
    while (st.step()) {
      if (st.is_null(1)) {
        orphans.push_back({st.int64(0), ""});
        continue;
      }
      const std::string o = st.text(1);
      const size_t colon = o.rfind(':');
      if (o.rfind("serve@" + host + ":", 0) != 0 || colon == std::string::npos) continue;
      const pid_t pid = static_cast<pid_t>(std::atoll(o.c_str() + colon + 1));
      if (pid > 0 && pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH) orphans.push_back({st.int64(0), o});
    }
  }
  for (auto& [id, o] : orphans) {
    sql::Stmt st(db, "UPDATE jobs SET state = 'failed', finished_at = ?, lease_owner = NULL, lease_expires_at = NULL, "
                     "error = 'the server stopped while the job was running; submit it again', "
                     "log = log || ? WHERE id = ? AND state = 'running' AND coalesce(lease_owner, '') = ?");
    st.bind(1, now_iso8601()).bind(2, "the server stopped while the job was running\n").bind(3, id).bind(4, o).run();
  }
}

std::shared_ptr<JobQueue::Live> JobQueue::claim(Store& store) {
  // Under a lease (job_rows.h), so several servers and workers on a shared store never run the same job.
  std::optional<ClaimedJob> c = claim_job(store.db(), owner_, {kind_names(), ""}, lease_);
  if (!c) return nullptr;
  auto live = std::make_shared<Live>();
  live->id = c->id;
  live->kind = c->kind;
  live->params = c->params;
  live->claim = *c;
  live->beat_at = std::chrono::steady_clock::now();
  live_[live->id] = live;
  return live;
}

void JobQueue::work_loop() {
  std::unique_ptr<Store> book;
  try {
    book = std::make_unique<Store>(project_->store_location(), false);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mote serve: a job worker cannot open the store: %s\n", e.what());
    return;
  }
  while (true) {
    std::shared_ptr<Live> live;
    {
      std::unique_lock<std::mutex> lk(mutex_);
      while (!stopping_) {
        try {
          live = claim(*book);
        } catch (const std::exception&) {
          live = nullptr;  // the store is busy: look again after the wait
        }
        if (live) break;
        wake_.wait_for(lk, std::chrono::seconds(1));
      }
    }
    if (!live) return;
    run(live, *book);
  }
}

void JobQueue::run(const std::shared_ptr<Live>& live, Store& book) {
  JobState final = JobState::Failed;
  json result;
  std::string error;
  try {
    const JobKind* kind = find_kind(live->kind);
    if (!kind) throw Error("unknown job kind '" + live->kind + "' (made by another mote version?)");
    Project p = Project::open(dir_);
    Context ctx(*this, live, p);
    ctx.log(live->kind + ": started");
    result = kind->run(ctx);
    final = JobState::Done;
  } catch (const JobCancelled&) {
    if (stopping_) {
      error = "the server stopped while the job was running; submit it again";
    } else {
      final = JobState::Cancelled;
      error = "cancelled";
    }
  } catch (const Error& e) {
    error = e.what();
  } catch (const std::exception& e) {
    error = std::string("internal error: ") + e.what() + " (please report this)";
  }
  std::string log;
  double progress;
  {
    std::lock_guard<std::mutex> ll(live->m);
    live->lines.push_back(final == JobState::Done ? live->kind + ": done" : live->kind + ": " + error);
    if (final == JobState::Done) live->progress = 1;
    log = join_lines(live->lines);
    progress = live->progress;
  }
  // The stored row is final before subscribers hear of it, so a late reader finds the same state.
  // Only while this server still holds the job's lease: a job another process took over keeps its row.
  for (int attempt = 0; attempt < 3; ++attempt) {
    try {
      if (!finish_job(book.db(), live->claim, owner_, final, result, error, log, progress))
        std::fprintf(stderr, "mote serve: job %lld: the lease was lost; another worker records it\n",
                     static_cast<long long>(live->id));
      break;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "mote serve: cannot record job %lld: %s\n", static_cast<long long>(live->id), e.what());
    }
  }
  {
    std::lock_guard<std::mutex> ll(live->m);
    live->state = final;
    live->finished = true;
    live->cv.notify_all();
  }
  std::lock_guard<std::mutex> lk(mutex_);
  live_.erase(live->id);
}

bool JobQueue::poll_events(int64_t id, size_t* next_line, double* last_progress, std::vector<JobEvent>* out,
                           std::chrono::milliseconds wait) {
  std::shared_ptr<Live> live;
  std::optional<JobInfo> stored;
  {
    std::lock_guard<std::mutex> lk(mutex_);
    auto it = live_.find(id);
    if (it != live_.end()) live = it->second;
  }
  if (live) {
    std::unique_lock<std::mutex> ll(live->m);
    live->cv.wait_for(ll, wait, [&] {
      return live->lines.size() > *next_line || live->progress != *last_progress || live->finished || stopping_;
    });
    for (; *next_line < live->lines.size(); ++*next_line)
      out->push_back({JobEvent::Log, live->lines[*next_line], 0, JobState::Running, *next_line});
    if (live->progress != *last_progress) {
      *last_progress = live->progress;
      out->push_back({JobEvent::Progress, "", live->progress, JobState::Running, 0});
    }
    if (!live->finished) return true;
    // Finished: the stored row holds the same lines; fall through to send the final state from it.
  }
  stored = get(id);
  if (!stored) return false;
  if (!job_state_final(stored->state)) {
    // Queued, or running in another process (a worker): what its heartbeats stored so far.
    if (!live) std::this_thread::sleep_for(std::min(wait, std::chrono::milliseconds(200)));
    if (stored->state == JobState::Running && !live) {
      auto lines = split_lines(stored->log);
      for (; *next_line < lines.size(); ++*next_line)
        out->push_back({JobEvent::Log, lines[*next_line], 0, JobState::Running, *next_line});
      if (stored->progress != *last_progress) {
        *last_progress = stored->progress;
        out->push_back({JobEvent::Progress, "", stored->progress, JobState::Running, 0});
      }
    }
    return true;
  }
  auto lines = split_lines(stored->log);
  for (; *next_line < lines.size(); ++*next_line)
    out->push_back({JobEvent::Log, lines[*next_line], 0, stored->state, *next_line});
  if (stored->progress != *last_progress) {
    *last_progress = stored->progress;
    out->push_back({JobEvent::Progress, "", stored->progress, stored->state, 0});
  }
  out->push_back({JobEvent::State, "", stored->progress, stored->state, 0});
  return true;
}

}  // namespace mote::serve
