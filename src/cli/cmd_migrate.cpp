// `mote migrate --to TARGET`: copy the project's store to PostgreSQL (or a new SQLite file), verify, switch.
#include <cstdio>
#include <filesystem>

#include "cli/cli.h"
#include "core/error.h"
#include "store/copy.h"
#include "store/postgres.h"

namespace fs = std::filesystem;

namespace mote::cli {

namespace {

// A new SQLite file that failed half-way is removed with its WAL files: nothing half-written stays.
void remove_sqlite_files(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix, ec);
}

}  // namespace

void register_migrate(CLI::App& app, Context& ctx) {
  static std::string to;
  static bool json = false;
  auto* cmd = app.add_subcommand("migrate", "Copy the project's store to PostgreSQL (or a new SQLite file), verify it, use it");
  cmd->add_option("--to", to, "postgres://[user@]host[:port]/database (password in ~/.pgpass or PGPASSWORD) or a new .db file")
      ->required();
  cmd->add_flag("--json", json, "Print the report as JSON");
  cmd->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      const bool postgres = sql::is_postgres_url(to);
      std::string target = to;
      if (postgres && sql::postgres_url_has_password(to))
        throw error_at("--to " + sql::redact_postgres_url(to),
                       "mote.json would keep the password; put it in ~/.pgpass or PGPASSWORD and pass the URL without it");
      if (!postgres) {
        target = fs::absolute(to).lexically_normal().string();
        if (fs::exists(target)) throw error_at("--to " + to, "already exists; name a new file");
      }
      if (target == p.store_location()) throw error_at("--to " + to, "is the project's store already");
      CopyReport report;
      try {
        Store dest(target, true, false);
        report = copy_store(p.store(), dest);
      } catch (...) {
        if (!postgres) remove_sqlite_files(target);
        throw;
      }
      const std::string before = p.store_location();
      p.config()["store"] = target;
      p.save_config();
      int64_t rows = 0;
      for (auto& t : report.tables) rows += t.rows;
      const std::string shown = postgres ? sql::redact_postgres_url(target) : target;
      if (json) {
        nlohmann::json tables = nlohmann::json::array();
        for (auto& t : report.tables) tables.push_back({{"table", t.table}, {"rows", t.rows}, {"sha256", t.digest}});
        print_json({{"to", shown}, {"from", before}, {"tables", tables}, {"rows", rows}, {"samples", report.samples},
                    {"source_hash_mismatches", report.source_mismatches}});
        return;
      }
      std::printf("copied %lld rows in %zu tables (%lld samples) to %s; counts, row digests and sample hashes verified\n",
                  static_cast<long long>(rows), report.tables.size(), static_cast<long long>(report.samples),
                  shown.c_str());
      if (report.source_mismatches)
        std::printf("note: %lld samples already had a stored hash that differs from their data (copied as they were)\n",
                    static_cast<long long>(report.source_mismatches));
      std::printf("the project now uses it (mote.json \"store\"); the previous store %s is left as it was\n",
                  before.c_str());
    };
  });
}

}  // namespace mote::cli
