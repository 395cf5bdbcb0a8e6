// The users of a project (teams mode): a name, a role in this project and a password kept only as an Argon2id
// hash (libsodium's crypto_pwhash_str, which embeds salt and limits in the string). A user lives in the store
// of the project they belong to; a person on two projects is a user in each.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "serve/access.h"
#include "store/store.h"

namespace mote::serve {

struct User {
  int64_t id = 0;
  std::string name;
  Role role = Role::Viewer;
  std::string created_at;
};

// Passwords: 8 to 1024 bytes, no NUL; names: 1 to 64 of [A-Za-z0-9._@-]. mote::Error naming the rule otherwise.
void check_user_name(const std::string& name);
void check_new_password(const std::string& password);

// Argon2id with libsodium's INTERACTIVE limits (2 passes over 64 MiB, ~0.1 s here): what libsodium advises for
// logins; at most two hashes run at once so a burst of logins cannot take the machine's memory.
std::string hash_password(const std::string& password);
bool password_matches(const std::string& stored_hash, const std::string& password);

// A user's role is owner, editor or viewer (device is for API keys). Throws mote::Error when the name is taken.
int64_t add_user(Store& store, const std::string& name, Role role, const std::string& password);
std::vector<User> list_users(Store& store);
bool has_users(Store& store);
std::optional<User> find_user(Store& store, const std::string& name);
// These three throw mote::Error for an unknown name, and refuse to leave the project without an owner.
void remove_user(Store& store, const std::string& name);  // and their sessions
void grant_role(Store& store, const std::string& name, Role role);
void set_password(Store& store, const std::string& name, const std::string& password);  // ends their sessions
// The user when the password is theirs; nullopt for a wrong password or an unknown name (which costs the same
// time: a hash is checked either way).
std::optional<User> check_login(Store& store, const std::string& name, const std::string& password);

}  // namespace mote::serve
