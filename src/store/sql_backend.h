// What a database engine provides to the store (sql::Db): SQLite (sqlite.cpp) and PostgreSQL (postgres.cpp).
// Statements are written once, in SQLite's dialect; a backend translates what it must (dialect.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mote::sql {

enum class Backend { Sqlite, Postgres };
enum class ValueType { Null, Integer, Real, Text, Blob };

// One prepared statement: 1-based parameters, 0-based result columns.
class Statement {
 public:
  virtual ~Statement() = default;
  virtual void bind_int64(int i, int64_t v) = 0;
  virtual void bind_double(int i, double v) = 0;
  virtual void bind_text(int i, std::string_view v) = 0;
  virtual void bind_blob(int i, const void* data, size_t size) = 0;
  virtual void bind_null(int i) = 0;
  // True while a row is available; false when done.
  virtual bool step() = 0;
  // Ready to run again; parameters cleared.
  virtual void reset() = 0;
  virtual int64_t int64(int col) const = 0;
  virtual double real(int col) const = 0;
  virtual std::string text(int col) const = 0;
  virtual std::string blob(int col) const = 0;
  virtual bool is_null(int col) const = 0;
  virtual int column_count() const = 0;
  virtual std::string column_name(int col) const = 0;
  // The stored type of the current row's value (Integer, Real, Text or Blob, or Null).
  virtual ValueType type(int col) const = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Backend backend() const = 0;
  // Where the data lives, for messages: a file path, or a URL without its password.
  virtual const std::string& where() const = 0;
  virtual void exec(const std::string& sql) = 0;
  virtual std::unique_ptr<Statement> prepare(const std::string& sql) = 0;
  // The outermost transaction: takes the database's single writer lock at once, so a read-then-write in it
  // (duplicate check, then insert) sees no other writer in between.
  virtual void begin() = 0;
  virtual bool in_transaction() = 0;
  virtual int64_t last_insert_id() = 0;
  virtual int changes() = 0;
  virtual std::vector<std::string> tables() = 0;
  // After rows were copied in with their ids: the next automatic id follows the largest one.
  virtual void sync_id_sequence(const std::string& table) = 0;
  [[noreturn]] virtual void fail(const std::string& what) const = 0;
};

}  // namespace mote::sql
