#include "serve/keys.h"

#include <openssl/rand.h>

#include <chrono>
#include <ctime>

#include "core/crypto.h"
#include "core/error.h"

namespace mote::serve {

namespace {
std::string now_iso8601() {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}
}  // namespace


NewApiKey create_api_key(Store& store, const std::string& name, Role role) {
  if (name.size() > 200) throw error_at("--name", "longer than 200 characters; choose a shorter name");
  if (role == Role::Owner) throw error_at("--role", "a key cannot be owner; choose editor, viewer or device (owners are users)");
  NewApiKey k;
  k.key = "mote_" + random_hex(20);
  sql::Stmt st(store.db(), "INSERT INTO api_keys(name, hash, created_at, role) VALUES(?, ?, ?, ?)");
  st.bind(1, name).bind(2, sha256_hex(k.key)).bind(3, now_iso8601()).bind(4, role_name(role)).run();
  k.id = store.db().last_insert_id();
  return k;
}

std::vector<ApiKey> list_api_keys(Store& store) {
  sql::Stmt st(store.db(), "SELECT id, name, created_at, revoked_at, role FROM api_keys ORDER BY id");
  std::vector<ApiKey> out;
  while (st.step()) {
    ApiKey k{st.int64(0), st.text(1), st.text(2), std::nullopt, parse_role(st.text(4)).value_or(Role::Viewer)};
    if (!st.is_null(3)) k.revoked_at = st.text(3);
    out.push_back(std::move(k));
  }
  return out;
}

void revoke_api_key(Store& store, int64_t id) {
  sql::Stmt st(store.db(), "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
  st.bind(1, now_iso8601()).bind(2, id).run();
  if (store.db().changes() == 0)
    throw Error("API key " + std::to_string(id) + ": no such active key; list them with `mote keys list`");
}

std::optional<int64_t> verify_api_key(Store& store, std::string_view key) {
  if (auto k = find_api_key(store, key)) return k->id;
  return std::nullopt;
}

std::optional<ApiKey> find_api_key(Store& store, std::string_view key) {
  if (key.empty() || key.size() > 256) return std::nullopt;
  std::string hash = sha256_hex(key);
  // The index finds the row; the comparison itself does not stop at the first differing byte.
  // Kept prepared: every request with a key runs it.
  sql::Stmt& st = store.prepared("SELECT id, hash, name, created_at, role FROM api_keys WHERE hash = ? AND revoked_at IS NULL");
  sql::Done done(st);
  st.bind(1, hash);
  // A role this build does not know (a newer mote wrote it) gets the least: viewer.
  if (st.step() && constant_time_equal(st.text(1), hash))
    return ApiKey{st.int64(0), st.text(2), st.text(3), std::nullopt, parse_role(st.text(4)).value_or(Role::Viewer)};
  return std::nullopt;
}

}  // namespace mote::serve
