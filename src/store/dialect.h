// SQLite -> PostgreSQL: the one place that knows the dialects differ. mote's SQL is written for SQLite;
// the PostgreSQL backend passes every statement through postgres_sql() once, when it is prepared.
#pragma once

#include <string>
#include <string_view>

namespace mote::sql {

// ? and ?N parameters -> $N; INTEGER -> BIGINT (`id INTEGER PRIMARY KEY` -> BIGSERIAL), REAL -> DOUBLE
// PRECISION, BLOB -> BYTEA, instr( -> strpos(; the current UTC time as SQLite spells it (datetime('now'),
// strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) -> to_char; milliseconds since the epoch
// (CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)) -> the same from clock_timestamp(). Quoted strings, quoted names and comments stay as they are.
std::string postgres_sql(std::string_view sqlite_sql);

}  // namespace mote::sql
