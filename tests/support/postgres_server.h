// A throwaway PostgreSQL server for tests: a copy of a cluster initdb made once ($TMPDIR/mote-pg-template-*),
// started by pg_ctl in a temporary folder, listening only on a unix socket there, run as an unprivileged user
// (through runuser when the tests run as root). A watchdog stops it and removes the folder even if the test
// process dies.
#pragma once

#include <filesystem>
#include <string>

namespace mote::test {

class PostgresServer {
 public:
  PostgresServer();  // starts it; ok() says whether it runs, why() says what failed
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  bool ok() const { return ok_; }
  const std::string& why() const { return why_; }
  // A new empty database on the server; returns its postgres:// URL.
  std::string create_database(const std::string& name);
  std::string url(const std::string& database) const;

 private:
  bool run(const std::string& command, const std::string& what);
  std::filesystem::path dir_;
  std::string bindir_, as_user_;  // as_user_: "runuser -u postgres -- " when root, else ""
  bool ok_ = false;
  std::string why_;
  int watchdog_fd_ = -1;
};

// The test process's server, started on first use.
PostgresServer& postgres_server();

// A fresh database's URL, or "" after GTEST_SKIP-worthy failure with the reason in *why.
std::string fresh_postgres_database(std::string* why);

}  // namespace mote::test
