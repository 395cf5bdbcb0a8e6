// Job leases and `mote worker` on both stores (real SQLite, real PostgreSQL): a lease that expires is claimed
// again and its old holder can write nothing; concurrent claimers never take the same job; a worker process
// killed by SIGKILL mid-job has its job finished once by another; SIGTERM gives a running job back.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <tuple>
#include <set>
#include <thread>

#include "demo/motion.h"
#include "impulse/features.h"
#include "serve/job_rows.h"
#include "store/project.h"
#include "support/postgres_server.h"
#include "support/test_support.h"

using nlohmann::json;
using namespace mote;
using namespace mote::serve;

namespace {

class Workers : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    proj_ = dir_ / "proj";
    std::string url;
    if (std::string(GetParam()) == "Postgres") {
      std::string why;
      url = test::fresh_postgres_database(&why);
      if (url.empty()) GTEST_SKIP() << "PostgreSQL cases skipped: " << why;
    }
    Project p = Project::init(proj_, url);
    location_ = p.store_location();
  }
  sql::Db db() const { return sql::Db(location_, false); }
  json row(int64_t id, const std::string& columns) {
    sql::Db d = db();
    sql::Stmt st(d, "SELECT " + columns + " FROM jobs WHERE id = ?");
    st.bind(1, id);
    json out = json::object();
    if (!st.step()) return nullptr;
    for (int c = 0; c < st.column_count(); ++c)
      out[st.column_name(c)] = st.is_null(c) ? json(nullptr) : st.type(c) == sql::ValueType::Integer ? json(st.int64(c)) : json(st.text(c));
    return out;
  }
  // A project with generated motion data and its suggested impulse, and one tune-candidate job over it.
  int64_t queue_candidate() {
    {
      Project p = Project::open(proj_);
      MotionOptions mo;
      mo.recordings_per_class = 3;
      mo.recording_s = 4;
      mo.anomalies = 0;
      sql::Transaction tx(p.store().db());
      for (auto& s : generate_motion(mo)) p.store().insert(s);
      tx.commit();
      (void)load_impulse(p);  // saves the suggested impulse into mote.json
    }
    Project p = Project::open(proj_);
    const json params = {{"impulse", p.config()["impulse"]}, {"args", {"--epochs", "12", "--seed", "1", "--folds", "2", "--all-folds"}}};
    return enqueue_job(p.store().db(), "tune-candidate", params);
  }
  // `mote -C proj worker ARGS...` as a child process whose pid the test holds.
  pid_t start_worker(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {MOTE_BINARY, "-C", proj_.string(), "worker", "--quiet", "--poll", "0.05"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
      execv(argv[0], argv.data());
      _exit(127);
    }
    return pid;
  }
  static int wait_exit(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  // Polls the job's row until pred holds (false after `seconds`).
  template <class Pred>
  bool wait_row(int64_t id, const std::string& columns, Pred pred, double seconds) {
    for (auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds); std::chrono::steady_clock::now() < end;) {
      json r = row(id, columns);
      if (!r.is_null() && pred(r)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  test::TempDir dir_;
  std::filesystem::path proj_;
  std::string location_;
};

TEST_P(Workers, AnExpiredLeaseIsClaimedAgainAndItsOldHolderWritesNothing) {
  sql::Db a = db(), b = db();
  const int64_t id = enqueue_job(a, "features", json::object());
  LeasePolicy lease;
  lease.lease_ms = 300;
  const ClaimFilter any{{"features"}, ""};
  auto first = claim_job(a, "worker-a", any, lease);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, id);
  EXPECT_EQ(first->attempt, 1);
  EXPECT_FALSE(claim_job(b, "worker-b", any, lease)) << "a held lease is nobody else's";
  EXPECT_TRUE(heartbeat_job(a, *first, "worker-a", lease, nullptr, 0.5).held);
  std::this_thread::sleep_for(std::chrono::milliseconds(450));  // no heartbeat: the lease runs out
  auto second = claim_job(b, "worker-b", any, lease);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, id);
  EXPECT_EQ(second->attempt, 2);
  // The first holder wakes up: its heartbeat, its result and its release all change nothing.
  EXPECT_FALSE(heartbeat_job(a, *first, "worker-a", lease, nullptr, 0.9).held);
  EXPECT_FALSE(finish_job(a, *first, "worker-a", JobState::Done, {{"by", "a"}}, "", "a\n", 1));
  EXPECT_FALSE(release_job(a, *first, "worker-a", "a\n"));
  EXPECT_TRUE(finish_job(b, *second, "worker-b", JobState::Done, {{"by", "b"}}, "", "b\n", 1));
  EXPECT_FALSE(finish_job(b, *second, "worker-b", JobState::Done, {{"by", "b again"}}, "", "b\n", 1)) << "written once";
  json r = row(id, "state, result, attempts, lease_owner");
  EXPECT_EQ(r["state"], "done");
  EXPECT_EQ(json::parse(r["result"].get<std::string>())["by"], "b");
  EXPECT_EQ(r["attempts"], 2);
  EXPECT_TRUE(r["lease_owner"].is_null());
}

TEST_P(Workers, AJobWhoseLeaseExpiresTooOftenFailsWithTheReason) {
  sql::Db d = db();
  const int64_t id = enqueue_job(d, "features", json::object());
  LeasePolicy lease;
  lease.lease_ms = 50;
  lease.max_attempts = 2;
  const ClaimFilter any{{"features"}, ""};
  ASSERT_TRUE(claim_job(d, "w1", any, lease));
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  ASSERT_TRUE(claim_job(d, "w2", any, lease));
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  EXPECT_FALSE(claim_job(d, "w3", any, lease));
  json r = row(id, "state, error, attempts");
  EXPECT_EQ(r["state"], "failed");
  EXPECT_NE(r["error"].get<std::string>().find("stopped answering 2 times"), std::string::npos) << r.dump();
}

TEST_P(Workers, ReleasedAndCancelledJobs) {
  sql::Db d = db();
  const int64_t id = enqueue_job(d, "train", json::object(), "batch-1");
  LeasePolicy lease;
  EXPECT_FALSE(claim_job(d, "w", {{"features"}, ""}, lease)) << "a kind the claimer does not run";
  EXPECT_FALSE(claim_job(d, "w", {{"train"}, "batch-2"}, lease)) << "another batch";
  auto c = claim_job(d, "w", {{"train"}, "batch-1"}, lease);
  ASSERT_TRUE(c);
  EXPECT_TRUE(release_job(d, *c, "w", "given back\n"));
  json r = row(id, "state, attempts, lease_owner, log");
  EXPECT_EQ(r["state"], "queued");
  EXPECT_EQ(r["attempts"], 0);
  c = claim_job(d, "w2", {{"train"}, ""}, lease);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->attempt, 1);
  EXPECT_TRUE(request_cancel(d, id));
  Heartbeat h = heartbeat_job(d, *c, "w2", lease, nullptr, 0.1);
  EXPECT_TRUE(h.held);
  EXPECT_TRUE(h.cancel);
  EXPECT_FALSE(request_cancel(d, id + 1000)) << "an unknown job";
}

TEST_P(Workers, ConcurrentClaimersNeverTakeTheSameJob) {
  const int jobs = 120, claimers = 6;
  {
    sql::Db d = db();
    sql::Transaction tx(d);
    for (int i = 0; i < jobs; ++i) enqueue_job(d, "features", {{"i", i}});
    tx.commit();
  }
  std::vector<std::vector<int64_t>> taken(claimers);
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int t = 0; t < claimers; ++t)
    threads.emplace_back([&, t] {
      sql::Db d = db();
      const std::string owner = "claimer-" + std::to_string(t);
      for (int idle = 0; idle < 50;) {
        try {
          auto c = claim_job(d, owner, {{"features"}, ""}, LeasePolicy{});
          if (!c) {
            ++idle;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            continue;
          }
          taken[static_cast<size_t>(t)].push_back(c->id);
          if (!finish_job(d, *c, owner, JobState::Done, {{"by", owner}}, "", "", 1)) ++errors;
        } catch (const std::exception&) {
          ++errors;  // SQLite's writer lock waits up to 10 s; nothing should fail
        }
      }
    });
  for (auto& t : threads) t.join();
  std::set<int64_t> all;
  size_t total = 0;
  for (auto& v : taken) {
    total += v.size();
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(total, static_cast<size_t>(jobs)) << "every job claimed once";
  EXPECT_EQ(all.size(), static_cast<size_t>(jobs)) << "no job claimed twice";
  sql::Db d = db();
  sql::Stmt st(d, "SELECT count(*), sum(attempts) FROM jobs WHERE state = 'done'");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.int64(0), jobs);
  EXPECT_EQ(st.int64(1), jobs);
}

TEST_P(Workers, AKilledWorkersJobIsFinishedOnceByAnother) {
  const int64_t id = queue_candidate();
  pid_t a = start_worker({"--lease", "1"});
  ASSERT_TRUE(wait_row(id, "state, lease_owner", [](const json& r) { return r["state"] == "running" && r["lease_owner"].is_string(); }, 30))
      << "worker A never claimed the job";
  const std::string a_owner = row(id, "lease_owner")["lease_owner"];
  ASSERT_EQ(kill(a, SIGKILL), 0);
  EXPECT_EQ(wait_exit(a), 128 + SIGKILL);
  pid_t b = start_worker({"--lease", "1"});
  const bool finished = wait_row(id, "state", [](const json& r) { return r["state"] != "queued" && r["state"] != "running"; }, 120);
  kill(b, SIGTERM);
  EXPECT_EQ(wait_exit(b), 0) << "SIGTERM stops an idle worker cleanly";
  ASSERT_TRUE(finished) << row(id, "state, log").dump();
  json r = row(id, "state, attempts, result, log, lease_owner");
  EXPECT_EQ(r["state"], "done") << r.dump();
  EXPECT_EQ(r["attempts"], 2) << "claimed by A, then once by B";
  EXPECT_TRUE(r["lease_owner"].is_null());
  const json result = json::parse(r["result"].get<std::string>());
  EXPECT_TRUE(result.contains("score")) << result.dump();
  const std::string log = r["log"];
  EXPECT_NE(log.find("lease expired: claimed again by worker@"), std::string::npos) << log;
  EXPECT_EQ(log.find(a_owner + " "), std::string::npos);
  size_t done_lines = 0;
  for (size_t p = log.find("tune-candidate: done"); p != std::string::npos; p = log.find("tune-candidate: done", p + 1)) ++done_lines;
  EXPECT_EQ(done_lines, 1u) << "one end recorded: " << log;
}

TEST_P(Workers, SigtermGivesTheRunningJobBack) {
  const int64_t id = queue_candidate();
  pid_t w = start_worker({"--lease", "30"});
  ASSERT_TRUE(wait_row(id, "state", [](const json& r) { return r["state"] == "running"; }, 30));
  ASSERT_EQ(kill(w, SIGTERM), 0);
  EXPECT_EQ(wait_exit(w), 0);
  json r = row(id, "state, attempts, lease_owner, log");
  EXPECT_EQ(r["state"], "queued") << r.dump();
  EXPECT_EQ(r["attempts"], 0);
  EXPECT_TRUE(r["lease_owner"].is_null());
  EXPECT_NE(r["log"].get<std::string>().find("given back to the queue"), std::string::npos);
  // At once claimable by the next worker (no lease to wait for).
  auto c = claim_job(*std::make_unique<sql::Db>(db()), "next", {{"tune-candidate"}, ""}, LeasePolicy{});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, id);
}

TEST_P(Workers, AWorkerWithOnlyTheStoreTakesTheProjectSettingsFromIt) {
  {
    Project p = Project::open(proj_);
    MotionOptions mo;
    mo.recordings_per_class = 2;
    mo.recording_s = 4;
    mo.anomalies = 0;
    sql::Transaction tx(p.store().db());
    for (auto& s : generate_motion(mo)) p.store().insert(s);
    tx.commit();
    (void)load_impulse(p);
  }
  const std::filesystem::path elsewhere = dir_ / "another-machine";
  std::filesystem::create_directories(elsewhere);
  const std::string run = "env XDG_CACHE_HOME=" + (dir_ / "cache").string() + " " + MOTE_BINARY + " -C " + elsewhere.string() +
                          " worker --once --quiet --db '" + location_ + "'";
  // Nothing published yet: a clear refusal.
  int64_t id = 0;
  {
    sql::Db d = db();
    id = enqueue_job(d, "features", json::object());
  }
  EXPECT_NE(std::system((run + " 2>" + (dir_ / "err").string()).c_str()), 0);
  EXPECT_NE(test::read_text(dir_ / "err").find("no published project settings"), std::string::npos) << test::read_text(dir_ / "err");
  {
    Project p = Project::open(proj_);
    publish_project_config(p.store().db(), p.config());
  }
  ASSERT_EQ(std::system(run.c_str()), 0);
  json r = row(id, "state, result");
  ASSERT_EQ(r["state"], "done") << r.dump();
  Project p = Project::open(proj_);
  ImpulseSpec spec = load_impulse(p);
  EXPECT_EQ(json::parse(r["result"].get<std::string>())["impulse_hash"], Impulse(spec, impulse_axes(p, spec)).hash())
      << "the worker ran the project's impulse";
  EXPECT_FALSE(std::filesystem::exists(elsewhere / "mote.json")) << "the folder given is left alone";
}

TEST_P(Workers, ADistributedSearchGivesTheLocalTable) {
  const int64_t first = queue_candidate();  // the data and impulse; this job is left to the search's slot
  {
    sql::Db d = db();
    request_cancel(d, first);
  }
  auto table = [](const json& shown) {
    std::vector<std::tuple<int64_t, int, std::string>> t;
    for (const auto& c : shown["candidates"]) {
      std::string rungs;
      for (const auto& r : c["rungs"]) rungs += r.contains("score") ? r["score"].dump() + " " : "failed ";
      t.emplace_back(c["index"].get<int64_t>(), c.value("epochs", 0), rungs);
    }
    std::sort(t.begin(), t.end());
    return t;
  };
  const std::string common = "-C " + proj_.string() + " tune --candidates 2 --finalists 0 --folds 2 --time 1h --json";
  test::RunResult local = test::run_mote(common + " --workers 1");
  ASSERT_EQ(local.exit_code, 0) << local.err;
  // No worker process: the searching process runs its queued candidates itself (--workers 1), as a search run
  // as a job on the only worker must.
  test::RunResult queued = test::run_mote(common + " --distribute --workers 1");
  ASSERT_EQ(queued.exit_code, 0) << queued.err;
  const json a = json::parse(local.out), b = json::parse(queued.out);
  EXPECT_EQ(table(a), table(b));
  EXPECT_GE(table(b).size(), 2u);
  sql::Db d = db();
  sql::Stmt st(d, "SELECT count(*), sum(attempts), sum(CASE WHEN state = 'done' THEN 1 ELSE 0 END) FROM jobs "
                  "WHERE kind = 'tune-candidate' AND batch <> ''");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.int64(0), b["summary"]["evaluations"].get<int64_t>()) << "one job per evaluation";
  EXPECT_EQ(st.int64(1), st.int64(0)) << "each claimed once";
  EXPECT_EQ(st.int64(2), st.int64(0)) << "each done";
}

INSTANTIATE_TEST_SUITE_P(Stores, Workers, ::testing::Values("Sqlite", "Postgres"),
                         [](const ::testing::TestParamInfo<const char*>& i) { return std::string(i.param); });

}  // namespace
