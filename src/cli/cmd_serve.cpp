#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include "cli/cli.h"
#include "core/error.h"
#include "core/files.h"
#include "serve/server.h"

namespace mote::cli {

namespace {
volatile std::sig_atomic_t g_signal = 0;
}

// Prints the URL, the studio link and the token, then serves until Ctrl-C (SIGINT/SIGTERM).
void serve_foreground(serve::ServeOptions o, const std::filesystem::path& dir) {
  o.project = dir;
  serve::Server server(o);
  server.bind();
  std::printf("mote serve: %s (project %s)\n", server.url().c_str(), dir.c_str());
  if (server.teams_mode()) {
    // The printed token would let anyone at this terminal past the roles: in teams mode it is no credential.
    std::printf("teams mode (the project has user accounts): log in at %s/login (or POST /api/login {\"name\", "
                "\"password\"}), or send an API key (x-api-key)\n", server.url().c_str());
  } else {
    std::printf("studio: %s/?token=%s\n", server.url().c_str(), server.session_token().c_str());
    std::printf("session token (x-session-token header): %s\n", server.session_token().c_str());
  }
  if (server.web_root().empty()) std::printf("the studio is not built; %s/ lists the API\n", server.url().c_str());
  if (!serve::is_loopback_host(o.host))
    std::printf("listening beyond loopback: every request needs x-api-key (mote keys create) or the token\n");
  std::printf("job workers: %u; stop with Ctrl-C\n", server.jobs().workers());
  std::fflush(stdout);
  std::signal(SIGINT, [](int s) { g_signal = s; });
  std::signal(SIGTERM, [](int s) { g_signal = s; });
  server.start();
  while (!g_signal) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::printf("mote serve: stopping\n");
  server.stop();
}

void register_serve(CLI::App& app, Context& ctx) {
  static serve::ServeOptions o;
  static std::string max_body = "64M", web, db;
  auto* cmd = app.add_subcommand("serve", "Serve the studio, the HTTP API and the ingestion service");
  cmd->add_option("--port", o.port, "TCP port (default 4446)");
  cmd->add_option("--host", o.host, "Address to listen on (default 127.0.0.1; others require a key for every request)");
  cmd->add_option("--max-body", max_body, "Largest request body, e.g. 64M (larger: 413)");
  cmd->add_option("--workers", o.job_workers, "Job worker threads (default: one per core)");
  cmd->add_option("--web", web, "Folder of the built studio (default: web/dist of the source tree)");
  cmd->add_option("--allow-origin", o.allow_origins, "Send CORS headers for this origin (repeatable; default none)");
  cmd->add_option("--db", db, "The project's store for this server: postgres://... or a SQLite file (default: mote.json's)");
  cmd->callback([&ctx] {
    ctx.run = [&ctx] {
      if (!db.empty()) Project::set_store_override(db);
      ctx.open_project();  // a clear error before anything listens
      o.project = ctx.dir;
      o.max_body_bytes = parse_byte_size(max_body, "--max-body");
      if (!web.empty()) {
        if (!std::filesystem::is_regular_file(std::filesystem::path(web) / "index.html"))
          throw error_at("--web " + web, "no index.html there; build the studio (web/) or leave --web out");
        o.web_dir = web;
      }
      serve_foreground(o, ctx.dir);
    };
  });
}

}  // namespace mote::cli
