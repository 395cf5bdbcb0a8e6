// The store's SQL layer: a connection (SQLite file or PostgreSQL URL), prepared statements and transactions,
// the same API on both backends (sql_backend.h). Code writes SQLite-dialect SQL with ? parameters.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql_backend.h"

namespace mote::sql {

// True for postgres:// and postgresql:// URLs (libpq's connection URIs); anything else is a SQLite file.
bool is_postgres_url(std::string_view location);

class Db {
 public:
  Db() = default;
  // `location`: a SQLite file path, or a postgres:// URL (`create` matters only for files).
  Db(const std::string& location, bool create);
  Db(Db&&) noexcept = default;
  Db& operator=(Db&&) noexcept = default;

  void exec(const std::string& sql) { conn_->exec(sql); }
  Backend backend() const { return conn_->backend(); }
  // Where the data lives, for messages (file path, or URL without password).
  const std::string& path() const { return conn_->where(); }
  int64_t last_insert_id() const { return conn_->last_insert_id(); }
  int changes() const { return conn_->changes(); }
  bool in_transaction() const { return conn_->in_transaction(); }
  std::vector<std::string> tables() const { return conn_->tables(); }
  void sync_id_sequence(const std::string& table) { conn_->sync_id_sequence(table); }
  Connection& connection() const { return *conn_; }
  [[noreturn]] void fail(const std::string& what) const { conn_->fail(what); }

 private:
  std::unique_ptr<Connection> conn_;
};

class Stmt {
 public:
  Stmt(const Db& db, const std::string& sql) : st_(db.connection().prepare(sql)) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int i, int64_t v) { st_->bind_int64(i, v); return *this; }
  Stmt& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Stmt& bind(int i, double v) { st_->bind_double(i, v); return *this; }
  Stmt& bind(int i, std::string_view v) { st_->bind_text(i, v); return *this; }
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind_blob(int i, const void* data, size_t size) { st_->bind_blob(i, data, size); return *this; }
  Stmt& bind_null(int i) { st_->bind_null(i); return *this; }

  // Returns true while a row is available; false when done.
  bool step() { return st_->step(); }
  // Runs a statement that returns no rows.
  void run() {
    while (step()) {
    }
    reset();
  }
  void reset() { st_->reset(); }

  int64_t int64(int col) const { return st_->int64(col); }
  double real(int col) const { return st_->real(col); }
  std::string text(int col) const { return st_->text(col); }
  std::string blob(int col) const { return st_->blob(col); }
  bool is_null(int col) const { return st_->is_null(col); }
  int column_count() const { return st_->column_count(); }
  std::string column_name(int col) const { return st_->column_name(col); }
  ValueType type(int col) const { return st_->type(col); }

 private:
  std::unique_ptr<Statement> st_;
};

// Resets a kept statement when the scope ends, whichever way it ends.
class Done {
 public:
  explicit Done(Stmt& st) : st_(st) {}
  ~Done() { st_.reset(); }
  Done(const Done&) = delete;
  Done& operator=(const Done&) = delete;

 private:
  Stmt& st_;
};

// The outermost transaction takes the writer lock (Connection::begin); inside one, a savepoint nests.
// Rolls back unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Db& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Db& db_;
  bool nested_;
  bool done_ = false;
};

}  // namespace mote::sql
