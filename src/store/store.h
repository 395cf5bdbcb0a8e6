// The project's sample store: samples and their data, settings, schema migrations; on SQLite (a file, WAL)
// or PostgreSQL (a postgres:// URL), the same SQL through store/sql.h.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
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

 private:
  void require(int64_t id);
  sql::Stmt& cached(std::unique_ptr<sql::Stmt>& slot, const char* sql);
  sql::Db db_;
  // Prepared once: imports insert thousands of rows.
  std::unique_ptr<sql::Stmt> insert_sample_, insert_data_, find_hash_;
};

}  // namespace mote
