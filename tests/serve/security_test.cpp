// The server's security edges: credentials, paths from requests, body size, CORS, Host, non-loopback binds.
#include <fstream>

#include "core/error.h"
#include "ingest/acquisition.h"
#include "serve/paths.h"
#include "serve_support.h"

using nlohmann::json;
using mote::test::ServeTest;
namespace fs = std::filesystem;

namespace {
std::string small_json() {
  mote::Sample s;
  s.interval_ms = 10;
  s.sensors = {{"x", "g"}};
  s.values = {1, 2, 3, 4};
  return mote::write_acquisition_json(s, std::nullopt);
}
}  // namespace

TEST_F(ServeTest, WritesNeedAKeyOrTheSessionToken) {
  start();
  std::string bytes = small_json();
  auto none = client->Post("/api/training/data", {{"x-label", "a"}}, bytes, "application/json");
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(body(none)["success"], false);
  auto wrong = client->Post("/api/training/data", {{"x-label", "a"}, {"x-api-key", "mote_0000"}}, bytes, "application/json");
  EXPECT_EQ(wrong->status, 401);
  // A wrong key is refused even on a read that needs none.
  EXPECT_EQ(client->Get("/api/samples", {{"x-api-key", key + "x"}})->status, 401);
  EXPECT_EQ(client->Post("/api/samples/remove", R"({"ids":[1]})", "application/json")->status, 401);
  EXPECT_EQ(client->Put("/api/impulse", "{}", "application/json")->status, 401);
  EXPECT_EQ(client->Post("/api/jobs", R"({"kind":"features"})", "application/json")->status, 401);
  EXPECT_EQ(stored_samples(), 0);

  EXPECT_EQ(client->Post("/api/training/data", with_key({{"x-label", "a"}}), bytes, "application/json")->status, 200);
  auto token = client->Post("/api/training/data", {{"x-label", "b"}, {"x-session-token", "test-session-token"}}, bytes,
                            "application/json");
  EXPECT_EQ(token->status, 200) << token->body;
  EXPECT_EQ(body(client->Get(("/api/samples/" + std::to_string(body(token)["files"][0]["id"].get<int64_t>())).c_str()))["provenance"]["credential"],
            "session");
  auto bearer = client->Post("/api/training/data", {{"x-label", "c"}, {"Authorization", "Bearer " + key}}, bytes,
                             "application/json");
  EXPECT_EQ(bearer->status, 200) << bearer->body;
  EXPECT_EQ(stored_samples(), 3);
  // Reads on loopback are open (the studio on this machine).
  EXPECT_EQ(client->Get("/api/samples")->status, 200);

  // A revoked key stops working at once, while the server runs.
  {
    mote::Project p = mote::Project::open(proj);
    auto keys = mote::serve::list_api_keys(p.store());
    mote::serve::revoke_api_key(p.store(), keys.front().id);
  }
  EXPECT_EQ(client->Post("/api/training/data", with_key({{"x-label", "d"}}), bytes, "application/json")->status, 401);
}

TEST_F(ServeTest, SessionCookieFromTheStudioLink) {
  start();
  auto bad = client->Get("/?token=nope");
  EXPECT_EQ(bad->status, 401);
  auto good = client->Get("/?token=test-session-token");
  EXPECT_EQ(good->status, 303);
  std::string cookie = good->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("mote_session=test-session-token"), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  auto with_cookie = client->Post("/api/training/data",
                                  {{"x-label", "a"}, {"Cookie", "mote_session=test-session-token"}}, small_json(), "application/json");
  EXPECT_EQ(with_cookie->status, 200) << with_cookie->body;
  // A cookie left from an earlier run: reads still work on loopback, writes need the new token.
  EXPECT_EQ(client->Get("/api/samples", {{"Cookie", "mote_session=old-token"}})->status, 200);
  EXPECT_EQ(client->Post("/api/samples/remove", {{"Cookie", "mote_session=old-token"}}, R"({"ids":[1]})", "application/json")->status,
            401);
  // A cookie write from another site's page is refused.
  auto cross = client->Post("/api/samples/remove",
                            {{"Cookie", "mote_session=test-session-token"}, {"Origin", "http://evil.example"}},
                            R"({"ids":[1]})", "application/json");
  EXPECT_EQ(cross->status, 403);
  EXPECT_EQ(stored_samples(), 1);
}

TEST_F(ServeTest, NonLoopbackBindNeedsCredentialsForReadsToo) {
  auto o = options();
  o.host = "0.0.0.0";
  start(o);
  EXPECT_EQ(client->Get("/api/samples")->status, 401);
  EXPECT_EQ(client->Get("/")->status, 401);
  EXPECT_EQ(client->Get("/api/samples", with_key())->status, 200);
  EXPECT_EQ(client->Get("/api/samples", {{"x-session-token", "test-session-token"}})->status, 200);
}

TEST_F(ServeTest, ForeignHostHeaderRefusedOnLoopback) {
  start();
  // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host.
  auto r = client->Get("/api/samples", {{"Host", "evil.example"}});
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(client->Get("/api/samples", {{"Host", "localhost:4446"}})->status, 200);
}

TEST_F(ServeTest, FileNamesCannotEscape) {
  start();
  for (std::string name : {"../evil.json", "/etc/passwd", "..", "a/b.json", "a\\b.json", "sub/../../x.json"}) {
    auto r = client->Post("/api/training/data", with_key({{"x-label", "a"}, {"x-file-name", name}}), small_json(),
                          "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << name << ": " << r->body;
  }
  httplib::MultipartFormDataItems items = {{"data", small_json(), "../../x.json", "application/json"}};
  EXPECT_EQ(client->Post("/api/training/files", with_key({{"x-label", "a"}}), items)->status, 400);
  EXPECT_EQ(stored_samples(), 0);

  // The checks themselves, including what HTTP headers cannot carry.
  using mote::serve::checked_file_name;
  EXPECT_THROW(checked_file_name(std::string("a\0b.json", 8), "x"), mote::Error);
  EXPECT_THROW(checked_file_name("a\nb.json", "x"), mote::Error);
  EXPECT_THROW(checked_file_name(std::string(300, 'a'), "x"), mote::Error);
  EXPECT_EQ(checked_file_name("idle.01.json", "x"), "idle.01.json");
  EXPECT_EQ(checked_file_name("gr\xC3\xBC\xC3\x9F.json", "x"), "gr\xC3\xBC\xC3\x9F.json");
  EXPECT_THROW(checked_file_name("a\xFD.json", "x"), mote::Error);
}

TEST(RequestText, Utf8IsCheckedStrictly) {
  using mote::serve::is_utf8;
  EXPECT_TRUE(is_utf8(""));
  EXPECT_TRUE(is_utf8("plain ascii"));
  EXPECT_TRUE(is_utf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"));  // é € 😀
  EXPECT_TRUE(is_utf8("\xF4\x8F\xBF\xBF"));                         // U+10FFFF
  EXPECT_FALSE(is_utf8("\xFD"));                                       // never a lead byte
  EXPECT_FALSE(is_utf8("\xC3"));                                       // truncated
  EXPECT_FALSE(is_utf8("\xE2\x82"));                                   // truncated
  EXPECT_FALSE(is_utf8("\xC3\x28"));                                   // bad continuation
  EXPECT_FALSE(is_utf8("\xC0\xAF"));                                   // overlong '/'
  EXPECT_FALSE(is_utf8("\xE0\x80\xAF"));                               // overlong '/'
  EXPECT_FALSE(is_utf8("\xED\xA0\x80"));                               // surrogate U+D800
  EXPECT_FALSE(is_utf8("\xF4\x90\x80\x80"));                           // past U+10FFFF
}

TEST_F(ServeTest, StaticPathsStayInsideTheWebRoot) {
  fs::path web = dir / "web";
  fs::create_directories(web / "assets");
  mote::test::write_text(web / "index.html", "<html>studio</html>");
  mote::test::write_text(web / "assets/app.js", "console.log(1)");
  mote::test::write_text(dir / "secret.txt", "SECRET");
  fs::create_symlink(dir / "secret.txt", web / "link.txt");
  auto o = options();
  o.web_dir = web;
  start(o);
  auto index = client->Get("/");
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->body, "<html>studio</html>");
  auto js = client->Get("/assets/app.js");
  EXPECT_EQ(js->status, 200);
  EXPECT_NE(js->get_header_value("Content-Type").find("javascript"), std::string::npos);
  EXPECT_EQ(client->Get("/samples/3")->body, "<html>studio</html>") << "client-side routes get the app shell";
  for (std::string path : {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
                           "/link.txt", "/%00index.html", "/assets/%2e%2e%5c%2e%2e%5csecret.txt"}) {
    auto r = client->Get(path.c_str());
    ASSERT_TRUE(r) << path;
    EXPECT_NE(r->status, 200) << path;
    EXPECT_EQ(r->body.find("SECRET"), std::string::npos) << path;
  }
  EXPECT_EQ(client->Get("/missing.js")->status, 404);

  // resolve_inside directly: absolute, '..', NUL and drive paths are refused.
  using mote::serve::resolve_inside;
  EXPECT_THROW(resolve_inside(web, "/etc/passwd", "p"), mote::Error);
  EXPECT_THROW(resolve_inside(web, "a/../../x", "p"), mote::Error);
  EXPECT_THROW(resolve_inside(web, std::string("a\0b", 3), "p"), mote::Error);
  EXPECT_THROW(resolve_inside(web, "C:\\x", "p"), mote::Error);
  EXPECT_THROW(resolve_inside(web, "link.txt", "p"), mote::Error);
  EXPECT_EQ(resolve_inside(web, "assets/app.js", "p"), web / "assets" / "app.js");
}

TEST_F(ServeTest, BodyLargerThanTheLimitIs413AndStoresNothing) {
  auto o = options();
  o.max_body_bytes = 2048;
  start(o);
  mote::Sample s;
  s.interval_ms = 10;
  s.sensors = {{"x", "g"}};
  for (int i = 0; i < 2000; ++i) s.values.push_back(static_cast<float>(i));
  std::string big = mote::write_acquisition_json(s, std::nullopt);
  ASSERT_GT(big.size(), 2048u);
  auto r = client->Post("/api/training/data", with_key({{"x-label", "a"}}), big, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(json::parse(r->body)["success"], false);
  EXPECT_EQ(stored_samples(), 0);
  // Chunked bodies would escape the length check: refused before they are read. So are compressed ones.
  auto chunked = client->Post(
      "/api/training/data", with_key({{"x-label", "a"}}),
      [&](size_t offset, httplib::DataSink& sink) {
        if (offset < big.size()) sink.write(big.data() + offset, std::min<size_t>(1000, big.size() - offset));
        else sink.done();
        return true;
      },
      "application/json");
  // The server answers 411 and closes without reading the body; the client may see the reset first.
  if (chunked) EXPECT_EQ(chunked->status, 411);
  auto gz = client->Post("/api/training/data", with_key({{"x-label", "a"}, {"Content-Encoding", "gzip"}}), small_json(),
                         "application/json");
  ASSERT_TRUE(gz);
  EXPECT_EQ(gz->status, 415);
  EXPECT_EQ(stored_samples(), 0);
  EXPECT_EQ(client->Post("/api/training/data", with_key({{"x-label", "a"}}), small_json(), "application/json")->status, 200);
}

TEST_F(ServeTest, NoCorsHeadersUnlessAnOriginIsAllowed) {
  start();
  auto r = client->Get("/api/samples", {{"Origin", "http://elsewhere.example"}});
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(r->has_header("Access-Control-Allow-Origin"));
  auto pre = client->Options("/api/training/data", {{"Origin", "http://elsewhere.example"}});
  ASSERT_TRUE(pre);
  EXPECT_FALSE(pre->has_header("Access-Control-Allow-Origin"));
  stop();
  auto o = options();
  o.allow_origins = {"http://studio.example"};
  start(o);
  auto allowed = client->Get("/api/samples", {{"Origin", "http://studio.example"}});
  EXPECT_EQ(allowed->get_header_value("Access-Control-Allow-Origin"), "http://studio.example");
  auto other = client->Get("/api/samples", {{"Origin", "http://elsewhere.example"}});
  EXPECT_FALSE(other->has_header("Access-Control-Allow-Origin"));
}

// The socket-less entry the HTTP fuzzer drives runs the same checks and handlers as a connection.
TEST_F(ServeTest, RawRequestsTakeTheSamePathAsConnections) {
  server = std::make_unique<mote::serve::Server>(options());  // never bound: no socket at all
  std::string body = small_json();
  std::string post = "POST /api/training/data HTTP/1.1\r\nHost: 127.0.0.1\r\nx-label: raw\r\nx-file-name: r.json\r\n"
                     "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  std::string unauthorised = server->handle_raw(post + "\r\n" + body);
  EXPECT_EQ(unauthorised.rfind("HTTP/1.1 401", 0), 0u) << unauthorised;
  EXPECT_EQ(stored_samples(), 0);
  std::string ok = server->handle_raw(post + "x-api-key: " + key + "\r\n\r\n" + body);
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
  EXPECT_NE(ok.find("\"label\":\"raw\""), std::string::npos) << ok;
  EXPECT_EQ(stored_samples(), 1);
  std::string rebinding = server->handle_raw("GET /api/samples HTTP/1.1\r\nHost: evil.example\r\n\r\n");
  EXPECT_EQ(rebinding.rfind("HTTP/1.1 403", 0), 0u) << rebinding;
  // Found by http_request_fuzz: a reply quoting bytes that are not UTF-8 made the JSON writer throw (500).
  std::string foreign = server->handle_raw("GET /api/samples HTTP/1.1\r\nHost: a\xFD\xF5" "b\r\n\r\n");
  EXPECT_EQ(foreign.rfind("HTTP/1.1 403", 0), 0u) << foreign;
  std::string latin1 = server->handle_raw("POST /api/training/data HTTP/1.1\r\nHost: localhost\r\nx-label: caf\xE9\r\n"
                                          "x-api-key: " + key + "\r\nContent-Length: " + std::to_string(body.size()) +
                                          "\r\n\r\n" + body);
  EXPECT_EQ(latin1.rfind("HTTP/1.1 400", 0), 0u) << latin1;
  EXPECT_NE(latin1.find("not UTF-8"), std::string::npos) << latin1;
  // Also found by it: a cookie write whose Origin has no scheme read past the Origin's end (500).
  std::string odd_origin = server->handle_raw("POST /api/samples/split HTTP/1.1\r\nHost: 127.0.0.1:4446\r\n"
                                              "Cookie: mote_session=test-session-token\r\nOrigin: x\r\n"
                                              "Content-Length: 2\r\n\r\n{}");
  EXPECT_EQ(odd_origin.rfind("HTTP/1.1 403", 0), 0u) << odd_origin;
  // JSON bodies nest at most 64 deep: a job's params are written back with the recursive serializer.
  std::string nested = "{\"kind\":\"features\",\"params\":" + std::string(200000, '[') + std::string(200000, ']') + "}";
  std::string deep = server->handle_raw("POST /api/jobs HTTP/1.1\r\nHost: localhost\r\nx-api-key: " + key +
                                        "\r\nContent-Length: " + std::to_string(nested.size()) + "\r\n\r\n" + nested);
  EXPECT_EQ(deep.rfind("HTTP/1.1 400", 0), 0u) << deep.substr(0, 200);
  EXPECT_NE(deep.find("nested deeper than 64"), std::string::npos) << deep.substr(0, 200);
  std::string garbage = server->handle_raw("\x01\x02 nonsense\r\n\r\n");
  EXPECT_EQ(garbage.rfind("HTTP/1.1 400", 0), 0u) << garbage;
  std::string listing = server->handle_raw("GET /api/samples HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(listing.rfind("HTTP/1.1 200", 0), 0u) << listing;
  EXPECT_NE(listing.find("\"raw\""), std::string::npos) << listing;
}
