// The PostgreSQL backend (libpq): a store many machines share. One connection per sql::Db, used by one thread
// at a time (guarded anyway); statements translated from SQLite's dialect once (dialect.h); text results,
// binary blobs. Passwords come from the URL, PGPASSWORD or ~/.pgpass, as libpq does.
#pragma once

#include <libpq-fe.h>

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql_backend.h"

namespace mote::sql {

// The URL without its password (for messages and mote.json).
std::string redact_postgres_url(std::string_view url);
// True when the URL itself carries a password (user:password@ or password=).
bool postgres_url_has_password(std::string_view url);

class PostgresConnection : public Connection {
 public:
  explicit PostgresConnection(const std::string& url);
  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Backend backend() const override { return Backend::Postgres; }
  const std::string& where() const override { return where_; }
  void exec(const std::string& sql) override;
  std::unique_ptr<Statement> prepare(const std::string& sql) override;
  void begin() override;
  bool in_transaction() override;
  int64_t last_insert_id() override;
  int changes() override { return changes_; }
  std::vector<std::string> tables() override;
  void sync_id_sequence(const std::string& table) override;
  [[noreturn]] void fail(const std::string& what) const override;

  // Runs translated SQL with text/binary parameters (null pointer = NULL); throws mote::Error on failure.
  // `reuse`: the statement runs again and again (an insert per sample): parse and plan it once per
  // connection (a named prepared statement, kept for the connection's life, up to 256 of them).
  PGresult* run(const std::string& sql, const std::vector<const char*>& values, const std::vector<int>& lengths,
                const std::vector<int>& formats, const std::vector<Oid>& types, bool reuse = false);

 private:
  PGresult* checked(PGresult* r);
  PGconn* conn_ = nullptr;
  std::string where_;
  int changes_ = 0;
  std::mutex m_;
  std::map<std::string, std::string> prepared_;  // SQL + parameter types -> statement name
};

}  // namespace mote::sql
