#include "store/sql.h"

#include "store/postgres.h"
#include "store/sqlite.h"

namespace mote::sql {

bool is_postgres_url(std::string_view location) {
  return location.starts_with("postgres://") || location.starts_with("postgresql://");
}

Db::Db(const std::string& location, bool create) {
  if (is_postgres_url(location))
    conn_ = std::make_unique<PostgresConnection>(location);
  else
    conn_ = std::make_unique<SqliteConnection>(location, create);
}

Transaction::Transaction(Db& db) : db_(db), nested_(db.in_transaction()) {
  if (nested_)
    db_.exec("SAVEPOINT mote_tx");
  else
    db_.connection().begin();
}

Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.exec(nested_ ? "ROLLBACK TO mote_tx; RELEASE mote_tx" : "ROLLBACK");
    } catch (...) {
    }
  }
}

void Transaction::commit() {
  db_.exec(nested_ ? "RELEASE mote_tx" : "COMMIT");
  done_ = true;
}

}  // namespace mote::sql
