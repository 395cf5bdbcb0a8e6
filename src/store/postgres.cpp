#include "store/postgres.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "core/error.h"
#include "store/dialect.h"

namespace mote::sql {

namespace {

constexpr Oid kBoolOid = 16, kByteaOid = 17, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kFloat4Oid = 700,
              kFloat8Oid = 701, kNumericOid = 1700;

std::string first_line(const char* msg) {
  std::string s = msg ? msg : "";
  if (s.rfind("ERROR:  ", 0) == 0) s = s.substr(8);
  size_t nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

class PostgresStatement : public Statement {
 public:
  PostgresStatement(PostgresConnection& conn, const std::string& sql) : conn_(conn), sql_(postgres_sql(sql)) {}
  ~PostgresStatement() override { PQclear(res_); }

  void bind_int64(int i, int64_t v) override { set(i, std::to_string(v), 0, 0); }
  void bind_double(int i, double v) override {
    if (std::isnan(v)) return set(i, "NaN", 0, 0);
    if (std::isinf(v)) return set(i, v > 0 ? "Infinity" : "-Infinity", 0, 0);
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back to the same double
    set(i, std::string(buf, r.ptr), 0, 0);
  }
  void bind_text(int i, std::string_view v) override { set(i, std::string(v), 0, 0); }
  void bind_blob(int i, const void* data, size_t size) override {
    set(i, std::string(static_cast<const char*>(data), size), 1, kByteaOid);
  }
  void bind_null(int i) override {
    slot(i);
    values_[static_cast<size_t>(i - 1)].reset();
  }

  bool step() override {
    if (!res_) {
      std::vector<const char*> v(values_.size());
      std::vector<int> len(values_.size());
      for (size_t k = 0; k < values_.size(); ++k) {
        v[k] = values_[k] ? values_[k]->data() : nullptr;
        len[k] = values_[k] ? static_cast<int>(values_[k]->size()) : 0;
      }
      res_ = conn_.run(sql_, v, len, formats_, types_, runs_ > 0);
      runs_++;
      row_ = -1;
    }
    return ++row_ < PQntuples(res_);
  }
  void reset() override {
    PQclear(res_);
    res_ = nullptr;
    values_.clear();
    formats_.clear();
    types_.clear();
  }

  int64_t int64(int col) const override {
    const char* v = PQgetvalue(res_, row_, col);
    if (PQftype(res_, col) == kBoolOid) return v[0] == 't' ? 1 : 0;
    return std::strtoll(v, nullptr, 10);
  }
  double real(int col) const override { return std::strtod(PQgetvalue(res_, row_, col), nullptr); }
  std::string text(int col) const override {
    if (PQftype(res_, col) == kByteaOid) return blob(col);
    return std::string(PQgetvalue(res_, row_, col), static_cast<size_t>(PQgetlength(res_, row_, col)));
  }
  std::string blob(int col) const override {
    if (PQftype(res_, col) != kByteaOid)
      return std::string(PQgetvalue(res_, row_, col), static_cast<size_t>(PQgetlength(res_, row_, col)));
    size_t n = 0;
    unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(res_, row_, col)), &n);
    if (!raw) conn_.fail("cannot decode a binary column");
    std::string out(reinterpret_cast<const char*>(raw), n);
    PQfreemem(raw);
    return out;
  }
  bool is_null(int col) const override { return PQgetisnull(res_, row_, col) != 0; }
  int column_count() const override { return res_ ? PQnfields(res_) : 0; }
  std::string column_name(int col) const override { return PQfname(res_, col); }
  ValueType type(int col) const override {
    if (is_null(col)) return ValueType::Null;
    switch (PQftype(res_, col)) {
      case kBoolOid: case kInt2Oid: case kInt4Oid: case kInt8Oid: return ValueType::Integer;
      case kFloat4Oid: case kFloat8Oid: case kNumericOid: return ValueType::Real;
      case kByteaOid: return ValueType::Blob;
      default: return ValueType::Text;
    }
  }

 private:
  void slot(int i) {
    if (i < 1) conn_.fail("bind: parameter " + std::to_string(i) + " out of range");
    size_t n = static_cast<size_t>(i);
    if (values_.size() < n) {
      values_.resize(n);
      formats_.resize(n, 0);
      types_.resize(n, 0);
    }
  }
  void set(int i, std::string v, int format, Oid type) {
    slot(i);
    values_[static_cast<size_t>(i - 1)] = std::move(v);
    formats_[static_cast<size_t>(i - 1)] = format;
    types_[static_cast<size_t>(i - 1)] = type;
  }

  PostgresConnection& conn_;
  std::string sql_;
  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;
  std::vector<Oid> types_;  // 0: the server infers the type from the statement
  PGresult* res_ = nullptr;
  int row_ = -1;
  int runs_ = 0;  // from the second run on, prepared once per connection
};

}  // namespace

std::string redact_postgres_url(std::string_view url) {
  std::string s(url);
  size_t scheme = s.find("://");
  size_t at = s.find('@', scheme == std::string::npos ? 0 : scheme + 3);
  size_t slash = s.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme != std::string::npos && at != std::string::npos && (slash == std::string::npos || at < slash)) {
    size_t colon = s.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) s.erase(colon, at - colon);
  }
  for (size_t p = s.find("password="); p != std::string::npos; p = s.find("password=", p + 1)) {
    size_t end = s.find('&', p);
    s.replace(p + 9, (end == std::string::npos ? s.size() : end) - (p + 9), "***");
  }
  return s;
}

bool postgres_url_has_password(std::string_view url) { return redact_postgres_url(url) != url; }

PostgresConnection::PostgresConnection(const std::string& url) : where_(redact_postgres_url(url)) {
  conn_ = PQconnectdb(url.c_str());
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = conn_ ? first_line(PQerrorMessage(conn_)) : "out of memory";
    PQfinish(conn_);
    conn_ = nullptr;
    throw error_at(where_, "cannot connect to PostgreSQL (" + msg +
                               "); check the URL, that the server runs, and the password (PGPASSWORD or ~/.pgpass)");
  }
  // NOTICEs (CREATE ... IF NOT EXISTS) are not the user's business.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  exec("SET client_encoding = 'UTF8'");
}

PostgresConnection::~PostgresConnection() { PQfinish(conn_); }

void PostgresConnection::fail(const std::string& what) const {
  throw error_at(where_, what + ": " + first_line(PQerrorMessage(conn_)));
}

PGresult* PostgresConnection::checked(PGresult* r) {
  ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
    const char* n = PQcmdTuples(r);
    changes_ = n && *n ? std::atoi(n) : 0;
    return r;
  }
  std::string msg = r ? first_line(PQresultErrorMessage(r)) : first_line(PQerrorMessage(conn_));
  PQclear(r);
  if (PQstatus(conn_) == CONNECTION_BAD)
    throw error_at(where_, "lost the connection to PostgreSQL (" + msg + "); check the server and try again");
  throw error_at(where_, "database error: " + msg);
}

void PostgresConnection::exec(const std::string& sql) {
  std::lock_guard<std::mutex> lk(m_);
  std::string pg = postgres_sql(sql);
  PQclear(checked(PQexec(conn_, pg.c_str())));
}

PGresult* PostgresConnection::run(const std::string& sql, const std::vector<const char*>& values,
                                  const std::vector<int>& lengths, const std::vector<int>& formats,
                                  const std::vector<Oid>& types, bool reuse) {
  std::lock_guard<std::mutex> lk(m_);
  int n = static_cast<int>(values.size());
  if (reuse) {
    std::string key = sql;
    key.push_back('\0');
    key.append(reinterpret_cast<const char*>(types.data()), types.size() * sizeof(Oid));
    auto it = prepared_.find(key);
    if (it == prepared_.end() && prepared_.size() < 256) {
      std::string name = "mote_" + std::to_string(prepared_.size());
      PQclear(checked(PQprepare(conn_, name.c_str(), sql.c_str(), n, types.data())));
      it = prepared_.emplace(std::move(key), std::move(name)).first;
    }
    if (it != prepared_.end())
      return checked(PQexecPrepared(conn_, it->second.c_str(), n, values.data(), lengths.data(), formats.data(), 0));
  }
  return checked(PQexecParams(conn_, sql.c_str(), n, types.data(), values.data(), lengths.data(), formats.data(), 0));
}

std::unique_ptr<Statement> PostgresConnection::prepare(const std::string& sql) {
  return std::make_unique<PostgresStatement>(*this, sql);
}

void PostgresConnection::begin() {
  // SQLite's BEGIN IMMEDIATE: one writer per schema at a time, taken before the transaction reads anything.
  exec("BEGIN; SELECT pg_advisory_xact_lock(hashtext(current_schema()))");
}

bool PostgresConnection::in_transaction() {
  std::lock_guard<std::mutex> lk(m_);
  return PQtransactionStatus(conn_) != PQTRANS_IDLE;
}

int64_t PostgresConnection::last_insert_id() {
  PostgresStatement st(*this, "SELECT lastval()");
  if (!st.step()) fail("no id was made");
  return st.int64(0);
}

std::vector<std::string> PostgresConnection::tables() {
  PostgresStatement st(*this, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename");
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  return out;
}

void PostgresConnection::sync_id_sequence(const std::string& table) {
  for (char c : table)
    if (!(std::islower(static_cast<unsigned char>(c)) || c == '_')) fail("not a table name: " + table);
  exec("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), coalesce((SELECT max(id) FROM " + table +
       "), 0) + 1, false)");
}

}  // namespace mote::sql
