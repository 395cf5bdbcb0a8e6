// The `tune` job: `mote tune` run as a child process of the server (its own process group), its lines
// streamed into the job's log as they come. A child rather than run_tune() on a worker thread: the search
// owns SIGINT while it runs (Ctrl-C keeps the finished candidates), which must not be the server's, and
// cancelling the job sends the child that same SIGINT. Params: candidates, time_s, finalists, folds, seed,
// workers, ram_bytes, flash_bytes, latency_ms, clock_mhz, metric, board (its core profiles the finalists; its
// RAM, flash and clock are the budgets not given), distribute (candidates as jobs for every worker: tune_queue.h);
// each checked with an error naming it.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <regex>

#include "core/error.h"
#include "deploy/boards.h"
#include "serve/child_output.h"
#include "serve/job_kinds.h"
#include "store/sql.h"

extern char** environ;

namespace fs = std::filesystem;
using nlohmann::json;

namespace mote::serve {

// The mote binary: this process when it is mote (mote serve), else a `mote` beside it or one folder up
// (a test binary in build/tests runs build/mote).
fs::path mote_binary() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("tune: cannot find the mote binary (/proc/self/exe)");
  if (self.filename() == "mote") return self;
  for (fs::path p : {self.parent_path() / "mote", self.parent_path().parent_path() / "mote"})
    if (fs::is_regular_file(p, ec)) return p;
  throw Error("tune: no mote binary beside " + self.string() + " to run the search with");
}

namespace {

double param(const json& params, const char* key, double fallback, double lo, double hi, bool whole) {
  if (!params.contains(key)) return fallback;
  const json& v = params[key];
  if (!v.is_number()) throw error_at(std::string("params.") + key, "must be a number");
  double d = v.get<double>();
  if (whole && d != std::floor(d)) throw error_at(std::string("params.") + key, "must be a whole number");
  if (!(d >= lo && d <= hi))
    throw error_at(std::string("params.") + key, std::to_string(d) + " is out of range; use " + std::to_string(lo) + " to " + std::to_string(hi));
  return d;
}

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

int64_t newest_run(Project& p) {
  sql::Stmt st(p.store().db(), "SELECT MAX(id) FROM tune_runs");
  return st.step() && !st.is_null(0) ? st.int64(0) : 0;
}

}  // namespace

json run_tune_job(JobContext& ctx) {
  const json& q = ctx.params();
  const int candidates = static_cast<int>(param(q, "candidates", 9, 1, 1000, true));
  const double time_s = param(q, "time_s", 600, 10, 7 * 86400, false);
  // distribute: the candidates become tune-candidate jobs for every worker on the store (this job's process
  // runs params.workers of them itself, default 1).
  if (q.contains("distribute") && !q["distribute"].is_boolean()) throw error_at("params.distribute", "must be true or false");
  const bool distribute = q.value("distribute", false);
  // A board: its core profiles the finalists, and its RAM, flash and clock are the budgets not given.
  const deploy::Board* board = nullptr;
  if (q.contains("board")) {
    if (!q["board"].is_string()) throw error_at("params.board", "expected a board name (GET /api/boards)");
    try {
      board = &deploy::find_board(q["board"].get<std::string>());
    } catch (const Error& e) {
      throw error_at("params.board", e.what());
    }
  }
  const double ram = board && !q.contains("ram_bytes") ? board->ram_bytes : param(q, "ram_bytes", 64 * 1024, 1024, 1e9, true);
  const double flash = board && !q.contains("flash_bytes") ? board->flash_bytes : param(q, "flash_bytes", 256 * 1024, 1024, 1e10, true);
  const double clock = board && !q.contains("clock_mhz") ? board->clock_hz / 1e6 : param(q, "clock_mhz", 80, 1, 10000, false);
  std::vector<std::string> args = {
      mote_binary().string(), "-C", ctx.project().dir().string(), "tune",
      "--candidates", std::to_string(candidates), "--time", num(time_s) + "s",
      "--finalists", num(param(q, "finalists", 1, 0, 10, true)), "--folds", num(param(q, "folds", 2, 2, 20, true)),
      "--seed", num(param(q, "seed", 1, 0, 1e15, true)),
      "--workers", num(distribute ? param(q, "workers", 1, 0, 8, true) : param(q, "workers", 2, 1, 8, true)),
      "--ram", num(ram), "--flash", num(flash),
      "--latency-ms", num(param(q, "latency_ms", 100, 0.001, 1e6, false)), "--clock-mhz", num(clock)};
  if (board) args.insert(args.end(), {"--target", board->target});
  if (distribute) args.push_back("--distribute");
  if (q.contains("metric")) {
    if (q["metric"] != "accuracy" && q["metric"] != "f1") throw error_at("params.metric", "must be accuracy or f1");
    args.insert(args.end(), {"--metric", q["metric"].get<std::string>()});
  }
  const int64_t before = newest_run(ctx.project());
  std::string shown;
  for (size_t i = 4; i < args.size(); ++i) shown += " " + args[i];
  ctx.log("mote tune" + shown);

  int fds[2];
  if (pipe(fds) != 0) throw Error(std::string("tune: pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_adddup2(&files, fds[1], 1);
  posix_spawn_file_actions_adddup2(&files, fds[1], 2);
  posix_spawn_file_actions_addclose(&files, fds[0]);
  posix_spawn_file_actions_addclose(&files, fds[1]);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);  // its own group: the candidates' workers stop with it
  posix_spawnattr_setpgroup(&attr, 0);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  // The search dies with this process (a killed worker): the retried job is then the only search.
  std::vector<std::string> env_strings = {"MOTE_DIE_WITH_PARENT=1"};
  std::vector<char*> envp;
  for (char** e = environ; *e; ++e) envp.push_back(*e);
  envp.push_back(env_strings[0].data());
  envp.push_back(nullptr);
  int err = posix_spawn(&pid, argv[0], &files, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (err != 0) {
    close(fds[0]);
    throw Error(std::string("tune: cannot start ") + argv[0] + ": " + std::strerror(err));
  }

  // Lines into the log; progress from the evaluations seen (about 1.5 per candidate with halving) and the time.
  const auto t0 = std::chrono::steady_clock::now();
  const std::regex evaluated(R"(^\s*#\d+\s+\d+ epochs)");
  std::string buf;
  size_t evaluations = 0;
  bool interrupted = false;
  std::chrono::steady_clock::time_point interrupted_at;
  auto emit = [&](std::string line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (size_t cr = line.rfind('\r'); cr != std::string::npos) line = line.substr(cr + 1);  // a redrawn bar: its last state
    if (line.empty()) return;
    ctx.log(line);
    if (std::regex_search(line, evaluated)) ++evaluations;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ctx.progress(std::min(0.95, std::max(elapsed / time_s, evaluations / (1.5 * candidates + 1))));
  };
  const int status = pump_child_output(
      fds[0], pid,
      [&](const char* chunk, size_t n) {
        buf.append(chunk, n);
        for (size_t nl; (nl = buf.find('\n')) != std::string::npos;) {
          emit(buf.substr(0, nl));
          buf.erase(0, nl + 1);
        }
      },
      [&] {
        if (ctx.cancelled() && !interrupted) {
          interrupted = true;
          interrupted_at = std::chrono::steady_clock::now();
          ctx.log("cancelling: the finished candidates are kept");
          kill(-pid, SIGINT);
        }
        if (interrupted && std::chrono::steady_clock::now() - interrupted_at > std::chrono::seconds(20)) kill(-pid, SIGKILL);
      });
  emit(buf);
  const int64_t run = newest_run(ctx.project());
  ctx.check_cancelled();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Error("tune: mote tune ended with status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) +
                "; its log above says why");
  ctx.progress(1.0);
  return {{"run", run > before ? run : 0}};
}

}  // namespace mote::serve
