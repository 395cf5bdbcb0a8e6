// Who made a request and what each role may do: the one table every request of `mote serve` is checked
// against (docs/serve.md, "Teams").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mote::serve {

// owner: everything, the audit trail included; editor: every read and write; viewer: reads only; device: uploads
// samples only (API keys alone have it).
enum class Role { Owner, Editor, Viewer, Device };

const char* role_name(Role r);
std::optional<Role> parse_role(std::string_view name);
// parse_role or a mote::Error naming `where` and the roles allowed.
Role role_from(std::string_view name, const std::string& where);

// What a route needs, from its method and documented path.
enum class Need { Open, Read, Upload, Write, Owner };
Need route_need(const std::string& method, const std::string& route_doc);
bool may(Role role, Need need);
// The one-line reason a role may not do it, for the 403.
std::string refusal(Role role, Need need);

struct Principal {
  enum class Kind { None, Token, User, Key };
  Kind kind = Kind::None;
  int64_t id = 0;       // the user's or the key's id
  std::string name;     // the user's or the key's name
  Role role = Role::Viewer;
  int64_t session_id = 0;  // a user's login session
  bool cookie = false;     // the credential came as the mote_session cookie (cross-site checks)
  // "user 3 (alice)", "key 5 (sensor-1)", "session" (the token mote serve printed), "anonymous".
  std::string label() const;
};

}  // namespace mote::serve
