// The `tune-candidate` job: one evaluation of the tuner's search (src/tune/search.h's CandidateTask) run by
// whichever worker claimed it: `mote -C DIR tune-candidate --impulse FILE ARGS...` as a child process, exactly
// what `mote tune` runs locally, so the same seed gives the same score anywhere. The child dies with its
// worker (PR_SET_PDEATHSIG): a killed worker leaves no orphan training on, and its lease expires.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "core/error.h"
#include "core/files.h"
#include "serve/child_output.h"
#include "serve/job_kinds.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace mote::serve {

json run_tune_candidate_job(JobContext& ctx) {
  const json& q = ctx.params();
  if (!q.contains("impulse") || !q["impulse"].is_object()) throw error_at("params.impulse", "expected the candidate's impulse (an object)");
  if (!q.contains("args") || !q["args"].is_array()) throw error_at("params.args", "expected the tune-candidate arguments (an array of strings)");
  std::vector<std::string> args = {mote_binary().string(), "-C", ctx.project().dir().string(), "tune-candidate", "--impulse"};
  static std::atomic<int> serial{0};
  const fs::path tmp = fs::temp_directory_path() / ("mote-candidate-" + std::to_string(::getpid()) + "-" + std::to_string(serial++));
  fs::create_directories(tmp);
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{tmp};
  write_file_atomic(tmp / "impulse.json", q["impulse"].dump());
  args.push_back((tmp / "impulse.json").string());
  for (const auto& a : q["args"]) {
    if (!a.is_string()) throw error_at("params.args", "expected strings only");
    args.push_back(a.get<std::string>());
  }
  const std::string err_path = (tmp / "stderr").string();
  int fds[2];
  if (pipe(fds) != 0) throw Error(std::string("tune-candidate: pipe: ") + std::strerror(errno));
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    throw Error(std::string("tune-candidate: fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the worker died before the line above
    dup2(fds[1], 1);
    int e = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (e >= 0) dup2(e, 2);
    close(fds[0]);
    close(fds[1]);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  bool killed = false;
  const int status = pump_child_output(
      fds[0], pid, [&](const char* chunk, size_t n) { out.append(chunk, n); },
      [&] {
        if (!killed && ctx.cancelled()) {
          killed = true;
          kill(pid, SIGKILL);
        }
      });
  ctx.check_cancelled();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    try {
      return json::parse(out);
    } catch (const std::exception&) {
      return {{"error", "the worker printed no result: " + out.substr(0, 200)}};
    }
  }
  std::string err;
  try {
    err = read_file(err_path);
  } catch (const std::exception&) {
  }
  // A failed candidate is a result the search records (as `mote tune` does), not a failed job.
  return {{"error", err.empty() ? "tune-candidate ended with status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) : err}};
}

}  // namespace mote::serve
