#include "serve/sessions.h"

#include "core/crypto.h"
#include "serve/job_rows.h"

namespace mote::serve {

NewSession create_session(Store& store, int64_t user_id, int64_t lifetime_ms) {
  NewSession s;
  s.token = "mote_s_" + random_hex(24);
  sql::Transaction tx(store.db());
  sql::Stmt(store.db(), std::string("DELETE FROM sessions WHERE expires_at <= ") + kStoreNowMs).run();
  sql::Stmt st(store.db(), std::string("INSERT INTO sessions(user_id, hash, created_at, expires_at) VALUES(?, ?, ?, ") +
                               kStoreNowMs + " + ?) RETURNING id, expires_at");
  st.bind(1, user_id).bind(2, sha256_hex(s.token)).bind(3, now_iso8601()).bind(4, lifetime_ms);
  st.step();
  s.id = st.int64(0);
  s.expires_at_ms = st.int64(1);
  st.reset();
  tx.commit();
  return s;
}

std::optional<ActiveSession> find_session(Store& store, std::string_view token) {
  if (token.empty() || token.size() > 256) return std::nullopt;
  std::string hash = sha256_hex(token);
  // Kept prepared: every request with a session runs it.
  sql::Stmt& st = store.prepared(std::string("SELECT s.id, s.hash, s.expires_at, u.id, u.name, u.role, u.created_at "
                                             "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = ? AND s.expires_at > ") +
                                 kStoreNowMs);
  sql::Done done(st);
  st.bind(1, hash);
  if (!st.step() || !constant_time_equal(st.text(1), hash)) return std::nullopt;
  return ActiveSession{st.int64(0), User{st.int64(3), st.text(4), parse_role(st.text(5)).value_or(Role::Viewer), st.text(6)},
                       st.int64(2)};
}

bool end_session(Store& store, int64_t session_id) {
  sql::Stmt st(store.db(), "DELETE FROM sessions WHERE id = ?");
  st.bind(1, session_id).run();
  return store.db().changes() > 0;
}

}  // namespace mote::serve
