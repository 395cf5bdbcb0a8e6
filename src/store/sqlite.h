// The SQLite backend (the embedded default): one file, WAL, the connection serialized by SQLite itself.
#pragma once

#include <sqlite3.h>

#include <string>

#include "core/error.h"
#include "store/sql_backend.h"

namespace mote::sql {

class SqliteConnection : public Connection {
 public:
  SqliteConnection(const std::string& path, bool create);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Backend backend() const override { return Backend::Sqlite; }
  const std::string& where() const override { return path_; }
  void exec(const std::string& sql) override;
  std::unique_ptr<Statement> prepare(const std::string& sql) override;
  void begin() override { exec("BEGIN IMMEDIATE"); }
  bool in_transaction() override { return sqlite3_get_autocommit(db_) == 0; }
  int64_t last_insert_id() override { return sqlite3_last_insert_rowid(db_); }
  int changes() override { return sqlite3_changes(db_); }
  std::vector<std::string> tables() override;
  void sync_id_sequence(const std::string&) override {}  // INTEGER PRIMARY KEY follows max(id) by itself
  [[noreturn]] void fail(const std::string& what) const override { throw error(what); }
  // "path: what: SQLite's message".
  Error error(const std::string& what) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace mote::sql
