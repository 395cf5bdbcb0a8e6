#include "serve/users.h"

#include <sodium.h>

#include <mutex>
#include <semaphore>

#include "core/crypto.h"
#include "core/error.h"
#include "serve/job_rows.h"

namespace mote::serve {

namespace {

void init_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw Error("libsodium failed to initialise; cannot hash passwords");
  });
}

// Each Argon2id hash holds 64 MiB while it runs.
std::counting_semaphore<2> g_hashing(2);

struct HashSlot {
  HashSlot() { g_hashing.acquire(); }
  ~HashSlot() { g_hashing.release(); }
};

User user_row(const sql::Stmt& st) {
  return User{st.int64(0), st.text(1), parse_role(st.text(2)).value_or(Role::Viewer), st.text(3)};
}

int64_t owners(Store& store) {
  sql::Stmt st(store.db(), "SELECT count(*) FROM users WHERE role = 'owner'");
  st.step();
  return st.int64(0);
}

User require_user(Store& store, const std::string& name) {
  if (auto u = find_user(store, name)) return *u;
  throw Error("user '" + name + "': no such user; list them with `mote user list`");
}

void check_user_role(Role role) {
  if (role == Role::Device) throw error_at("--role", "device is a role for API keys (`mote keys create --role device`); choose owner, editor or viewer");
}

}  // namespace

void check_user_name(const std::string& name) {
  if (name.empty() || name.size() > 64) throw error_at("user name", "must be 1 to 64 characters");
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-' && c != '@')
      throw error_at("user name '" + name + "'", "use letters, digits and . _ - @ only");
}

void check_new_password(const std::string& password) {
  if (password.size() < 8) throw error_at("password", "shorter than 8 characters; choose a longer one");
  if (password.size() > 1024) throw error_at("password", "longer than 1024 characters");
  if (password.find('\0') != std::string::npos) throw error_at("password", "holds a NUL byte");
}

std::string hash_password(const std::string& password) {
  init_sodium();
  HashSlot slot;
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw Error("cannot hash the password: out of memory (Argon2id needs 64 MiB)");
  return out;
}

bool password_matches(const std::string& stored_hash, const std::string& password) {
  init_sodium();
  HashSlot slot;
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

int64_t add_user(Store& store, const std::string& name, Role role, const std::string& password) {
  check_user_name(name);
  check_user_role(role);
  check_new_password(password);
  std::string hash = hash_password(password);  // before the transaction: it holds the writer lock
  sql::Transaction tx(store.db());
  if (find_user(store, name)) throw Error("user '" + name + "' already exists; change it with `mote user passwd` or `mote user grant`");
  sql::Stmt st(store.db(), "INSERT INTO users(name, password_hash, role, created_at) VALUES(?, ?, ?, ?)");
  st.bind(1, name).bind(2, hash).bind(3, role_name(role)).bind(4, now_iso8601()).run();
  int64_t id = store.db().last_insert_id();
  tx.commit();
  return id;
}

std::vector<User> list_users(Store& store) {
  sql::Stmt st(store.db(), "SELECT id, name, role, created_at FROM users ORDER BY id");
  std::vector<User> out;
  while (st.step()) out.push_back(user_row(st));
  return out;
}

bool has_users(Store& store) {
  sql::Stmt st(store.db(), "SELECT id FROM users LIMIT 1");
  return st.step();
}

std::optional<User> find_user(Store& store, const std::string& name) {
  sql::Stmt st(store.db(), "SELECT id, name, role, created_at FROM users WHERE name = ?");
  st.bind(1, name);
  if (st.step()) return user_row(st);
  return std::nullopt;
}

void remove_user(Store& store, const std::string& name) {
  sql::Transaction tx(store.db());
  User u = require_user(store, name);
  if (u.role == Role::Owner && owners(store) == 1)
    throw Error("user '" + name + "' is the project's last owner; make another user owner first (`mote user grant NAME owner`)");
  sql::Stmt(store.db(), "DELETE FROM sessions WHERE user_id = ?").bind(1, u.id).run();
  sql::Stmt(store.db(), "DELETE FROM users WHERE id = ?").bind(1, u.id).run();
  tx.commit();
}

void grant_role(Store& store, const std::string& name, Role role) {
  check_user_role(role);
  sql::Transaction tx(store.db());
  User u = require_user(store, name);
  if (u.role == Role::Owner && role != Role::Owner && owners(store) == 1)
    throw Error("user '" + name + "' is the project's last owner; make another user owner first");
  sql::Stmt(store.db(), "UPDATE users SET role = ? WHERE id = ?").bind(1, role_name(role)).bind(2, u.id).run();
  tx.commit();
}

void set_password(Store& store, const std::string& name, const std::string& password) {
  check_new_password(password);
  std::string hash = hash_password(password);
  sql::Transaction tx(store.db());
  User u = require_user(store, name);
  sql::Stmt(store.db(), "UPDATE users SET password_hash = ? WHERE id = ?").bind(1, hash).bind(2, u.id).run();
  // Whoever knew the old password is logged out with it.
  sql::Stmt(store.db(), "DELETE FROM sessions WHERE user_id = ?").bind(1, u.id).run();
  tx.commit();
}

std::optional<User> check_login(Store& store, const std::string& name, const std::string& password) {
  std::string hash;
  std::optional<User> user;
  if (name.size() <= 64 && password.size() <= 1024) {
    sql::Stmt st(store.db(), "SELECT id, name, role, created_at, password_hash FROM users WHERE name = ?");
    st.bind(1, name);
    if (st.step()) user = user_row(st), hash = st.text(4);
  }
  // An unknown name checks a hash of its own, so the answer's timing does not tell which names exist.
  static const std::string unknown = hash_password(random_hex(16));
  bool ok = password_matches(user ? hash : unknown, password);
  if (!ok || !user) return std::nullopt;
  return user;
}

}  // namespace mote::serve
