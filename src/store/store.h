// The project's sample store: samples and their data, settings, schema migrations; on SQLite (a file, WAL)
// or PostgreSQL (a postgres:// URL), the same SQL through store/sql.h.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/sample.h"
#include "store/sql.h"

namespace mote {

struct SampleFilter {
  std::optional<std::string> label;
  std::optional<Category> category;
  std::optional<std::string> name_contains;
  std::vector<int64_t> ids;  // empty = any
  int64_t limit = -1;        // -1 = all
  int64_t offset = 0;
};

struct LabelCount {
  std::string label;
  int64_t training = 0, testing = 0;
};

class Store {
 public:

  // Opens `location` (a SQLite file, created when asked, or a postgres:// URL) and brings its schema up to
  // date unless `migrate` is false (mote migrate runs migrate() inside its copy's transaction).
  Store(const std::string& location, bool create, bool migrate = true);

  sql::Db& db() { return db_; }
  int schema_version();
  // Applies the migrations this database lacks, each in its own transaction (nested when inside one).
  void migrate();

  // Inserts a validated sample; sets s.id, s.created_at and s.hash (kept when the caller already set it
  // from content_hash). Call inside a transaction for batches.
  int64_t insert(Sample& s);
  std::optional<int64_t> find_by_hash(const std::string& hash);
  // insert() for many: a few multi-row statements instead of two per sample (one round trip each on
  // PostgreSQL). Ids are given in the order of `batch`. Call inside a transaction.
  void insert_all(const std::vector<Sample*>& batch);

  std::vector<Sample> list(const SampleFilter& f, bool with_data = false);
  int64_t count(const SampleFilter& f);
  // Throws mote::Error when the id does not exist.
  Sample get(int64_t id, bool with_data = true);
  std::vector<LabelCount> label_counts();

  void set_label(int64_t id, const std::string& label);
  void set_category(int64_t id, Category c);
  void rename(int64_t id, const std::string& name);
  void remove(int64_t id);
  // Replaces data and shape of a stored sample (crop), recomputing its hash.
  void replace_data(Sample& s);

  std::optional<std::string> setting(const std::string& key);
  void set_setting(const std::string& key, const std::string& value);

  // A statement prepared once on this connection and kept, for those run on every request (an API key's
  // lookup): SQLite parses it once, PostgreSQL plans it once. Reset it after use (sql::Done), since
  // a SQLite statement left mid-result holds its read snapshot.
  sql::Stmt& prepared(const std::string& sql);

 private:
  void require(int64_t id);
  void insert_rows(Sample* const* rows, size_t n);
  sql::Stmt& cached(std::unique_ptr<sql::Stmt>& slot, const char* sql);
  sql::Db db_;
  // Prepared once: imports insert thousands of rows.
  std::unique_ptr<sql::Stmt> find_hash_;
  std::unordered_map<std::string, std::unique_ptr<sql::Stmt>> prepared_;
};

}  // namespace mote
