// `mote worker`: claim and run the project's queued jobs (features, train, test, deploy, profile, tune,
// tune-candidate) from its store, on this machine or another one sharing a PostgreSQL store (src/serve/worker.h).
#include <csignal>
#include <cstdlib>
#include <functional>
#include <cstdio>
#include <thread>

#include "cli/cli.h"
#include "core/error.h"
#include "serve/worker.h"
#include "store/postgres.h"

namespace mote::cli {

namespace {
std::atomic<bool> g_stop{false};
}

void register_worker(CLI::App& app, Context& ctx) {
  static std::string db;
  static std::vector<std::string> kinds;
  static bool once = false, quiet = false;
  static double lease_s = 30, poll_s = 0.5;
  static int attempts = 3;
  auto* cmd = app.add_subcommand("worker", "Claim and run queued jobs from the project's store (any number of workers, any machine)");
  cmd->add_option("--db", db, "The store to take jobs from: postgres://... or a SQLite file (default: mote.json's); without -C DIR, a folder of the worker's own gets the project's settings from the store");
  cmd->add_option("--kinds", kinds, "Only these job kinds (default: every kind), e.g. --kinds tune-candidate,train")->delimiter(',');
  cmd->add_flag("--once", once, "Run one job (or none when the queue is empty), then exit");
  cmd->add_option("--lease", lease_s, "Seconds a job stays this worker's without a heartbeat (heartbeats every third)")
      ->check(CLI::Range(1.0, 3600.0));
  cmd->add_option("--attempts", attempts, "Claims of a job whose worker stopped answering before it fails")->check(CLI::Range(1, 100));
  cmd->add_option("--poll", poll_s, "Seconds between looks at an empty queue")->check(CLI::Range(0.01, 60.0));
  cmd->add_flag("--quiet", quiet, "No line per job event");
  cmd->callback([&ctx] {
    ctx.run = [&ctx] {
      if (!db.empty()) Project::set_store_override(db);
      serve::WorkerOptions o;
      o.project = ctx.dir;
      o.store = db;
      if (!db.empty() && !std::filesystem::exists(ctx.dir / "mote.json")) {
        // No project folder here: one of this worker's own, per store (its mote.json comes from the store).
        const char* cache = std::getenv("XDG_CACHE_HOME");
        const char* home = std::getenv("HOME");
        std::filesystem::path base = cache && *cache ? cache : std::filesystem::path(home ? home : "/tmp") / ".cache";
        o.project = base / "mote" / ("worker-" + std::to_string(std::hash<std::string>{}(db)));
      }
      o.kinds = serve::checked_kinds(kinds);
      o.once = once;
      o.lease.lease_ms = static_cast<int64_t>(lease_s * 1000);
      o.lease.max_attempts = attempts;
      o.poll = std::chrono::milliseconds(static_cast<int64_t>(poll_s * 1000));
      if (!quiet)
        o.echo = [](const std::string& line) {
          std::printf("%s\n", line.c_str());
          std::fflush(stdout);
        };
      if (!quiet) {
        std::printf("mote worker: taking jobs from %s (stop with Ctrl-C: a running job goes back to the queue)\n",
                    db.empty() ? (ctx.dir / "mote.json").c_str() : sql::redact_postgres_url(db).c_str());
        std::fflush(stdout);
      }
      // SIGTERM/SIGINT: stop claiming; the running job is cancelled and given back (or recorded, if it ends first).
      std::signal(SIGINT, [](int) { g_stop = true; });
      std::signal(SIGTERM, [](int) { g_stop = true; });
      const serve::WorkerStats s = serve::run_worker(o, g_stop);
      if (!quiet)
        std::printf("mote worker: stopped after %zu job(s): %zu done, %zu failed, %zu cancelled, %zu given back, %zu lost\n",
                    s.jobs(), s.done, s.failed, s.cancelled, s.released, s.lost);
    };
  });
}

}  // namespace mote::cli
