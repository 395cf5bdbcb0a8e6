// The audit trail of teams mode: one row per write request (who: user or key; when; what: method, route, path,
// the ids it touched; the answer's status). Uploads write theirs in the transaction that stores the samples.
// Other writes commit in their handlers' own transactions on other connections, so their row is written before
// the handler runs (status 0: pending) and completed after it: a server that dies in between leaves the row.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "serve/access.h"
#include "store/store.h"

namespace mote::serve {

struct AuditEntry {
  int64_t id = 0;
  std::string created_at;  // UTC, milliseconds
  std::string actor;       // Principal::label()
  std::optional<int64_t> user_id, key_id;
  std::string method, route, path;
  nlohmann::json objects = nlohmann::json::array();  // ids from the path, the body's "ids", the answer's "id"
  int status = 0;
};

void write_audit(Store& store, const Principal& who, const std::string& method, const std::string& route,
                 const std::string& path, const nlohmann::json& objects, int status);
// write_audit with status 0 (pending); returns the row's id for finish_audit.
int64_t begin_audit(Store& store, const Principal& who, const std::string& method, const std::string& route,
                    const std::string& path);
// Who it turned out to be (a login), what it touched, how it ended.
void finish_audit(Store& store, int64_t id, const Principal& who, const nlohmann::json& objects, int status);
// Newest first; `before_id` > 0 pages back from there.
std::vector<AuditEntry> list_audit(Store& store, int64_t limit, int64_t before_id = 0);
nlohmann::json audit_json(const AuditEntry& e);

}  // namespace mote::serve
