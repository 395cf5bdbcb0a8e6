// Teams mode (users in the store): roles enforced per request, sessions and keys refused at once when ended,
// passwords never in clear, an audit row for every write. Each case on SQLite and on a real PostgreSQL.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "core/crypto.h"
#include "ingest/acquisition.h"
#include "serve/audit.h"
#include "serve/keys.h"
#include "serve/server.h"
#include "serve/sessions.h"
#include "serve/users.h"
#include "store/project.h"
#include "support/postgres_server.h"
#include "support/test_support.h"

using nlohmann::json;
using namespace mote;
using namespace mote::serve;
namespace fs = std::filesystem;

namespace {

const std::string kOwnerPw = "owner-Pa55word-7f3e";
const std::string kEditorPw = "editor-Pa55word-2b9d";
const std::string kViewerPw = "viewer-Pa55word-c41a";
const std::string kWrongPw = "wrong-Pa55word-99ee";

std::string small_json(float v = 1) {
  Sample s;
  s.interval_ms = 10;
  s.sensors = {{"x", "g"}};
  s.values = {v, 2, 3, 4};
  return write_acquisition_json(s, std::nullopt);
}

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Teams : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    proj = dir / "proj";
    if (postgres()) {
      std::string why;
      url = test::fresh_postgres_database(&why);
      if (url.empty()) GTEST_SKIP() << "PostgreSQL cases skipped: " << why;
    }
    Project p = Project::init(proj, url);
    add_user(p.store(), "olivia", Role::Owner, kOwnerPw);
    add_user(p.store(), "eddie", Role::Editor, kEditorPw);
    add_user(p.store(), "vera", Role::Viewer, kViewerPw);
    editor_key = create_api_key(p.store(), "script", Role::Editor).key;
    viewer_key = create_api_key(p.store(), "dashboard", Role::Viewer).key;
    auto dev = create_api_key(p.store(), "sensor-1", Role::Device);
    device_key = dev.key;
    device_key_id = dev.id;
    server = start(proj);
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
    client->set_read_timeout(30, 0);
  }
  void TearDown() override {
    client.reset();
    server.reset();
  }
  bool postgres() const { return std::string(GetParam()) == "Postgres"; }
  std::unique_ptr<Server> start(const fs::path& project) {
    ServeOptions o;
    o.project = project;
    o.port = 0;
    o.session_token = "printed-token";
    o.job_workers = 1;
    o.http_threads = 4;
    o.web_dir = dir / "no-studio";
    auto s = std::make_unique<Server>(o);
    s->start();
    return s;
  }
  // POST /api/login; the session token, or "" with the response's status in *status.
  std::string login(const std::string& name, const std::string& password, int* status = nullptr) {
    auto r = client->Post("/api/login", json({{"name", name}, {"password", password}}).dump(), "application/json");
    if (status) *status = r->status;
    if (r->status != 200) return "";
    return json::parse(r->body)["token"];
  }
  static httplib::Headers session(const std::string& token, httplib::Headers h = {}) {
    h.emplace("x-session-token", token);
    return h;
  }
  static httplib::Headers api_key(const std::string& key, httplib::Headers h = {}) {
    h.emplace("x-api-key", key);
    return h;
  }
  int64_t samples() { return Project::open(proj).store().count({}); }
  std::vector<AuditEntry> audit() { return list_audit(Project::open(proj).store(), 1000); }

  test::TempDir dir;
  fs::path proj;
  std::string url, editor_key, viewer_key, device_key;
  int64_t device_key_id = 0;
  std::unique_ptr<Server> server;
  std::unique_ptr<httplib::Client> client;
};

TEST_P(Teams, AViewerReadsButCannotWrite) {
  ASSERT_TRUE(server->teams_mode());
  ASSERT_EQ(client->Post("/api/training/data", api_key(editor_key, {{"x-label", "a"}}), small_json(), "application/json")->status, 200);
  const std::string vera = login("vera", kViewerPw);
  ASSERT_FALSE(vera.empty());
  for (const auto& who : {session(vera), api_key(viewer_key)}) {
    EXPECT_EQ(client->Get("/api/samples", who)->status, 200);
    EXPECT_EQ(client->Get("/api/samples/1", who)->status, 200);
    auto up = client->Post("/api/training/data", [&] { auto h = who; h.emplace("x-label", "b"); return h; }(), small_json(2), "application/json");
    EXPECT_EQ(up->status, 403) << up->body;
    EXPECT_NE(up->body.find("viewer may only read"), std::string::npos) << up->body;
    EXPECT_EQ(client->Post("/api/samples/label", who, R"({"ids":[1],"label":"z"})", "application/json")->status, 403);
    EXPECT_EQ(client->Post("/api/samples/1/rename", who, R"({"name":"z"})", "application/json")->status, 403);
    EXPECT_EQ(client->Delete("/api/samples/1", who)->status, 403);
    EXPECT_EQ(client->Put("/api/impulse", who, "{}", "application/json")->status, 403);
    EXPECT_EQ(client->Post("/api/jobs", who, R"({"kind":"features"})", "application/json")->status, 403);
    EXPECT_EQ(client->Post("/api/versions", who, R"({"name":"v1"})", "application/json")->status, 403);
    EXPECT_EQ(client->Get("/api/audit", who)->status, 403) << "the audit trail is the owners'";
  }
  Sample s = Project::open(proj).store().get(1, false);
  EXPECT_EQ(s.label, "a");
  EXPECT_EQ(s.name.find('z'), std::string::npos);
  EXPECT_EQ(samples(), 1);
  EXPECT_EQ(Project::open(proj).store().count({}), 1);
  // Refused writes are audited too, with their 403.
  int refused = 0;
  for (auto& e : audit()) refused += e.status == 403;
  EXPECT_EQ(refused, 2 * 7);
  // Editors write; owners also read the audit trail.
  const std::string eddie = login("eddie", kEditorPw), olivia = login("olivia", kOwnerPw);
  EXPECT_EQ(client->Post("/api/samples/1/rename", session(eddie), R"({"name":"renamed"})", "application/json")->status, 200);
  EXPECT_EQ(client->Get("/api/audit", session(eddie))->status, 403);
  EXPECT_EQ(client->Get("/api/audit", session(olivia))->status, 200);
  auto me = json::parse(client->Get("/api/me", session(vera))->body);
  EXPECT_EQ(me["kind"], "user");
  EXPECT_EQ(me["name"], "vera");
  EXPECT_EQ(me["role"], "viewer");
  EXPECT_EQ(me["may"]["write"], false);
  EXPECT_EQ(me["may"]["read"], true);
}

TEST_P(Teams, ADeviceKeyOnlyUploadsAndOnlyToItsProject) {
  auto up = client->Post("/api/training/data", api_key(device_key, {{"x-label", "a"}}), small_json(), "application/json");
  ASSERT_EQ(up->status, 200) << up->body;
  EXPECT_EQ(json::parse(up->body)["files"][0]["id"], 1);
  EXPECT_EQ(client->Post("/api/testing/data", api_key(device_key, {{"x-label", "a"}}), small_json(5), "application/json")->status, 200);
  // Nothing else: no reads, no other writes, not even who it is.
  for (const char* path : {"/api/samples", "/api/samples/1", "/api/samples/1/acquisition.json", "/api/impulse", "/api/jobs",
                           "/api/models", "/api/project", "/api/me", "/api/audit", "/api"}) {
    auto r = client->Get(path, api_key(device_key));
    EXPECT_EQ(r->status, 403) << path << ": " << r->body;
    EXPECT_NE(r->body.find("may only upload samples"), std::string::npos) << path;
  }
  EXPECT_EQ(client->Post("/api/samples/remove", api_key(device_key), R"({"ids":[1]})", "application/json")->status, 403);
  EXPECT_EQ(client->Post("/api/jobs", api_key(device_key), R"({"kind":"features"})", "application/json")->status, 403);
  EXPECT_EQ(client->Put("/api/impulse", api_key(device_key), "{}", "application/json")->status, 403);
  EXPECT_EQ(client->Post("/api/live/dev1", api_key(device_key), small_json(), "application/json")->status, 403);
  EXPECT_EQ(client->Post("/api/logout", api_key(device_key))->status, 403);
  EXPECT_EQ(samples(), 2);

  // Another project (its own store: another database on PostgreSQL) does not know the key at all.
  fs::path other = dir / "other";
  std::string other_url;
  if (postgres()) {
    std::string why;
    other_url = test::fresh_postgres_database(&why);
    ASSERT_FALSE(other_url.empty()) << why;
  }
  {
    Project p = Project::init(other, other_url);
    add_user(p.store(), "olivia", Role::Owner, kOwnerPw);
  }
  auto other_server = start(other);
  httplib::Client oc("127.0.0.1", other_server->port());
  auto foreign = oc.Post("/api/training/data", api_key(device_key, {{"x-label", "a"}}), small_json(9), "application/json");
  EXPECT_EQ(foreign->status, 401) << foreign->body;
  EXPECT_EQ(oc.Get("/api/samples", api_key(device_key))->status, 401);
  EXPECT_EQ(Project::open(other).store().count({}), 0);
  // Nor does a login of this project open the other one, though the name and password are the same there.
  const std::string olivia = login("olivia", kOwnerPw);
  EXPECT_EQ(oc.Get("/api/samples", session(olivia))->status, 401);
}

TEST_P(Teams, RevokedKeysAndEndedSessionsAreRefusedAtOnce) {
  auto upload = [&](const httplib::Headers& who, float v) {
    auto h = who;
    h.emplace("x-label", "a");
    return client->Post("/api/training/data", h, small_json(v), "application/json")->status;
  };
  EXPECT_EQ(upload(api_key(device_key), 1), 200);
  revoke_api_key(Project::open(proj).store(), device_key_id);
  EXPECT_EQ(upload(api_key(device_key), 2), 401);

  const std::string eddie = login("eddie", kEditorPw);
  ASSERT_FALSE(eddie.empty());
  const httplib::Headers cookie = {{"Cookie", "mote_session=" + eddie}};
  EXPECT_EQ(upload(session(eddie), 3), 200);
  EXPECT_EQ(upload({{"Authorization", "Bearer " + eddie}}, 4), 200);
  EXPECT_EQ(upload(cookie, 5), 200);
  auto out = client->Post("/api/logout", session(eddie));
  ASSERT_EQ(out->status, 200) << out->body;
  EXPECT_NE(out->get_header_value("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(upload(session(eddie), 6), 401);
  EXPECT_EQ(upload({{"Authorization", "Bearer " + eddie}}, 7), 401);
  EXPECT_EQ(upload(cookie, 8), 401);
  EXPECT_EQ(client->Get("/api/samples", session(eddie))->status, 401);
  EXPECT_EQ(client->Get("/api/samples", cookie)->status, 401);

  // An expired session, a changed password and a removed user end sessions too.
  std::string a = login("eddie", kEditorPw), b = login("vera", kViewerPw), c = login("eddie", kEditorPw);
  EXPECT_EQ(client->Get("/api/samples", session(a))->status, 200);
  Project::open(proj).store().db().exec("UPDATE sessions SET expires_at = 0 WHERE hash = '" + sha256_hex(a) + "'");
  EXPECT_EQ(client->Get("/api/samples", session(a))->status, 401);
  set_password(Project::open(proj).store(), "eddie", "a-new-Pa55word");
  EXPECT_EQ(client->Get("/api/samples", session(c))->status, 401);
  EXPECT_EQ(client->Get("/api/samples", session(b))->status, 200);
  remove_user(Project::open(proj).store(), "vera");
  EXPECT_EQ(client->Get("/api/samples", session(b))->status, 401);
  EXPECT_EQ(samples(), 4);
}

TEST_P(Teams, WrongPasswordsAndMissingCredentialsAreRefusedWithAClearMessage) {
  for (auto [name, pw] : {std::pair{"eddie", kWrongPw}, {"eddie", ""}, {"nobody", kEditorPw}, {"eddie", kOwnerPw}}) {
    auto r = client->Post("/api/login", json({{"name", name}, {"password", pw}}).dump(), "application/json");
    EXPECT_EQ(r->status, 401) << name;
    EXPECT_EQ(json::parse(r->body)["error"], "wrong user name or password") << r->body;
    EXPECT_TRUE(r->get_header_value("Set-Cookie").empty());
  }
  EXPECT_EQ(client->Post("/api/login", R"({"name":"eddie"})", "application/json")->status, 400);
  int status = 0;
  EXPECT_FALSE(login("eddie", kEditorPw, &status).empty());
  EXPECT_EQ(status, 200);
  // The token mote serve printed is no credential in teams mode, nor is no credential at all.
  auto link = client->Get("/?token=printed-token");
  EXPECT_EQ(link->status, 401);
  EXPECT_NE(link->body.find("log in"), std::string::npos);
  EXPECT_EQ(client->Get("/api/samples", {{"x-session-token", "printed-token"}})->status, 401);
  EXPECT_EQ(client->Get("/api/samples", {{"Cookie", "mote_session=printed-token"}})->status, 401);
  auto none = client->Get("/api/samples");
  EXPECT_EQ(none->status, 401);
  EXPECT_NE(none->body.find("POST /api/login"), std::string::npos) << none->body;
  EXPECT_EQ(json::parse(none->body)["login"], "/login") << "the studio goes to the login page";
  EXPECT_EQ(client->Post("/api/training/data", {{"x-label", "a"}}, small_json(), "application/json")->status, 401);
  EXPECT_EQ(samples(), 0);
}

TEST_P(Teams, GuessingPasswordsIsSlowedDown) {
  for (int i = 0; i < 5; ++i) {
    int status = 0;
    login("vera", kWrongPw + std::to_string(i), &status);
    EXPECT_EQ(status, 401);
  }
  // The sixth try waits, even with the right password; other names are not held up.
  auto held = client->Post("/api/login", json({{"name", "vera"}, {"password", kViewerPw}}).dump(), "application/json");
  EXPECT_EQ(held->status, 429) << held->body;
  EXPECT_EQ(held->get_header_value("Retry-After"), "1");
  EXPECT_NE(held->body.find("too many wrong passwords"), std::string::npos);
  EXPECT_FALSE(login("eddie", kEditorPw).empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_FALSE(login("vera", kViewerPw).empty());
  int status = 0;
  login("vera", kWrongPw, &status);
  EXPECT_EQ(status, 401) << "a right password starts the count over";
}

TEST_P(Teams, PasswordsAreNeverStoredOrLoggedInClear) {
  testing::internal::CaptureStderr();
  std::string token = login("olivia", kOwnerPw);
  int status = 0;
  login("olivia", kWrongPw, &status);
  EXPECT_EQ(status, 401);
  // Writes that leave audit rows, then a password change through the store.
  EXPECT_EQ(client->Post("/api/training/data", session(token, {{"x-label", "a"}}), small_json(), "application/json")->status, 200);
  EXPECT_EQ(client->Post("/api/samples/label", session(token), R"({"ids":[1],"label":"b"})", "application/json")->status, 200);
  set_password(Project::open(proj).store(), "vera", "vera-Second-Pa55");
  client.reset();
  server.reset();
  const std::string log = testing::internal::GetCapturedStderr();

  std::string rows;  // every value of every row of the tables teams mode writes
  {
    Project p = Project::open(proj);
    for (const char* table : {"users", "sessions", "audit", "api_keys", "settings", "samples"}) {
      sql::Stmt st(p.store().db(), std::string("SELECT * FROM ") + table);
      while (st.step())
        for (int c = 0; c < st.column_count(); ++c) rows += (st.is_null(c) ? "" : st.text(c)) + "\n";
    }
    sql::Stmt st(p.store().db(), "SELECT password_hash FROM users");
    int users = 0;
    while (st.step()) {
      EXPECT_EQ(st.text(0).rfind("$argon2id$", 0), 0u) << st.text(0);
      ++users;
    }
    EXPECT_EQ(users, 3);
  }
  std::string files;  // the SQLite database and its write-ahead log, byte for byte
  if (!postgres())
    for (const char* f : {"mote.db", "mote.db-wal"})
      if (fs::exists(proj / f)) files += file_bytes(proj / f);
  for (const std::string& pw : {kOwnerPw, kEditorPw, kViewerPw, kWrongPw, std::string("vera-Second-Pa55")}) {
    EXPECT_EQ(rows.find(pw), std::string::npos) << pw;
    EXPECT_EQ(files.find(pw), std::string::npos) << pw;
    EXPECT_EQ(log.find(pw), std::string::npos) << pw;
  }
  // Nor are session tokens (only their SHA-256).
  EXPECT_EQ(rows.find(token), std::string::npos);
  EXPECT_EQ(files.find(token), std::string::npos);
  EXPECT_NE(rows.find(sha256_hex(token)), std::string::npos);
  if (!postgres()) EXPECT_GT(files.size(), 4096u);
}

// Every write route of the server (GET /api lists them) is called once by an editor; each leaves one audit row
// with who, the route, the path and the status it answered.
TEST_P(Teams, EveryWriteLeavesAnAuditRow) {
  const std::string eddie = login("eddie", kEditorPw);
  auto up = client->Post("/api/training/data", session(eddie, {{"x-label", "a"}}), small_json(), "application/json");
  ASSERT_EQ(up->status, 200) << up->body;
  const int64_t sample = json::parse(up->body)["files"][0]["id"];

  const json endpoints = json::parse(client->Get("/api", session(eddie))->body)["endpoints"];
  std::map<std::string, int> answered;  // route -> status
  for (auto& e : endpoints) {
    const std::string method = e["method"], doc = e["path"];
    if (method == "GET" || doc == "/api/login" || doc == "/api/logout") continue;
    // A concrete path: the first of {a|b} alternatives, 1 for each {parameter}.
    std::string path = std::regex_replace(doc.substr(0, doc.find('?')), std::regex(R"(\{([^}|]*)\|[^}]*\})"), "$1");
    path = std::regex_replace(path, std::regex(R"(\{[^}]*\})"), "1");
    httplib::Headers h = session(eddie, {{"x-label", "b"}});
    std::string body = path == "/api/training/data" ? small_json(3) : R"({"ids":[)" + std::to_string(sample) + R"(],"label":"b"})";
    httplib::Result r = method == "POST"  ? client->Post(path, h, body, "application/json")
                        : method == "PUT" ? client->Put(path, h, body, "application/json")
                                          : client->Delete(path, h);
    ASSERT_TRUE(r) << method << " " << path;
    EXPECT_NE(r->status, 401) << path;
    EXPECT_NE(r->status, 403) << path;
    answered[doc] = r->status;
  }
  EXPECT_GE(answered.size(), 20u);
  ASSERT_EQ(client->Post("/api/logout", session(eddie))->status, 200);

  const auto rows = audit();
  std::map<std::string, std::vector<AuditEntry>> by_route;
  for (auto& e : rows) by_route[e.route].push_back(e);
  for (auto& [doc, status] : answered) {
    ASSERT_TRUE(by_route.count(doc)) << "no audit row for " << doc;
    const AuditEntry& e = by_route[doc].front();  // newest first
    EXPECT_EQ(e.status, status) << doc;
    EXPECT_EQ(e.actor, "user 2 (eddie)") << doc;
    EXPECT_EQ(e.user_id, 2) << doc;
    EXPECT_FALSE(e.key_id) << doc;
    EXPECT_FALSE(e.created_at.empty());
  }
  // The first upload's row is the sample it stored (written in the same transaction); label and logout rows.
  const auto& uploads = by_route["/api/{training|testing|anomaly}/{data|files}"];
  ASSERT_EQ(uploads.size(), 2u);
  EXPECT_EQ(uploads.back().objects, json::array({sample}));
  EXPECT_EQ(uploads.back().path, "/api/training/data");
  EXPECT_EQ(by_route["/api/samples/label"].front().objects.at(0), sample);
  EXPECT_EQ(by_route["/api/samples/{id}/rename"].front().objects.at(0), 1);
  EXPECT_EQ(by_route["/api/login"].size(), 1u);
  EXPECT_EQ(by_route["/api/logout"].size(), 1u);
  // Reads leave none; owners read the trail through the API.
  EXPECT_EQ(by_route.count("/api/samples"), 0u);
  const std::string olivia = login("olivia", kOwnerPw);
  auto listed = json::parse(client->Get("/api/audit?limit=5", session(olivia))->body)["entries"];
  ASSERT_EQ(listed.size(), 5u);
  EXPECT_EQ(listed[0]["route"], "/api/login");
  EXPECT_EQ(listed[0]["actor"], "user 1 (olivia)");
  EXPECT_GT(listed[0]["id"].get<int64_t>(), listed[1]["id"].get<int64_t>());
  auto page = json::parse(client->Get(("/api/audit?limit=2&before=" + std::to_string(listed[1]["id"].get<int64_t>())).c_str(), session(olivia))->body)["entries"];
  EXPECT_EQ(page[0]["id"], listed[2]["id"]);
  // A key's writes name the key.
  auto by_key = client->Post("/api/training/data", api_key(editor_key, {{"x-label", "a"}}), small_json(7), "application/json");
  ASSERT_EQ(by_key->status, 200) << by_key->body;
  auto last = audit().front();
  EXPECT_EQ(last.key_id, 1);
  EXPECT_EQ(last.actor, "key 1 (script)");
  EXPECT_EQ(last.objects, json::array({json::parse(by_key->body)["files"][0]["id"]}));
}

// No audit row, no write: with the audit table gone, writes are refused and change nothing; an upload's row
// is in its own transaction, so the upload fails whole.
TEST_P(Teams, AWriteWhoseAuditRowCannotBeWrittenDoesNothing) {
  const std::string eddie = login("eddie", kEditorPw);
  auto up = client->Post("/api/training/data", session(eddie, {{"x-label", "a"}}), small_json(), "application/json");
  ASSERT_EQ(up->status, 200) << up->body;
  Project::open(proj).store().db().exec("ALTER TABLE audit RENAME TO audit_away");
  auto label = client->Post("/api/samples/label", session(eddie), R"({"ids":[1],"label":"changed"})", "application/json");
  EXPECT_EQ(label->status, 503) << label->body;
  EXPECT_NE(label->body.find("nothing was done"), std::string::npos);
  auto second = client->Post("/api/training/data", session(eddie, {{"x-label", "a"}}), small_json(2), "application/json");
  EXPECT_GE(second->status, 400) << second->body;
  EXPECT_EQ(Project::open(proj).store().get(1, false).label, "a");
  EXPECT_EQ(samples(), 1);
  Project::open(proj).store().db().exec("ALTER TABLE audit_away RENAME TO audit");
  EXPECT_EQ(client->Post("/api/training/data", session(eddie, {{"x-label", "a"}}), small_json(3), "application/json")->status, 200);
  EXPECT_EQ(samples(), 2);
}

TEST_P(Teams, BrowsersLogInThroughTheLoginPage) {
  auto page = client->Get("/login");
  ASSERT_EQ(page->status, 200) << page->body;
  EXPECT_NE(page->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(page->body.find("/api/login"), std::string::npos);
  // The cookie the login sets is what the browser then sends.
  auto r = client->Post("/api/login", json({{"name", "vera"}, {"password", kViewerPw}}).dump(), "application/json");
  ASSERT_EQ(r->status, 200);
  std::string cookie = r->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  std::string value = cookie.substr(0, cookie.find(';'));
  EXPECT_EQ(value, "mote_session=" + json::parse(r->body)["token"].get<std::string>());
  EXPECT_EQ(client->Get("/api/samples", {{"Cookie", value}})->status, 200);
  // A cookie write from another site's page is refused, as for the studio link's cookie.
  const std::string eddie = login("eddie", kEditorPw);
  auto cross = client->Post("/api/samples/remove", {{"Cookie", "mote_session=" + eddie}, {"Origin", "http://evil.example"}},
                            R"({"ids":[1]})", "application/json");
  EXPECT_EQ(cross->status, 403) << cross->body;
  auto cross_login = client->Post("/api/login", {{"Origin", "http://evil.example"}},
                                  json({{"name", "vera"}, {"password", kViewerPw}}).dump(), "text/plain");
  EXPECT_EQ(cross_login->status, 403) << cross_login->body;
  EXPECT_TRUE(cross_login->get_header_value("Set-Cookie").empty());
  auto same_origin = client->Post("/api/login", {{"Origin", "http://127.0.0.1:" + std::to_string(server->port())}},
                                  json({{"name", "vera"}, {"password", kViewerPw}}).dump(), "application/json");
  EXPECT_EQ(same_origin->status, 200) << same_origin->body;
}

INSTANTIATE_TEST_SUITE_P(Stores, Teams, ::testing::Values("Sqlite", "Postgres"),
                         [](const ::testing::TestParamInfo<const char*>& i) { return std::string(i.param); });

// Without users nothing changes (the rest of tests/serve checks that); key roles hold there too.
TEST(TeamsOff, SingleUserModeKeepsTheTokenAndKeyRolesStillHold) {
  test::TempDir dir;
  Project p = Project::init(dir / "p");
  std::string device = create_api_key(p.store(), "d", Role::Device).key;
  ServeOptions o;
  o.project = dir / "p";
  o.port = 0;
  o.session_token = "tok";
  o.job_workers = 1;
  o.http_threads = 4;
  o.web_dir = dir / "no-studio";
  Server server(o);
  server.start();
  httplib::Client c("127.0.0.1", server.port());
  EXPECT_FALSE(server.teams_mode());
  auto login = c.Post("/api/login", R"({"name":"a","password":"bbbbbbbb"})", "application/json");
  EXPECT_EQ(login->status, 400);
  EXPECT_NE(login->body.find("mote user add"), std::string::npos);
  auto me = json::parse(c.Get("/api/me", {{"x-session-token", "tok"}})->body);
  EXPECT_EQ(me["kind"], "session");
  EXPECT_EQ(me["role"], "owner");
  EXPECT_EQ(me["teams"], false);
  EXPECT_EQ(c.Get("/api/samples", {{"x-api-key", device}})->status, 403);
  EXPECT_EQ(c.Post("/api/training/data", {{"x-api-key", device}, {"x-label", "a"}}, small_json(), "application/json")->status, 200);
  EXPECT_EQ(c.Get("/api/samples")->status, 200);
  // No audit rows without teams mode.
  EXPECT_TRUE(list_audit(p.store(), 10).empty());
  // The first user switches teams mode on in the running server within a second.
  add_user(p.store(), "olivia", Role::Owner, kOwnerPw);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(c.Get("/api/samples", {{"x-session-token", "tok"}})->status, 401);
  EXPECT_TRUE(server.teams_mode());
}

}  // namespace
