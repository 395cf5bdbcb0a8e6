#include "store/project.h"

#include <openssl/rand.h>

#include <cstdlib>
#include <mutex>

#include "core/crypto.h"
#include "core/error.h"
#include "core/files.h"
#include "store/postgres.h"

namespace fs = std::filesystem;

namespace mote {

namespace {
constexpr int kConfigVersion = 1;

std::mutex g_override_mutex;
std::string g_store_override;  // set once by `serve --db` / `worker --db` before any project opens

}  // namespace

Project::Project(fs::path dir, nlohmann::json config, std::string location, std::unique_ptr<Store> store)
    : dir_(std::move(dir)), location_(std::move(location)), config_(std::move(config)), store_(std::move(store)) {}

void Project::set_store_override(const std::string& location) {
  std::lock_guard<std::mutex> lk(g_override_mutex);
  g_store_override = location;
  // Children (mote tune, tune-candidate, started by jobs) open the same store.
  if (location.empty()) unsetenv("MOTE_DB");
  else setenv("MOTE_DB", location.c_str(), 1);
}

std::string Project::locate_store(const fs::path& dir, const nlohmann::json& config) {
  {
    std::lock_guard<std::mutex> lk(g_override_mutex);
    if (!g_store_override.empty()) return g_store_override;
  }
  if (const char* env = std::getenv("MOTE_DB"); env && *env) return env;
  if (config.contains("store") && config["store"].is_string() && !config["store"].get<std::string>().empty()) {
    std::string s = config["store"].get<std::string>();
    if (sql::is_postgres_url(s) || fs::path(s).is_absolute()) return s;
    return (dir / s).string();
  }
  return (dir / "mote.db").string();
}

Project Project::init(const fs::path& dir, const std::string& store_url) {
  if (!store_url.empty()) {
    if (!sql::is_postgres_url(store_url))
      throw error_at("--db " + store_url, "not a postgres:// URL; leave --db out to keep the store in DIR/mote.db");
    if (sql::postgres_url_has_password(store_url))
      throw error_at("--db " + sql::redact_postgres_url(store_url),
                     "mote.json would keep the password; put it in ~/.pgpass or PGPASSWORD and pass the URL without it");
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw error_at(dir.string(), "cannot create the folder: " + ec.message());
  if (fs::exists(dir / "mote.json") || fs::exists(dir / "mote.db"))
    throw error_at(dir.string(), "already holds a mote project; use it with `mote -C " + dir.string() + " ...`");
  nlohmann::json config = {{"mote", kConfigVersion},
                           {"name", fs::absolute(dir).lexically_normal().filename().string()},
                           {"impulse", nullptr}};
  if (!store_url.empty()) config["store"] = store_url;
  std::string location = store_url.empty() ? (dir / "mote.db").string() : store_url;
  auto store = std::make_unique<Store>(location, true);
  {
    sql::Transaction tx(store->db());
    // A shared database may already hold a project: refuse rather than mix two projects' data.
    if (store->setting("hmac_key") || store->count({}) > 0)
      throw error_at(store->db().path(), "already holds a mote project; use an empty database (or a schema of its own: "
                                         "?options=-csearch_path%3DNAME)");
    store->set_setting("hmac_key", random_hex(16));
    tx.commit();
  }
  fs::create_directories(dir / "out");
  Project p(dir, std::move(config), std::move(location), std::move(store));
  // mote.json last: a folder without it is not yet a project, so a failed init can be retried.
  p.save_config();
  return p;
}

Project Project::open(const fs::path& dir) {
  fs::path cfg = dir / "mote.json";
  if (!fs::exists(cfg))
    throw error_at(dir.string(), "not a mote project (no mote.json); create one with `mote init " + dir.string() + "`");
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(read_file(cfg, 16u << 20));
  } catch (const nlohmann::json::exception& e) {
    throw error_at(cfg.string(), std::string("not valid JSON (") + e.what() + "); fix the file or restore it");
  }
  if (!config.is_object() || !config.contains("mote"))
    throw error_at(cfg.string(), "missing field 'mote' (format version); is this a mote project file?");
  if (!config["mote"].is_number_integer() || config["mote"].get<int>() > kConfigVersion)
    throw error_at(cfg.string() + ": mote", "unsupported project format version; upgrade mote");
  std::string location = locate_store(dir, config);
  if (!sql::is_postgres_url(location) && !fs::exists(location))
    throw error_at(location, "missing; the project's store was deleted or moved");
  auto store = std::make_unique<Store>(location, false);
  return Project(dir, std::move(config), std::move(location), std::move(store));
}

void Project::save_config() { write_file_atomic(dir_ / "mote.json", config_.dump(2) + "\n"); }

std::string Project::hmac_key() {
  auto key = store_->setting("hmac_key");
  if (!key) {
    key = random_hex(16);
    store_->set_setting("hmac_key", *key);
  }
  return *key;
}

}  // namespace mote
