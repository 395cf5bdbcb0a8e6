#include "serve/access.h"

#include "core/error.h"

namespace mote::serve {

namespace {
// The routes whose method alone says the wrong thing: the ingestion upload (a device's one route), a POST that
// computes without storing, the session routes anyone signed in may call, and the owner's audit trail.
constexpr std::string_view kUploadRoute = "/api/{training|testing|anomaly}/{data|files}";
}  // namespace

const char* role_name(Role r) {
  switch (r) {
    case Role::Owner: return "owner";
    case Role::Editor: return "editor";
    case Role::Viewer: return "viewer";
    case Role::Device: return "device";
  }
  return "?";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : {Role::Owner, Role::Editor, Role::Viewer, Role::Device})
    if (name == role_name(r)) return r;
  return std::nullopt;
}

Role role_from(std::string_view name, const std::string& where) {
  if (auto r = parse_role(name)) return *r;
  throw error_at(where, "unknown role '" + std::string(name) + "'; choose owner, editor, viewer or device");
}

Need route_need(const std::string& method, const std::string& route_doc_with_query) {
  const std::string_view route_doc = std::string_view(route_doc_with_query).substr(0, route_doc_with_query.find('?'));
  if (route_doc == "/api/login" || route_doc == "/login") return Need::Open;
  if (route_doc == "/api/audit") return Need::Owner;
  if (route_doc == kUploadRoute && method == "POST") return Need::Upload;
  if (route_doc == "/api/logout" || route_doc == "/api/impulse/preview") return Need::Read;
  return method == "GET" || method == "HEAD" ? Need::Read : Need::Write;
}

bool may(Role role, Need need) {
  switch (need) {
    case Need::Open: return true;
    case Need::Read: return role != Role::Device;
    case Need::Upload: return role != Role::Viewer;
    case Need::Write: return role == Role::Owner || role == Role::Editor;
    case Need::Owner: return role == Role::Owner;
  }
  return false;
}

std::string refusal(Role role, Need need) {
  std::string who = std::string("the role ") + role_name(role);
  if (role == Role::Device) return who + " may only upload samples (POST /api/{training|testing|anomaly}/data)";
  if (role == Role::Viewer) return who + " may only read; ask an owner for the editor role (`mote user grant NAME editor`)";
  if (need == Need::Owner) return "only an owner may do this (" + who + ")";
  return who + " may not do this";
}

std::string Principal::label() const {
  switch (kind) {
    case Kind::None: return "anonymous";
    case Kind::Token: return "session";
    case Kind::User: return "user " + std::to_string(id) + " (" + name + ")";
    case Kind::Key: return "key " + std::to_string(id) + (name.empty() ? "" : " (" + name + ")");
  }
  return "anonymous";
}

}  // namespace mote::serve
