// SQLite -> PostgreSQL statement translation (store/dialect.h), without a server.
#include "store/dialect.h"

#include <gtest/gtest.h>

using mote::sql::postgres_sql;

TEST(Dialect, ParametersBecomeNumbered) {
  EXPECT_EQ(postgres_sql("SELECT a FROM t WHERE b = ? AND c = ?"), "SELECT a FROM t WHERE b = $1 AND c = $2");
  EXPECT_EQ(postgres_sql("WHERE (?1 = '' OR kind = ?1) LIMIT ?3"), "WHERE ($1 = '' OR kind = $1) LIMIT $3");
}

TEST(Dialect, QuotedTextAndCommentsStayAsTheyAre) {
  EXPECT_EQ(postgres_sql("SELECT 'a ? b', \"real\" FROM t -- why? INTEGER\nWHERE x = ?"),
            "SELECT 'a ? b', \"real\" FROM t -- why? INTEGER\nWHERE x = $1");
  EXPECT_EQ(postgres_sql("SELECT 'it''s ?' , ?"), "SELECT 'it''s ?' , $1");
}

TEST(Dialect, TypesOfTheSchema) {
  EXPECT_EQ(postgres_sql("CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER NOT NULL, x REAL, b BLOB)"),
            "CREATE TABLE t(id BIGSERIAL PRIMARY KEY, n BIGINT NOT NULL, x DOUBLE PRECISION, b BYTEA)");
  // Only a column named id becomes an automatic id; other integer keys stay plain.
  EXPECT_EQ(postgres_sql("sample_id INTEGER PRIMARY KEY REFERENCES samples(id)"),
            "sample_id BIGINT PRIMARY KEY REFERENCES samples(id)");
  EXPECT_EQ(postgres_sql("version INTEGER PRIMARY KEY"), "version BIGINT PRIMARY KEY");
}

TEST(Dialect, FunctionsAndTheClock) {
  EXPECT_EQ(postgres_sql("instr(name, ?) > 0"), "strpos(name, $1) > 0");
  EXPECT_EQ(postgres_sql("VALUES(?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"),
            "VALUES($1, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))");
  EXPECT_EQ(postgres_sql("VALUES(datetime('now'))"), "VALUES(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'))");
  EXPECT_EQ(postgres_sql("SELECT CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) + ?"),
            "SELECT CAST(extract(epoch FROM clock_timestamp()) * 1000 AS BIGINT) + $1");
  // A word that merely contains a type's name is left alone.
  EXPECT_EQ(postgres_sql("SELECT real_time, instruction FROM t"), "SELECT real_time, instruction FROM t");
}
