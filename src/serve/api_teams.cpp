// Teams mode over HTTP: POST /api/login (name + password -> a session token and the mote_session cookie),
// POST /api/logout, GET /api/me (who the credential is and what it may do), GET /api/audit (owners only), and
// GET /login, a page with the form for browsers (it sets the cookie the studio then sends).
#include "serve/audit.h"
#include "serve/http.h"
#include "serve/sessions.h"
#include "serve/users.h"

using nlohmann::json;

namespace mote::serve {

namespace {

std::string session_cookie(const std::string& value, int64_t max_age_s) {
  return "mote_session=" + value + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s);
}

// No external script or style: the page works without the studio being built.
constexpr const char* kLoginPage = R"html(<!doctype html><html><head><meta charset=utf-8><title>mote: log in</title>
<style>body{font:15px system-ui,sans-serif;margin:4em auto;max-width:22em}input,button{font:inherit;width:100%;margin:.3em 0;padding:.4em}
#error{color:#b00020;min-height:1.4em}</style></head><body><h1>mote</h1>
<form id=f><label>User <input name=name autocomplete=username required autofocus></label>
<label>Password <input name=password type=password autocomplete=current-password required></label>
<button>Log in</button><div id=error></div></form>
<script>
document.getElementById('f').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = e.target;
  const r = await fetch('/api/login', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                       body: JSON.stringify({name: f.name.value, password: f.password.value})});
  if (r.ok) { location.href = '/'; return; }
  document.getElementById('error').textContent = (await r.json()).error;
});
</script></body></html>
)html";

void login(Api& api, const httplib::Request& req, httplib::Response& res) {
  json b = body_json(req);
  if (!b.contains("name") || !b["name"].is_string() || !b.contains("password") || !b["password"].is_string())
    throw HttpError{400, "send {\"name\": ..., \"password\": ...} as JSON"};
  const std::string name = b["name"], password = b["password"];
  auto p = api.pool.acquire();
  if (!has_users(p->store()))
    throw HttpError{400, "this project has no user accounts (single-user mode); add one with `mote user add NAME --role owner`"};
  if (int64_t wait = api.logins->wait_s(name, req.remote_addr)) {
    res.set_header("Retry-After", std::to_string(wait));
    throw HttpError{429, "too many wrong passwords for '" + name + "' from this address; try again in " + std::to_string(wait) + " s"};
  }
  auto user = check_login(p->store(), name, password);
  if (!user) {
    api.logins->failed(name, req.remote_addr);
    throw HttpError{401, "wrong user name or password"};
  }
  api.logins->succeeded(name, req.remote_addr);
  auto s = create_session(p->store(), user->id);
  request_principal() = Principal{Principal::Kind::User, user->id, user->name, user->role, s.id};
  res.set_header("Set-Cookie", session_cookie(s.token, kSessionMs / 1000));
  reply_json(res, {{"success", true}, {"token", s.token}, {"user", user->name}, {"role", role_name(user->role)},
                   {"expires_at_ms", s.expires_at_ms}});
}

void logout(Api& api, const httplib::Request&, httplib::Response& res) {
  const Principal& who = request_principal();
  if (who.kind != Principal::Kind::User)
    throw HttpError{400, "this credential is no login session (" + who.label() + "); nothing to log out"};
  auto p = api.pool.acquire();
  end_session(p->store(), who.session_id);
  res.set_header("Set-Cookie", session_cookie("", 0));
  reply_json(res, {{"success", true}});
}

void me(Api& api, const httplib::Request&, httplib::Response& res) {
  const Principal& who = request_principal();
  static const char* kinds[] = {"anonymous", "session", "user", "key"};
  json may_do = json::object();
  for (auto [what, need] : {std::pair{"read", Need::Read}, {"upload", Need::Upload}, {"write", Need::Write}, {"audit", Need::Owner}})
    may_do[what] = may(who.role, need) && (who.kind != Principal::Kind::None || need == Need::Read);
  json j = {{"success", true}, {"kind", kinds[static_cast<int>(who.kind)]}, {"role", role_name(who.role)},
            {"teams", api.teams()}, {"may", may_do}};
  if (who.kind == Principal::Kind::User || who.kind == Principal::Kind::Key) j["id"] = who.id, j["name"] = who.name;
  reply_json(res, j);
}

void audit_list(Api& api, const httplib::Request& req, httplib::Response& res) {
  int64_t limit = query_int(req, "limit", 100, 1, 1000);
  int64_t before = query_int(req, "before", 0, 0, INT64_MAX);
  auto p = api.pool.acquire();
  json rows = json::array();
  for (auto& e : list_audit(p->store(), limit, before)) rows.push_back(audit_json(e));
  reply_json(res, {{"success", true}, {"entries", rows}});
}

}  // namespace

void add_team_routes(std::vector<Route>& r) {
  r.push_back({"POST", "/api/login", "/api/login",
               "{name, password}: log in (teams mode); answers a session token and sets the mote_session cookie", login});
  r.push_back({"GET", "/login", "/login", "the login page for browsers (teams mode)",
               [](Api&, const httplib::Request&, httplib::Response& res) { res.set_content(kLoginPage, "text/html; charset=utf-8"); }});
  r.push_back({"POST", "/api/logout", "/api/logout", "end this login session at once", logout});
  r.push_back({"GET", "/api/me", "/api/me", "who this credential is: kind, name, role, what it may do", me});
  r.push_back({"GET", "/api/audit", "/api/audit?limit=&before=", "the audit trail, newest first (owners only)", audit_list});
}

}  // namespace mote::serve
