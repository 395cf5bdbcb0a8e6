#include "store/copy.h"

#include <algorithm>
#include <cstring>
#include <regex>
#include <set>

#include "core/crypto.h"
#include "core/error.h"
#include "store/migrations.h"

namespace mote {

namespace {

// One row as typed bytes: the digest's unit.
std::string row_bytes(const sql::Stmt& st) {
  std::string out;
  for (int c = 0; c < st.column_count(); ++c) {
    switch (st.type(c)) {
      case sql::ValueType::Null: out += "n;"; break;
      case sql::ValueType::Integer: out += "i" + std::to_string(st.int64(c)) + ";"; break;
      case sql::ValueType::Real: {
        double v = st.real(c);
        uint64_t bits;
        std::memcpy(&bits, &v, sizeof v);
        out += "r" + std::to_string(bits) + ";";
        break;
      }
      case sql::ValueType::Text:
      case sql::ValueType::Blob: {
        std::string v = st.type(c) == sql::ValueType::Text ? st.text(c) : st.blob(c);
        out += "s" + std::to_string(v.size()) + ":" + v + ";";
        break;
      }
    }
  }
  return out;
}

int64_t count_rows(sql::Db& db, const std::string& table) {
  sql::Stmt st(db, "SELECT count(*) FROM " + table);
  st.step();
  return st.int64(0);
}

void copy_table(sql::Db& from, sql::Db& to, const std::string& table) {
  sql::Stmt src(from, "SELECT * FROM " + table);
  std::unique_ptr<sql::Stmt> ins;
  bool has_id = false;
  while (src.step()) {
    if (!ins) {
      std::string cols, params;
      for (int c = 0; c < src.column_count(); ++c) {
        cols += (c ? ", " : "") + src.column_name(c);
        params += c ? ", ?" : "?";
        has_id = has_id || src.column_name(c) == "id";
      }
      ins = std::make_unique<sql::Stmt>(to, "INSERT INTO " + table + "(" + cols + ") VALUES(" + params + ")");
    }
    for (int c = 0; c < src.column_count(); ++c) {
      switch (src.type(c)) {
        case sql::ValueType::Null: ins->bind_null(c + 1); break;
        case sql::ValueType::Integer: ins->bind(c + 1, src.int64(c)); break;
        case sql::ValueType::Real: ins->bind(c + 1, src.real(c)); break;
        case sql::ValueType::Text: ins->bind(c + 1, src.text(c)); break;
        case sql::ValueType::Blob: {
          std::string b = src.blob(c);
          ins->bind_blob(c + 1, b.data(), b.size());
          break;
        }
      }
    }
    ins->run();
  }
  if (has_id) to.sync_id_sequence(table);
}

}  // namespace

std::vector<std::string> schema_tables() {
  std::vector<std::string> out{"schema_version"};
  static const std::regex create(R"(CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+))", std::regex::icase);
  for (const auto& step : schema_migrations())
    for (std::sregex_iterator it(step.begin(), step.end(), create), end; it != end; ++it) out.push_back((*it)[1]);
  return out;
}

std::string table_digest(sql::Db& db, const std::string& table) {
  sql::Stmt st(db, "SELECT * FROM " + table);
  std::vector<std::string> rows;
  while (st.step()) rows.push_back(sha256_hex(row_bytes(st)));
  // Sorted: the backends order rows (and text) differently; the digest must not depend on it.
  std::sort(rows.begin(), rows.end());
  Sha256 h;
  for (auto& r : rows) h.update(r);
  return h.hex();
}

CopyReport copy_store(Store& from, Store& to) {
  const std::string there = to.db().path();
  if (!to.db().tables().empty())
    throw error_at(there, "already holds tables; migrate into a new file or an empty database (or schema)");
  // Writers wait on the source while it is read, so the copy is one consistent state of the project.
  sql::Transaction read_lock(from.db());
  sql::Transaction tx(to.db());
  to.migrate();
  if (to.schema_version() != from.schema_version())
    throw error_at(from.db().path(), "schema " + std::to_string(from.schema_version()) + " is not this mote's (" +
                                         std::to_string(to.schema_version()) + "); open the project once to upgrade it");
  std::vector<std::string> tables = schema_tables();
  std::set<std::string> expected(tables.begin(), tables.end());
  for (auto& t : from.db().tables())
    if (!expected.count(t))
      throw error_at(from.db().path(), "table '" + t + "' is not in mote's schema; mote migrate copies only its own tables");

  CopyReport report;
  for (auto& t : tables) {
    if (t != "schema_version") copy_table(from.db(), to.db(), t);
    TableCopy c{t, count_rows(to.db(), t), table_digest(to.db(), t)};
    int64_t source_rows = count_rows(from.db(), t);
    if (c.rows != source_rows)
      throw error_at(there, "table " + t + ": " + std::to_string(c.rows) + " rows copied of " + std::to_string(source_rows) +
                                "; nothing was written");
    if (t != "schema_version" && c.digest != table_digest(from.db(), t))
      throw error_at(there, "table " + t + ": the copied rows differ from the source's; nothing was written");
    report.tables.push_back(std::move(c));
  }
  // Read every sample back through the store and hash its data: the copy must decode, not just compare bytes.
  const int64_t batch = 256;
  for (int64_t offset = 0;; offset += batch) {
    SampleFilter f;
    f.limit = batch;
    f.offset = offset;
    auto samples = to.list(f, true);
    for (auto& s : samples) {
      if (content_hash(s) == s.hash) continue;
      if (content_hash(from.get(s.id)) == s.hash)
        throw error_at(there, "sample " + std::to_string(s.id) + ": its data reads back with another hash; nothing was written");
      report.source_mismatches++;  // already so in the source: copied faithfully
    }
    report.samples += static_cast<int64_t>(samples.size());
    if (static_cast<int64_t>(samples.size()) < batch) break;
  }
  tx.commit();
  return report;
}

}  // namespace mote
