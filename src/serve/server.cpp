#include "serve/server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <thread>

#include "core/crypto.h"
#include "core/error.h"
#include "core/files.h"
#include "serve/audit.h"
#include "serve/http.h"
#include "serve/keys.h"
#include "serve/paths.h"
#include "serve/sessions.h"
#include "serve/users.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace mote::serve {

namespace {

// One connection's bytes in memory: what process_request reads and what it writes back (Server::handle_raw).
class MemoryStream final : public httplib::Stream {
 public:
  explicit MemoryStream(std::string_view in) : in_(in) {}
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    size_t n = std::min(size, in_.size() - pos_);
    std::copy_n(in_.data() + pos_, n, ptr);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override { ip = "127.0.0.1", port = 40000; }
  void get_local_ip_and_port(std::string& ip, int& port) const override { ip = "127.0.0.1", port = 4446; }
  socket_t socket() const override { return INVALID_SOCKET; }
  std::string& written() { return out_; }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  std::string out_;
};

// httplib's server with its request processing reachable without a socket.
class HttpServer : public httplib::Server {
 public:
  std::string process_raw(std::string_view request) {
    MemoryStream stream(request);
    bool closed = false;
    process_request(stream, true, closed, nullptr);
    return std::move(stream.written());
  }
};

// The name part of a Host header or bind address: "[::1]:4446" -> "::1", "localhost:80" -> "localhost".
std::string host_name(std::string h) {
  if (!h.empty() && h[0] == '[') {
    size_t end = h.find(']');
    return end == std::string::npos ? h : h.substr(1, end - 1);
  }
  size_t colon = h.find(':');
  if (colon != std::string::npos && h.find(':', colon + 1) == std::string::npos) h = h.substr(0, colon);
  std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
  return h;
}

std::string cookie_value(const httplib::Request& req, const std::string& name) {
  std::string all = req.get_header_value("Cookie");
  size_t pos = 0;
  while (pos < all.size()) {
    size_t end = all.find(';', pos);
    if (end == std::string::npos) end = all.size();
    std::string part = all.substr(pos, end - pos);
    size_t b = part.find_first_not_of(' ');
    if (b != std::string::npos) part = part.substr(b);
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

const char* mime_type(const fs::path& p) {
  std::string ext = p.extension().string();
  if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".wasm") return "application/wasm";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

fs::path default_web_root() {
  if (const char* env = std::getenv("MOTE_WEB_DIR")) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> candidates;
  if (!ec) {
    candidates.push_back(exe.parent_path().parent_path() / "web" / "dist");  // <source>/build/mote
    candidates.push_back(exe.parent_path().parent_path() / "share" / "mote" / "web");  // <prefix>/bin/mote
  }
#ifdef MOTE_WEB_DIST
  candidates.push_back(MOTE_WEB_DIST);  // a build folder outside the source tree
#endif
  for (auto& c : candidates)
    if (fs::is_regular_file(c / "index.html", ec)) return c;
  return candidates.empty() ? fs::path() : candidates.front();
}

const char* status_message(int status) {
  switch (status) {
    case 400: return "bad request";
    case 401: return "missing or invalid credentials";
    case 403: return "forbidden";
    case 404: return "no such endpoint; GET /api lists them";
    case 405: return "method not allowed; GET /api lists the endpoints";
    case 411: return "send the body with a Content-Length";
    case 413: return "request body larger than the server's limit; send less or restart mote serve with a larger --max-body";
    case 414: return "request URI too long";
    default: return "request failed";
  }
}

}  // namespace

// httplib runs pre-routing and the handler of a request on the same thread.
thread_local std::string t_credential;
thread_local Principal t_principal;
thread_local bool t_audited = false;

const std::string& request_credential() { return t_credential; }
Principal& request_principal() { return t_principal; }
void mark_audited() { t_audited = true; }

bool is_loopback_host(const std::string& host) {
  std::string h = host_name(host);
  return h == "localhost" || h == "::1" || h.rfind("127.", 0) == 0;
}

ProjectPool::Lease ProjectPool::acquire() {
  {
    std::lock_guard<std::mutex> lk(m_);
    if (!free_.empty()) {
      auto p = std::move(free_.back());
      free_.pop_back();
      // mote.json may have changed since (another connection's save, `mote impulse set`, a job): read it again
      // when its inode, size, modification or change time differ from the last read, else copy that read.
      try {
        struct stat st {};
        if (::stat((dir_ / "mote.json").c_str(), &st) != 0) throw Error("mote.json: cannot stat");
        std::array<int64_t, 6> stamp = {static_cast<int64_t>(st.st_ino), static_cast<int64_t>(st.st_size),
                                        st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ctim.tv_sec, st.st_ctim.tv_nsec};
        if (!config_ || stamp != config_stamp_) {
          config_ = json::parse(read_file(dir_ / "mote.json", 16u << 20));
          config_stamp_ = stamp;
        }
        p->config() = *config_;
      } catch (const std::exception&) {
        return Lease(*this, std::make_unique<Project>(Project::open(dir_)));  // names the problem
      }
      return Lease(*this, std::move(p));
    }
  }
  return Lease(*this, std::make_unique<Project>(Project::open(dir_)));
}

ProjectPool::Lease ProjectPool::acquire_store() {
  {
    std::lock_guard<std::mutex> lk(m_);
    if (!free_.empty()) {
      auto p = std::move(free_.back());
      free_.pop_back();
      return Lease(*this, std::move(p));
    }
  }
  return Lease(*this, std::make_unique<Project>(Project::open(dir_)));
}

void ProjectPool::give_back(std::unique_ptr<Project> p) {
  if (!p) return;
  std::lock_guard<std::mutex> lk(m_);
  if (free_.size() < 64) free_.push_back(std::move(p));
}

struct Server::Impl {
  ServeOptions opts;
  bool loopback;
  std::string token;
  fs::path web_root;
  ProjectPool pool;
  JobQueue jobs;
  std::atomic<bool> stopping{false};
  std::atomic<int> streams{0};
  std::mutex write_lock;
  unsigned threads;
  Api api;
  std::vector<Route> routes;
  HttpServer http;
  std::thread thread;
  int port = 0;
  // Teams mode turns on when the store has a user and stays on; looked for at most once a second.
  std::atomic<bool> teams{false};
  std::atomic<int64_t> teams_checked_ms{0};

  explicit Impl(ServeOptions o)
      : opts(std::move(o)),
        loopback(is_loopback_host(opts.host)),
        token(opts.session_token.empty() ? random_hex(24) : opts.session_token),
        pool(opts.project),
        jobs(opts.project, opts.job_workers, opts.extra_job_kinds),
        threads(opts.http_threads ? opts.http_threads : std::max(16u, 4 * std::thread::hardware_concurrency())),
        api{opts, pool, jobs, [this] { return stopping.load(); }, streams, static_cast<int>(threads / 2), write_lock} {
    fs::path root = opts.web_dir ? *opts.web_dir : default_web_root();
    std::error_code ec;
    if (!root.empty() && fs::is_regular_file(root / "index.html", ec)) web_root = fs::weakly_canonical(root, ec);
    api.teams = [this] { return teams_now(); };
    api.ingest_commits->write_through(
        [dir = opts.project] { return std::make_unique<Store>(Project::open(dir).store_location(), false); });
    setup();
    teams_now();
    gather_where_commits_fsync();
  }

  // PostgreSQL commits wait for an fsync (ms): a group that waits a moment for the uploads on their way
  // saves commits. A SQLite commit does not, and the wait's wake-ups would cost more than it saves.
  void gather_where_commits_fsync() {
    auto lease = pool.acquire_store();
    if (lease->store().db().backend() == sql::Backend::Postgres)
      api.ingest_commits->set_gather(std::chrono::milliseconds(2), std::chrono::microseconds(0));
  }

  bool teams_now() {
    if (teams) return true;
    int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
    int64_t last = teams_checked_ms;
    if (last != 0 && now - last < 1000) return false;
    teams_checked_ms = now;
    auto lease = pool.acquire();
    if (has_users(lease->store())) teams = true;
    return teams;
  }

  // Which credentials the request carries: none, valid ones, or invalid ones. Sets *who for valid ones.
  enum class Auth { None, Token, Cookie, Key, User, Invalid };

  Auth authenticate(const httplib::Request& req, Principal& who) {
    const bool teams_on = teams_now();
    // In teams mode the token mote serve printed is no credential: everyone logs in or uses a key.
    auto is_token = [&](const std::string& v) { return !teams_on && constant_time_equal(v, token); };
    auto as_key = [&](const std::string& v) {
      auto lease = pool.acquire_store();
      auto k = find_api_key(lease->store(), v);
      if (!k) return false;
      who = Principal{Principal::Kind::Key, k->id, k->name, k->role};
      t_credential = "key " + std::to_string(k->id);
      return true;
    };
    auto as_session = [&](const std::string& v) {
      if (!teams_on) return false;
      auto lease = pool.acquire_store();
      auto s = find_session(lease->store(), v);
      if (!s) return false;
      who = Principal{Principal::Kind::User, s->user.id, s->user.name, s->user.role, s->id};
      t_credential = "user " + std::to_string(s->user.id);
      return true;
    };
    if (req.has_header("x-api-key")) {
      std::string v = req.get_header_value("x-api-key");
      return is_token(v) ? Auth::Token : as_key(v) ? Auth::Key : Auth::Invalid;
    }
    if (req.has_header("x-session-token")) {
      std::string v = req.get_header_value("x-session-token");
      return is_token(v) ? Auth::Token : as_session(v) ? Auth::User : Auth::Invalid;
    }
    std::string authz = req.get_header_value("Authorization");
    if (authz.rfind("Bearer ", 0) == 0) {
      std::string v = authz.substr(7);
      return is_token(v) ? Auth::Token : as_key(v) ? Auth::Key : as_session(v) ? Auth::User : Auth::Invalid;
    }
    if (!authz.empty()) return Auth::Invalid;
    std::string cookie = cookie_value(req, "mote_session");
    // A cookie from an earlier run (the token changes at every start) or an ended login counts as none, so
    // reads keep working where they need no credential.
    if (!cookie.empty()) {
      if (is_token(cookie)) return Auth::Cookie;
      if (as_session(cookie)) {
        who.cookie = true;
        return Auth::User;
      }
    }
    return Auth::None;
  }

  httplib::Server::HandlerResponse pre_route(const httplib::Request& req, httplib::Response& res) {
    // httplib answers a client that accepts Brotli with Brotli at its default quality (11): 100-370 ms for a
    // 100 kB JSON answer (a DSP preview; 2 ms uncompressed, 6 ms as gzip). Offer it gzip only. (The request
    // is httplib's own mutable object; the handler is merely declared const.)
    auto& mutable_req = const_cast<httplib::Request&>(req);
    for (auto it = mutable_req.headers.find("Accept-Encoding"); it != mutable_req.headers.end() && it->first == "Accept-Encoding"; ++it) {
      std::string kept;
      size_t pos = 0;
      while (pos <= it->second.size()) {
        size_t end = std::min(it->second.find(',', pos), it->second.size());
        std::string coding = it->second.substr(pos, end - pos);
        coding.erase(0, coding.find_first_not_of(' '));
        if (!coding.empty() && coding.rfind("br", 0) != 0) kept += (kept.empty() ? "" : ", ") + coding;
        pos = end + 1;
      }
      it->second = kept;
    }
    auto r = check_request(req, res);
    // Answered before its body was read: close, so the unread body is never taken for the next request.
    if (r == httplib::Server::HandlerResponse::Handled && req.get_header_value("Content-Length") != "" &&
        req.get_header_value("Content-Length") != "0")
      res.set_header("Connection", "close");
    return r;
  }

  httplib::Server::HandlerResponse check_request(const httplib::Request& req, httplib::Response& res) {
    using HR = httplib::Server::HandlerResponse;
    // On loopback, a foreign Host header means DNS rebinding: a web page pretending to be local.
    if (loopback && req.has_header("Host") && !is_loopback_host(req.get_header_value("Host"))) {
      reply_error(res, 403, "Host '" + req.get_header_value("Host") + "' refused: this server answers only to 127.0.0.1/localhost");
      return HR::Handled;
    }
    std::string origin = req.get_header_value("Origin");
    bool cors = !origin.empty() &&
                std::find(opts.allow_origins.begin(), opts.allow_origins.end(), origin) != opts.allow_origins.end();
    if (cors) {
      res.set_header("Access-Control-Allow-Origin", origin);
      res.set_header("Vary", "Origin");
      if (req.method == "OPTIONS") {
        res.set_header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE");
        res.set_header("Access-Control-Allow-Headers",
                       "content-type, x-api-key, x-session-token, x-label, x-file-name, x-disallow-duplicates");
        res.status = 204;
        return HR::Handled;
      }
    }
    // Only bodies with a Content-Length are read: httplib applies the size limit to those alone (a chunked,
    // length-less or compressed body could grow without bound).
    bool has_body_method = req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
    if (req.has_header("Transfer-Encoding") || (has_body_method && !req.has_header("Content-Length"))) {
      reply_error(res, 411, "send the body with a Content-Length (chunked or length-less bodies are refused)");
      res.set_header("Connection", "close");
      return HR::Handled;
    }
    std::string encoding = req.get_header_value("Content-Encoding");
    if (!encoding.empty() && encoding != "identity") {
      reply_error(res, 415, "Content-Encoding '" + encoding + "' refused; send the body uncompressed");
      res.set_header("Connection", "close");
      return HR::Handled;
    }
    // The studio link printed at start: trade ?token= for an HttpOnly, SameSite=Strict cookie.
    if (req.method == "GET" && req.has_param("token") && teams_now()) {
      reply_error(res, 401, "this project has user accounts (teams mode): the studio link is off; log in at /login (or POST /api/login {\"name\", \"password\"})");
      return HR::Handled;
    }
    if (req.method == "GET" && req.has_param("token")) {
      if (!constant_time_equal(req.get_param_value("token"), token)) {
        reply_error(res, 401, "invalid session token; use the link mote serve printed");
        return HR::Handled;
      }
      res.set_header("Set-Cookie", "mote_session=" + token + "; Path=/; HttpOnly; SameSite=Strict");
      res.set_redirect(req.path, 303);
      return HR::Handled;
    }
    size_t scheme = origin.find("://");  // an Origin without one is no origin this server serves
    std::string origin_host = scheme == std::string::npos ? std::string() : host_name(origin.substr(scheme + 3));
    // A login from another site's page would sign this browser in as someone else (login CSRF).
    if (req.method == "POST" && req.path == "/api/login" && !origin.empty() && !cors && origin_host != host_name(req.get_header_value("Host"))) {
      reply_error(res, 403, "cross-origin login refused (Origin " + origin + ")");
      return HR::Handled;
    }
    t_credential.clear();
    t_principal = Principal{};
    Auth who = authenticate(req, t_principal);
    if (who == Auth::Token || who == Auth::Cookie) {
      t_credential = "session";
      t_principal = Principal{Principal::Kind::Token, 0, "", Role::Owner, 0, who == Auth::Cookie};
    }
    if (who == Auth::Invalid) {
      if (teams)
        reply_json(res, {{"success", false}, {"login", "/login"},
                         {"error", "invalid API key or session (logged out, expired or revoked); log in again at /login or use a valid key"}},
                   401);
      else
        reply_error(res, 401, "invalid API key or session token; create a key with `mote keys create`");
      return HR::Handled;
    }
    bool write = req.method != "GET" && req.method != "HEAD";
    bool is_api = req.path == "/api" || req.path.rfind("/api/", 0) == 0;
    // Logging in needs no credential: the form and its POST.
    bool logging_in = (req.method == "POST" && req.path == "/api/login") || (req.method == "GET" && req.path == "/login");
    if (teams && who == Auth::None && (is_api || write || !loopback) && !logging_in) {
      // "login" names the page, so the studio can go there (web/src/api.ts).
      reply_json(res, {{"success", false}, {"login", "/login"},
                       {"error", "this project has user accounts: log in (the page /login, or POST /api/login {\"name\", \"password\"}, "
                                 "then the mote_session cookie or x-session-token) or send an API key (x-api-key)"}},
                 401);
      return HR::Handled;
    }
    if ((write || !loopback) && who == Auth::None && !logging_in) {
      reply_error(res, 401,
                  std::string(write ? "writes need" : "this server (not on loopback) needs") +
                      " an API key (x-api-key; create one with `mote keys create`) or the session token mote serve printed");
      return HR::Handled;
    }
    // A cookie rides along on cross-site requests; SameSite=Strict stops most, the Origin check the rest.
    if (t_principal.cookie && write && !origin.empty() && !cors && origin_host != host_name(req.get_header_value("Host"))) {
      reply_error(res, 403, "cross-origin write refused (Origin " + origin + ")");
      return HR::Handled;
    }
    return HR::Unhandled;
  }

  // A route's handler behind its role check (access.h), and in teams mode its audit row after a write.
  httplib::Server::Handler wrap_route(const Route& r) {
    const Need need = route_need(r.method, r.doc);
    const bool write = r.method != "GET" && r.method != "HEAD";
    return [this, need, write, route = r.doc, inner = wrap(r.fn)](const httplib::Request& req, httplib::Response& res) {
      t_audited = false;
      if (!may(t_principal.role, need)) {
        reply_error(res, 403, "forbidden for " + t_principal.label() + ": " + refusal(t_principal.role, need));
        if (write && teams) audit_after(req, res, route, 0);
        return;
      }
      // Uploads audit themselves inside their transaction; other writes get a pending row first, so none
      // goes unrecorded even when the server dies before answering. No row, no write.
      int64_t pending = 0;
      if (write && teams && need != Need::Upload) {
        try {
          auto lease = pool.acquire();
          pending = begin_audit(lease->store(), t_principal, req.method, route, req.path);
        } catch (const std::exception& e) {
          reply_error(res, 503, std::string("cannot write the audit row, so nothing was done: ") + e.what());
          return;
        }
      }
      inner(req, res);
      if (write && teams && !t_audited) audit_after(req, res, route, pending);
    };
  }

  // What a write touched, for its audit row: the path's parameters, the body's "ids", the answer's "id".
  static json touched_objects(const httplib::Request& req, const httplib::Response& res) {
    json objects = json::array();
    auto add = [&](const std::string& v) {
      bool digits = !v.empty() && v.size() < 19 && std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); });
      objects.push_back(digits ? json(std::stoll(v)) : json(v));
    };
    for (size_t i = 1; i < req.matches.size(); ++i) add(req.matches[i].str());
    auto ids_of = [](const std::string& body) {
      size_t first = body.find_first_not_of(" \t\r\n");
      if (first == std::string::npos || body[first] != '{' || body.size() > (1u << 20)) return json();
      return json::parse(body, nullptr, false);
    };
    json b = ids_of(req.body);
    if (b.is_object() && b.contains("ids") && b["ids"].is_array())
      for (size_t i = 0; i < b["ids"].size() && i < 1000; ++i)
        if (b["ids"][i].is_number_integer()) objects.push_back(b["ids"][i]);
    json a = ids_of(res.body);
    if (a.is_object() && a.contains("id") && (a["id"].is_number_integer() || a["id"].is_string())) objects.push_back(a["id"]);
    return objects;
  }

  // Completes the pending row (id > 0) or writes the whole row.
  void audit_after(const httplib::Request& req, const httplib::Response& res, const std::string& route, int64_t pending) {
    try {
      auto lease = pool.acquire();
      int status = res.status > 0 ? res.status : 200;
      if (pending) finish_audit(lease->store(), pending, t_principal, touched_objects(req, res), status);
      else write_audit(lease->store(), t_principal, req.method, route, req.path, touched_objects(req, res), status);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "mote serve: %s %s: its audit row was not written: %s\n", req.method.c_str(), req.path.c_str(), e.what());
    }
  }

  httplib::Server::Handler wrap(Handler fn) {
    return [this, fn](const httplib::Request& req, httplib::Response& res) {
      try {
        fn(api, req, res);
      } catch (const HttpError& e) {
        // GET ...?optional=1: "not there yet" (no features, no profile, no test run) is an answer, not a failed
        // request, so the studio asks without a 404 in the browser's console.
        if (e.status == 404 && req.method == "GET" && req.get_param_value("optional") == "1")
          reply_json(res, {{"success", false}, {"missing", true}, {"error", e.message}});
        else
          reply_error(res, e.status, e.message);
      } catch (const Error& e) {
        reply_error(res, 400, e.what());
      } catch (const json::exception& e) {
        reply_error(res, 400, std::string("bad JSON: ") + e.what());
      } catch (const std::exception& e) {
        reply_error(res, 500, std::string("internal error: ") + e.what() + " (please report this)");
      }
    };
  }

  void serve_static(const httplib::Request& req, httplib::Response& res) {
    if (web_root.empty()) {
      if (req.path != "/" && req.path != "/index.html") throw HttpError{404, "no such page: " + req.path};
      res.set_content(builtin_page(), "text/html; charset=utf-8");
      return;
    }
    fs::path p;
    try {
      std::string shown = req.path;  // NUL and control bytes would cut or garble the message
      for (char& c : shown)
        if (static_cast<unsigned char>(c) < 0x20) c = '?';
      p = resolve_inside(web_root, req.path.substr(1), "path " + shown);
    } catch (const Error& e) {
      throw HttpError{400, e.what()};
    }
    std::error_code ec;
    if (fs::is_directory(p, ec)) p /= "index.html";
    // Client-side routes (no extension) get the app shell.
    if (!fs::is_regular_file(p, ec) && !fs::path(req.path).has_extension()) p = web_root / "index.html";
    if (!fs::is_regular_file(p, ec)) throw HttpError{404, "no such file: " + req.path};
    res.set_content(read_file(p, 256u << 20), mime_type(p));
  }

  std::string builtin_page() const {
    std::string rows;
    for (auto& r : routes)
      rows += "<tr><td>" + r.method + "</td><td><code>" + html_escape(r.doc) + "</code></td><td>" + html_escape(r.what) + "</td></tr>\n";
    return "<!doctype html><html><head><meta charset=utf-8><title>mote</title>"
           "<style>body{font:15px system-ui,sans-serif;margin:2em;max-width:60em}td{padding:2px 10px}"
           "code{font-size:14px}</style></head><body><h1>mote</h1>"
           "<p>The studio is not built. Build it in <code>web/</code> (its files go to <code>web/dist</code>) "
           "or point <code>mote serve --web DIR</code> at a built copy. The HTTP API below works without it "
           "(see docs/serve.md).</p><table>\n" +
           rows + "</table></body></html>\n";
  }

  void setup() {
    add_sample_routes(routes);
    add_ingest_routes(routes);
    add_job_routes(routes);
    add_model_routes(routes);
    add_deploy_routes(routes);
    add_anomaly_routes(routes);
    add_live_routes(routes);
    add_impulse_routes(routes);
    add_tune_routes(routes);
    add_version_routes(routes);
    add_team_routes(routes);
    routes.push_back({"GET", "/api", "/api", "this list of endpoints", [this](Api&, const httplib::Request&, httplib::Response& res) {
                        json list = json::array();
                        for (auto& r : routes) list.push_back({{"method", r.method}, {"path", r.doc}, {"what", r.what}});
                        reply_json(res, {{"mote", MOTE_VERSION}, {"endpoints", list}});
                      }});
    for (auto& r : routes) {
      auto h = wrap_route(r);
      if (r.method == "GET") http.Get(r.pattern, h);
      else if (r.method == "POST") http.Post(r.pattern, h);
      else if (r.method == "PUT") http.Put(r.pattern, h);
      else if (r.method == "DELETE") http.Delete(r.pattern, h);
    }
    http.Get(R"(/(?!api(/|$)).*)", wrap([this](Api&, const httplib::Request& req, httplib::Response& res) { serve_static(req, res); }));

    http.new_task_queue = [n = threads] { return new httplib::ThreadPool(n); };
    http.set_payload_max_length(opts.max_body_bytes);
    http.set_tcp_nodelay(true);
    http.set_keep_alive_max_count(10000);  // httplib's default of 5 requests makes devices reconnect all the time  // headers and body go out in separate writes: no Nagle delay between them
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) { return pre_route(req, res); });
    http.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
      if (res.body.empty()) reply_error(res, res.status, status_message(res.status));
      return httplib::Server::HandlerResponse::Handled;
    }));
    http.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
      std::string what = "unknown exception";
      try {
        std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      std::fprintf(stderr, "mote serve: %s %s: %s\n", req.method.c_str(), req.path.c_str(), what.c_str());
      reply_error(res, 500, "internal error (please report this)");
    });
    // Failures that are bugs go to stderr; everything else is the client's answer only.
    http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      if (res.status >= 500) std::fprintf(stderr, "mote serve: %d %s %s: %s\n", res.status, req.method.c_str(), req.path.c_str(), res.body.c_str());
    });
    http.set_default_headers({{"X-Content-Type-Options", "nosniff"}, {"X-Frame-Options", "DENY"}});
  }
};

Server::Server(ServeOptions opts) : impl_(std::make_unique<Impl>(std::move(opts))) {}

Server::~Server() { stop(); }

int Server::bind() {
  auto& o = impl_->opts;
  if (o.port == 0) {
    impl_->port = impl_->http.bind_to_any_port(o.host);
    if (impl_->port <= 0) throw error_at(o.host, "cannot bind a port on this address");
  } else {
    if (!impl_->http.bind_to_port(o.host, o.port))
      throw error_at(o.host + ":" + std::to_string(o.port), "cannot listen (port in use?); choose another with --port");
    impl_->port = o.port;
  }
  return impl_->port;
}

void Server::run() { impl_->http.listen_after_bind(); }

void Server::start() {
  if (impl_->port == 0) bind();
  auto ended = std::make_shared<std::atomic<bool>>(false);
  impl_->thread = std::thread([this, ended] {
    run();
    *ended = true;
  });
  while (!impl_->http.is_running()) {
    if (*ended) throw Error("mote serve: the server stopped as it started (" + url() + ")");
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void Server::stop() {
  impl_->stopping = true;
  impl_->http.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

int Server::port() const { return impl_->port; }
const std::string& Server::session_token() const { return impl_->token; }
bool Server::teams_mode() { return impl_->teams_now(); }
std::string Server::url() const {
  std::string h = impl_->opts.host.find(':') != std::string::npos ? "[" + impl_->opts.host + "]" : impl_->opts.host;
  return "http://" + h + ":" + std::to_string(impl_->port);
}
JobQueue& Server::jobs() { return impl_->jobs; }
std::string Server::handle_raw(std::string_view request) { return impl_->http.process_raw(request); }
const fs::path& Server::web_root() const { return impl_->web_root; }

void reply_json(httplib::Response& res, const json& body, int status) {
  res.status = status;
  // Messages may quote what the client sent: bytes that are not UTF-8 become U+FFFD instead of throwing.
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void reply_error(httplib::Response& res, int status, const std::string& message) {
  reply_json(res, {{"success", false}, {"error", message}}, status);
}

json body_json(const httplib::Request& req) {
  if (req.body.empty()) return json::object();
  // Parsing is iterative, but writing a value back (job params, hashes) recurses: bound the nesting here.
  constexpr int kMaxDepth = 64;
  bool too_deep = false;
  json j = json::parse(req.body, [&](int depth, json::parse_event_t, json&) { return !(too_deep |= depth > kMaxDepth); },
                       false);
  if (too_deep) throw HttpError{400, "request body: JSON nested deeper than " + std::to_string(kMaxDepth) + " levels"};
  if (j.is_discarded()) throw HttpError{400, "request body: not valid JSON; send a JSON object"};
  if (!j.is_object()) throw HttpError{400, "request body: must be a JSON object"};
  return j;
}

int64_t path_id(const httplib::Request& req, size_t group) {
  std::string s = req.matches[static_cast<int>(group)].str();
  try {
    size_t used = 0;
    long long v = std::stoll(s, &used);
    if (used == s.size() && v > 0) return v;
  } catch (const std::exception&) {
  }
  throw HttpError{400, "'" + s + "' is not a valid id"};
}

int64_t query_int(const httplib::Request& req, const std::string& key, int64_t fallback, int64_t lo, int64_t hi) {
  if (!req.has_param(key)) return fallback;
  std::string s = req.get_param_value(key);
  try {
    size_t used = 0;
    long long v = std::stoll(s, &used);
    if (used == s.size() && v >= lo && v <= hi) return v;
  } catch (const std::exception&) {
  }
  throw HttpError{400, "query parameter " + key + "='" + s + "': expected an integer in " + std::to_string(lo) + ".." +
                           std::to_string(hi)};
}

}  // namespace mote::serve
