#include "serve/job_rows.h"

#include <unistd.h>

#include <chrono>
#include <ctime>

#include "core/error.h"

using nlohmann::json;

namespace mote::serve {

const char* const kStoreNowMs = "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";

std::string now_iso8601() {
  auto now = std::chrono::system_clock::now();
  auto t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
  return out;
}

namespace {

std::string now_ms() { return kStoreNowMs; }

// "?N, ?N+1, ..." for an IN list starting at parameter `first`.
std::string in_list(size_t n, int first) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += (i ? ", ?" : "?") + std::to_string(first + static_cast<int>(i));
  return s;
}

}  // namespace

std::string lease_owner(const std::string& role) {
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  return role + "@" + host + ":" + std::to_string(::getpid());
}

int64_t enqueue_job(sql::Db& db, const std::string& kind, const json& params, const std::string& batch) {
  sql::Stmt st(db, "INSERT INTO jobs(kind, state, params, created_at, batch) VALUES(?, 'queued', ?, ?, ?) RETURNING id");
  st.bind(1, kind).bind(2, params.is_null() ? std::string("{}") : params.dump()).bind(3, now_iso8601()).bind(4, batch);
  if (!st.step()) db.fail("the job was not queued");
  const int64_t id = st.int64(0);
  while (st.step()) {
  }
  return id;
}

std::optional<ClaimedJob> claim_job(sql::Db& db, const std::string& owner, const ClaimFilter& f, const LeasePolicy& p) {
  if (f.kinds.empty()) return std::nullopt;
  const std::string runnable = "(state = 'queued' OR (state = 'running' AND lease_expires_at < " + now_ms() +
                               ")) AND (?1 = '' OR batch = ?1) AND kind IN (" + in_list(f.kinds.size(), 2) + ")";
  auto bind_filter = [&](sql::Stmt& st) {
    st.bind(1, f.batch);
    for (size_t i = 0; i < f.kinds.size(); ++i) st.bind(2 + static_cast<int>(i), f.kinds[i]);
  };
  // A read first: idle claimers poll, and a read never waits for a writer.
  {
    sql::Stmt any(db, "SELECT 1 FROM jobs WHERE " + runnable + " LIMIT 1");
    bind_filter(any);
    if (!any.step()) return std::nullopt;
  }
  const bool pg = db.backend() == sql::Backend::Postgres;
  const int k = 2 + static_cast<int>(f.kinds.size());  // the first parameter after the filter's
  // SQLite: the sweep and the claim under its one writer lock. PostgreSQL: each statement on its own; the
  // claim locks the row it picks and skips rows other claimers hold.
  std::optional<sql::Transaction> tx;
  if (!pg) tx.emplace(db);
  {
    sql::Stmt sweep(db, "UPDATE jobs SET state = 'failed', finished_at = ?" + std::to_string(k) +
                            ", lease_owner = NULL, lease_expires_at = NULL, error = 'its worker stopped answering ' || "
                            "attempts || ' times (the lease expired); submit it again', log = log || 'lease expired: "
                            "no more attempts\n' WHERE state = 'running' AND lease_expires_at < " + now_ms() +
                            " AND attempts >= ?" + std::to_string(k + 1) + " AND (?1 = '' OR batch = ?1) AND kind IN (" +
                            in_list(f.kinds.size(), 2) + ")");
    bind_filter(sweep);
    sweep.bind(k, now_iso8601()).bind(k + 1, static_cast<int64_t>(p.max_attempts)).run();
  }
  sql::Stmt st(db, "UPDATE jobs SET started_at = ?" + std::to_string(k) + ", lease_owner = ?" + std::to_string(k + 1) +
                       ", lease_expires_at = " + now_ms() + " + ?" + std::to_string(k + 2) +
                       ", attempts = attempts + 1, log = CASE WHEN state = 'running' THEN log || 'lease expired: "
                       "claimed again by ' || ?" + std::to_string(k + 1) + " || '\n' ELSE log END, state = 'running' "
                       "WHERE id = (SELECT id FROM jobs WHERE " + runnable + " ORDER BY id LIMIT 1" +
                       (pg ? " FOR UPDATE SKIP LOCKED" : "") + ") AND " + runnable + " RETURNING id, kind, params, attempts");
  bind_filter(st);
  st.bind(k, now_iso8601()).bind(k + 1, owner).bind(k + 2, p.lease_ms);
  std::optional<ClaimedJob> out;
  if (st.step()) {
    out = ClaimedJob{st.int64(0), st.text(1), json::parse(st.text(2), nullptr, false), static_cast<int>(st.int64(3))};
    while (st.step()) {
    }
  }
  if (tx) tx->commit();
  return out;
}

Heartbeat heartbeat_job(sql::Db& db, const ClaimedJob& j, const std::string& owner, const LeasePolicy& p,
                        const std::string* log, double progress) {
  sql::Stmt st(db, std::string("UPDATE jobs SET lease_expires_at = ") + kStoreNowMs + " + ?1, progress = ?2" +
                       (log ? ", log = ?6" : "") +
                       " WHERE id = ?3 AND lease_owner = ?4 AND attempts = ?5 AND state = 'running' RETURNING cancel_requested");
  st.bind(1, p.lease_ms).bind(2, progress).bind(3, j.id).bind(4, owner).bind(5, static_cast<int64_t>(j.attempt));
  if (log) st.bind(6, *log);
  Heartbeat h;
  if (st.step()) {
    h.held = true;
    h.cancel = st.int64(0) != 0;
    while (st.step()) {
    }
  }
  return h;
}

bool finish_job(sql::Db& db, const ClaimedJob& j, const std::string& owner, JobState state, const json& result,
                const std::string& error, const std::string& log, double progress) {
  sql::Stmt st(db,
               "UPDATE jobs SET state = ?1, progress = ?2, log = ?3, result = ?4, error = ?5, finished_at = ?6, "
               "lease_owner = NULL, lease_expires_at = NULL "
               "WHERE id = ?7 AND lease_owner = ?8 AND attempts = ?9 AND state = 'running'");
  st.bind(1, job_state_name(state)).bind(2, progress).bind(3, log);
  if (result.is_null()) st.bind_null(4);
  else st.bind(4, result.dump());
  if (error.empty()) st.bind_null(5);
  else st.bind(5, error);
  st.bind(6, now_iso8601()).bind(7, j.id).bind(8, owner).bind(9, static_cast<int64_t>(j.attempt)).run();
  return db.changes() == 1;
}

bool release_job(sql::Db& db, const ClaimedJob& j, const std::string& owner, const std::string& log) {
  sql::Stmt st(db,
               "UPDATE jobs SET state = 'queued', log = ?1, progress = 0, started_at = NULL, lease_owner = NULL, "
               "lease_expires_at = NULL, attempts = attempts - 1 "
               "WHERE id = ?2 AND lease_owner = ?3 AND attempts = ?4 AND state = 'running'");
  st.bind(1, log).bind(2, j.id).bind(3, owner).bind(4, static_cast<int64_t>(j.attempt)).run();
  return db.changes() == 1;
}

void publish_project_config(sql::Db& db, const json& config) {
  json c = config;
  c.erase("store");
  sql::Stmt st(db, "INSERT INTO settings(key, value) VALUES('mote.json', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  st.bind(1, c.dump()).run();
}

std::optional<json> published_project_config(sql::Db& db) {
  sql::Stmt st(db, "SELECT value FROM settings WHERE key = 'mote.json'");
  if (!st.step()) return std::nullopt;
  json c = json::parse(st.text(0), nullptr, false);
  if (!c.is_object()) return std::nullopt;
  return c;
}

bool request_cancel(sql::Db& db, int64_t id) {
  sql::Stmt q(db,
              "UPDATE jobs SET state = 'cancelled', finished_at = ?, error = 'cancelled before it started' "
              "WHERE id = ? AND state = 'queued'");
  q.bind(1, now_iso8601()).bind(2, id).run();
  if (db.changes() > 0) return true;
  sql::Stmt r(db, "UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND state = 'running'");
  r.bind(1, id).run();
  if (db.changes() > 0) return true;
  sql::Stmt e(db, "SELECT 1 FROM jobs WHERE id = ?");
  e.bind(1, id);
  return e.step();  // a finished job: nothing to cancel, but it exists
}

}  // namespace mote::serve
