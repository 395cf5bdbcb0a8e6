// `mote serve`: the HTTP API over a project, the Edge Impulse-compatible ingestion service, the job queue
// with live logs (Server-Sent Events) and the studio's static files. See docs/serve.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "serve/jobs.h"

namespace mote::serve {

struct ServeOptions {
  std::filesystem::path project = ".";
  std::string host = "127.0.0.1";  // anything but loopback: every request needs a key or the session token
  int port = 4446;                 // 0: any free port (tests)
  uint64_t max_body_bytes = 64ull << 20;  // larger requests get 413
  unsigned job_workers = 0;               // 0: one per core
  unsigned http_threads = 0;              // 0: max(16, 4 x cores); SSE streams may hold half of them
  std::optional<std::filesystem::path> web_dir;  // the built studio; default web/dist beside the binary's tree
  std::vector<std::string> allow_origins;        // CORS: none by default
  std::string session_token;                     // empty: a random one
  std::vector<JobKind> extra_job_kinds;          // tests add controllable kinds
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(const std::string& host);

class Server {
 public:
  explicit Server(ServeOptions opts);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the socket (throws mote::Error when it cannot) and returns the port.
  int bind();
  // Serves until stop(); call bind() first.
  void run();
  // bind() + run() on a background thread; returns once requests are accepted.
  void start();
  void stop();

  int port() const;
  const std::string& session_token() const;  // no credential in teams mode
  // True once the project's store has a user (docs/serve.md, "Teams"): logins and roles for everyone.
  bool teams_mode();
  std::string url() const;  // http://host:port
  JobQueue& jobs();
  // One request from raw bytes through the same parser, checks and handlers as a connection's, as if sent
  // from 127.0.0.1; returns the response's bytes. No bind() needed (the HTTP fuzzer drives this).
  std::string handle_raw(std::string_view request);
  const std::filesystem::path& web_root() const;  // empty when the studio is not built

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mote::serve
