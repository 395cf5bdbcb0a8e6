#include "support/postgres_server.h"

#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "store/sql.h"
#include "support/test_support.h"

extern char** environ;

namespace fs = std::filesystem;

namespace mote::test {

namespace {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string command_output(const std::string& cmd) {
  std::string out;
  if (FILE* f = ::popen(cmd.c_str(), "r")) {
    char buf[512];
    while (size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
    ::pclose(f);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// initdb and pg_ctl: on PATH, else where pg_config or Debian's postgresql-NN put them.
std::string find_bindir() {
  std::vector<std::string> dirs;
  std::string which = command_output("command -v initdb 2>/dev/null");
  if (!which.empty()) dirs.push_back(fs::path(which).parent_path().string());
  std::string cfg = command_output("pg_config --bindir 2>/dev/null");
  if (!cfg.empty()) dirs.push_back(cfg);
  std::error_code ec;
  std::vector<fs::path> debian;
  for (auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) debian.push_back(e.path() / "bin");
  std::sort(debian.rbegin(), debian.rend());  // the newest version first
  for (auto& d : debian) dirs.push_back(d.string());
  for (auto& d : dirs)
    if (fs::exists(fs::path(d) / "initdb") && fs::exists(fs::path(d) / "pg_ctl")) return d;
  return "";
}

}  // namespace

PostgresServer::PostgresServer() {
  bindir_ = find_bindir();
  if (bindir_.empty()) {
    why_ = "no initdb/pg_ctl found (install postgresql: scripts/setup)";
    return;
  }
  // PostgreSQL refuses to run as root: hand the cluster to an unprivileged user.
  uid_t uid = ::geteuid();
  gid_t gid = ::getegid();
  if (uid == 0) {
    const char* user = ::getpwnam("postgres") ? "postgres" : "nobody";
    struct passwd* pw = ::getpwnam(user);
    if (!pw || !fs::exists("/usr/sbin/runuser")) {
      why_ = "running as root without a postgres/nobody user or runuser to start PostgreSQL as";
      return;
    }
    uid = pw->pw_uid;
    gid = pw->pw_gid;
    as_user_ = std::string("/usr/sbin/runuser -u ") + user + " -- ";
  }
  static std::atomic<int> serial{0};
  dir_ = fs::temp_directory_path() / ("mote-pg-" + std::to_string(::getpid()) + "-" + std::to_string(serial++));
  std::error_code ec;
  fs::remove_all(dir_, ec);
  fs::create_directories(dir_, ec);
  if (ec || ::chown(dir_.c_str(), uid, gid) != 0 || ::chmod(dir_.c_str(), 0700) != 0) {
    why_ = "cannot prepare " + dir_.string() + " for the server";
    return;
  }
  // The watchdog holds the read end of a pipe: when this process ends (even killed), it stops the server.
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) == 0) {
    std::string stop = "cat >/dev/null; " + as_user_ + shell_quote(bindir_ + "/pg_ctl") + " -D " + shell_quote((dir_ / "data").string()) +
                       " -m immediate stop >/dev/null 2>&1; rm -rf " + shell_quote(dir_.string());
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    const char* argv[] = {"/bin/sh", "-c", stop.c_str(), nullptr};
    pid_t pid;
    if (posix_spawn(&pid, "/bin/sh", &fa, nullptr, const_cast<char**>(argv), environ) == 0) watchdog_fd_ = fds[1];
    else ::close(fds[1]);
    posix_spawn_file_actions_destroy(&fa);
    ::close(fds[0]);
  }
  const std::string data = shell_quote((dir_ / "data").string());
  // initdb takes seconds: a cluster made once per server user and PostgreSQL build is copied instead.
  const fs::path tmpl = fs::temp_directory_path() / ("mote-pg-template-" + std::to_string(uid) + "-" +
                                                     std::to_string(std::hash<std::string>{}(bindir_)));
  if (!fs::exists(tmpl / "PG_VERSION")) {
    int lock = ::open((tmpl.string() + ".lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (lock >= 0) ::flock(lock, LOCK_EX);  // one process makes it; the others wait and copy
    if (!fs::exists(tmpl / "PG_VERSION")) {
      // initdb's output is written by this process, the server's log by the server's user: two files.
      bool made = run(as_user_ + shell_quote(bindir_ + "/initdb") + " -D " + shell_quote((dir_ / "template").string()) +
                          " -A trust -U mote -E UTF8 --locale=C --no-sync >" + shell_quote((dir_ / "initdb.log").string()) +
                          " 2>&1",
                      "initdb");
      if (made) {
        fs::remove_all(tmpl, ec);
        fs::rename(dir_ / "template", tmpl, ec);
      }
    }
    if (lock >= 0) ::close(lock);
    if (!why_.empty()) return;
  }
  if (!run("cp -a " + shell_quote(tmpl.string()) + " " + data, "copying the template cluster " + tmpl.string())) return;
  // Unix socket only (no port to collide with), no fsync: a test server, thrown away after.
  std::string opts = "-k " + dir_.string() + " -c listen_addresses= -c fsync=off -c full_page_writes=off -c max_connections=40";
  if (!run(as_user_ + shell_quote(bindir_ + "/pg_ctl") + " -D " + data + " -l " + shell_quote((dir_ / "server.log").string()) +
               " -w -t 60 -o " + shell_quote(opts) + " start >" + shell_quote((dir_ / "pg_ctl.log").string()) + " 2>&1",
           "pg_ctl start"))
    return;
  ok_ = true;
}

bool PostgresServer::run(const std::string& command, const std::string& what) {
  int status = std::system(command.c_str());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  std::string tail;
  for (const char* f : {"initdb.log", "pg_ctl.log", "server.log"})
    tail += command_output("tail -n 2 " + shell_quote((dir_ / f).string()) + " 2>/dev/null | tr '\\n' ' '");
  why_ = "the PostgreSQL test server did not start (" + what + " failed: " + tail + ")";
  return false;
}

PostgresServer::~PostgresServer() {
  if (ok_)
    std::system((as_user_ + shell_quote(bindir_ + "/pg_ctl") + " -D " + shell_quote((dir_ / "data").string()) +
                 " -m immediate -w stop >/dev/null 2>&1")
                    .c_str());
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  if (watchdog_fd_ >= 0) ::close(watchdog_fd_);
}

std::string PostgresServer::url(const std::string& database) const {
  return "postgresql://mote@/" + database + "?host=" + dir_.string();
}

std::string PostgresServer::create_database(const std::string& name) {
  sql::Db admin(url("postgres"), false);
  admin.exec("CREATE DATABASE " + name);
  return url(name);
}

PostgresServer& postgres_server() {
  static PostgresServer server;
  return server;
}

std::string fresh_postgres_database(std::string* why) {
  PostgresServer& s = postgres_server();
  if (!s.ok()) {
    *why = s.why();
    return "";
  }
  static std::atomic<int> n{0};
  return s.create_database("t" + std::to_string(n++));
}

}  // namespace mote::test
