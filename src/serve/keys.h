// API keys for the ingestion service and the HTTP API: random, shown once, stored as SHA-256 only; each has a
// role in its project (editor, viewer or device; access.h), and lives in that project's store alone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "serve/access.h"
#include "store/store.h"

namespace mote::serve {

struct ApiKey {
  int64_t id = 0;
  std::string name, created_at;
  std::optional<std::string> revoked_at;
  Role role = Role::Editor;
};

struct NewApiKey {
  int64_t id = 0;
  std::string key;  // "mote_" + 40 hex digits; the only time it exists in clear
};

// `role`: editor (what keys made before roles could do), viewer or device; owner is for users only.
NewApiKey create_api_key(Store& store, const std::string& name, Role role = Role::Editor);
std::vector<ApiKey> list_api_keys(Store& store);
// Throws mote::Error when the id is unknown or already revoked.
void revoke_api_key(Store& store, int64_t id);
// The key's id when it is known and not revoked; the stored hash is compared in constant time.
std::optional<int64_t> verify_api_key(Store& store, std::string_view key);
// The same check, with who the key is: id, name and role.
std::optional<ApiKey> find_api_key(Store& store, std::string_view key);

}  // namespace mote::serve
