// Login sessions (teams mode): POST /api/login makes a random token, shown once, stored as SHA-256 only, with
// an expiry in the store's clock; logging out deletes the row, so the token is refused at once everywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "serve/users.h"
#include "store/store.h"

namespace mote::serve {

constexpr int64_t kSessionMs = 12ll * 3600 * 1000;  // a working day: the studio asks again the next morning

struct NewSession {
  int64_t id = 0;
  std::string token;  // "mote_s_" + 48 hex digits
  int64_t expires_at_ms = 0;
};

struct ActiveSession {
  int64_t id = 0;
  User user;
  int64_t expires_at_ms = 0;
};

// Also removes the store's expired sessions.
NewSession create_session(Store& store, int64_t user_id, int64_t lifetime_ms = kSessionMs);
// The session and its user when the token is known and not expired.
std::optional<ActiveSession> find_session(Store& store, std::string_view token);
// Throws nothing; false when the session was already gone.
bool end_session(Store& store, int64_t session_id);

}  // namespace mote::serve
