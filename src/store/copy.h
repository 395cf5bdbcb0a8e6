// Copying a project's store to another backend (`mote migrate --to`): every table, in one transaction on the
// target, verified (row counts, a digest of every table's rows, every sample's content hash) before it commits.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.h"

namespace mote {

struct TableCopy {
  std::string table;
  int64_t rows = 0;
  std::string digest;  // the same on both sides, or the copy did not commit
};

struct CopyReport {
  std::vector<TableCopy> tables;
  int64_t samples = 0;           // samples whose data was read back and hashed on the target
  int64_t source_mismatches = 0;  // samples whose stored hash already disagreed with their data in the source
};

// The tables the schema migrations create, in creation order (so foreign keys point at tables copied before).
std::vector<std::string> schema_tables();

// Order-independent SHA-256 over every row of `table` (each value typed; reals by their bits).
std::string table_digest(sql::Db& db, const std::string& table);

// Copies `from` into `to`, a store opened without migrating (Store(location, create, false)) that holds no
// tables yet. Throws mote::Error, with `to` left as it was, when anything differs or fails.
CopyReport copy_store(Store& from, Store& to);

}  // namespace mote
