#include "store/sqlite.h"

#include "core/error.h"

namespace mote::sql {

namespace {

class SqliteStatement : public Statement {
 public:
  SqliteStatement(const SqliteConnection& conn, sqlite3* db, const std::string& sql) : conn_(conn) {
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
      conn.fail("cannot prepare statement");
  }
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  void bind_int64(int i, int64_t v) override { check(sqlite3_bind_int64(stmt_, i, v)); }
  void bind_double(int i, double v) override { check(sqlite3_bind_double(stmt_, i, v)); }
  void bind_text(int i, std::string_view v) override {
    check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  }
  void bind_blob(int i, const void* data, size_t size) override {
    // A zero-length blob must still be a blob, not NULL.
    check(sqlite3_bind_blob64(stmt_, i, size ? data : "", size, SQLITE_TRANSIENT));
  }
  void bind_null(int i) override { check(sqlite3_bind_null(stmt_, i)); }

  bool step() override {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Error e = conn_.error("database error");
    sqlite3_reset(stmt_);  // ready to bind again: a cached statement (Store's inserts) outlives the failure
    throw e;
  }
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int64_t int64(int col) const override { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const override { return sqlite3_column_double(stmt_, col); }
  std::string text(int col) const override {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    int n = sqlite3_column_bytes(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
  }
  std::string blob(int col) const override {
    const void* p = sqlite3_column_blob(stmt_, col);
    int n = sqlite3_column_bytes(stmt_, col);
    return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
  }
  bool is_null(int col) const override { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int column_count() const override { return sqlite3_column_count(stmt_); }
  std::string column_name(int col) const override { return sqlite3_column_name(stmt_, col); }
  ValueType type(int col) const override {
    switch (sqlite3_column_type(stmt_, col)) {
      case SQLITE_INTEGER: return ValueType::Integer;
      case SQLITE_FLOAT: return ValueType::Real;
      case SQLITE_TEXT: return ValueType::Text;
      case SQLITE_BLOB: return ValueType::Blob;
      default: return ValueType::Null;
    }
  }

 private:
  void check(int rc) const {
    if (rc != SQLITE_OK) conn_.fail("bind");
  }
  const SqliteConnection& conn_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path, bool create) : path_(path) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw error_at(path, "cannot open the database: " + msg);
  }
  // Concurrent readers (studio, jobs) wait instead of failing at once.
  sqlite3_busy_timeout(db_, 10000);
}

SqliteConnection::~SqliteConnection() {
  if (db_) sqlite3_close_v2(db_);
}

Error SqliteConnection::error(const std::string& what) const { return error_at(path_, what + ": " + sqlite3_errmsg(db_)); }

void SqliteConnection::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw error_at(path_, "database error: " + msg);
  }
}

std::unique_ptr<Statement> SqliteConnection::prepare(const std::string& sql) {
  return std::make_unique<SqliteStatement>(*this, db_, sql);
}

std::vector<std::string> SqliteConnection::tables() {
  SqliteStatement st(*this, db_, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  return out;
}

}  // namespace mote::sql
