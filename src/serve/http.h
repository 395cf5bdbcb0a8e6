// Internals shared by the API files: the route table, errors with an HTTP status, JSON replies, the pool
// of store connections. Not part of the public interface (that is server.h).
#pragma once

#include <httplib.h>

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "serve/access.h"
#include "serve/ingest_commit.h"
#include "serve/login_throttle.h"
#include "serve/jobs.h"
#include "serve/server.h"
#include "store/project.h"

namespace mote::serve {

// An expected failure of a request: its status and a one-line message for {"success": false, "error": ...}.
struct HttpError {
  int status;
  std::string message;
};

// Store connections for request threads: SQLite connections must not be shared by concurrent statements.
class ProjectPool {
 public:
  explicit ProjectPool(std::filesystem::path dir) : dir_(std::move(dir)) {}
  class Lease {
   public:
    Lease(ProjectPool& pool, std::unique_ptr<Project> p) : pool_(pool), p_(std::move(p)) {}
    ~Lease() { pool_.give_back(std::move(p_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Project& operator*() { return *p_; }
    Project* operator->() { return p_.get(); }

   private:
    ProjectPool& pool_;
    std::unique_ptr<Project> p_;
  };
  Lease acquire();
  // The same for store work alone (credentials, ingestion): the project's mote.json is not looked at, so
  // its config() may be older than the file.
  Lease acquire_store();
  const std::filesystem::path& dir() const { return dir_; }

 private:
  void give_back(std::unique_ptr<Project> p);
  std::filesystem::path dir_;
  std::mutex m_;
  std::vector<std::unique_ptr<Project>> free_;
  std::optional<nlohmann::json> config_;  // mote.json as last read, and its stat (inode, size, mtime, ctime)
  std::array<int64_t, 6> config_stamp_{};
};

// Live classification sessions, one per device name (api_live.cpp).
class LiveHub;
std::shared_ptr<LiveHub> make_live_hub();

// What every handler can reach.
struct Api {
  const ServeOptions& opts;
  ProjectPool& pool;
  JobQueue& jobs;
  std::function<bool()> stopping;
  std::atomic<int>& streams;  // open SSE streams: each holds a thread
  int max_streams;
  // Ingestion writers queue here rather than in SQLite's busy handler, which sleeps in steps of milliseconds.
  std::mutex& write_lock;
  std::shared_ptr<LiveHub> live = make_live_hub();
  // Ingestion's group commit (ingest_commit.h), under write_lock.
  std::shared_ptr<GroupCommitter> ingest_commits = std::make_shared<GroupCommitter>(write_lock);
  // Teams mode (the store has users; docs/serve.md): logins, roles for everyone, an audit row per write.
  std::function<bool()> teams = [] { return false; };
  std::shared_ptr<LoginThrottle> logins = std::make_shared<LoginThrottle>();
};

using Handler = std::function<void(Api&, const httplib::Request&, httplib::Response&)>;

struct Route {
  std::string method;   // GET, POST, PUT, DELETE
  std::string pattern;  // regex over the path; groups are the {parameters}
  std::string doc;      // the path as documented: /api/samples/{id}
  std::string what;     // one line for the API listing
  Handler fn;
};

// Each API file adds its routes.
void add_sample_routes(std::vector<Route>& routes);
void add_ingest_routes(std::vector<Route>& routes);
void add_job_routes(std::vector<Route>& routes);
void add_model_routes(std::vector<Route>& routes);
void add_deploy_routes(std::vector<Route>& routes);   // api_deploy.cpp: packages as zip, the Cortex-M4 profile
void add_anomaly_routes(std::vector<Route>& routes);  // api_anomaly.cpp: cluster view and score distribution
void add_live_routes(std::vector<Route>& routes);     // api_live.cpp: device streams in, results out over SSE
void add_impulse_routes(std::vector<Route>& routes);  // api_impulse.cpp: block schemas, the DSP preview
void add_tune_routes(std::vector<Route>& routes);     // api_tune.cpp: tuner runs, candidates, apply
void add_version_routes(std::vector<Route>& routes);  // api_versions.cpp: named versions of impulse + models

// Who made the current request: "key 3", "session", "user 2", or "" (no credential).
const std::string& request_credential();
// The same, with its role (access.h); POST /api/login sets it to the user who logged in.
Principal& request_principal();
// The handler wrote the request's audit row in its own transaction: the server writes none after it.
void mark_audited();
void add_team_routes(std::vector<Route>& routes);  // api_teams.cpp: login, logout, me, the audit trail

void reply_json(httplib::Response& res, const nlohmann::json& body, int status = 200);
void reply_error(httplib::Response& res, int status, const std::string& message);
// The request body as JSON (an object); HttpError 400 naming the problem otherwise.
nlohmann::json body_json(const httplib::Request& req);
// Path parameter i (1-based regex group) as a positive id; HttpError 400 otherwise.
int64_t path_id(const httplib::Request& req, size_t group = 1);
// Query parameter as an integer in [lo, hi] with a default; HttpError 400 when malformed.
int64_t query_int(const httplib::Request& req, const std::string& key, int64_t fallback, int64_t lo, int64_t hi);

}  // namespace mote::serve
