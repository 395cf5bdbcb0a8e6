#include "store/project.h"

#include <openssl/rand.h>

#include "core/crypto.h"
#include "core/error.h"
#include "core/files.h"

namespace fs = std::filesystem;

namespace mote {

namespace {
constexpr int kConfigVersion = 1;

}  // namespace

Project::Project(fs::path dir, nlohmann::json config, std::unique_ptr<Store> store)
    : dir_(std::move(dir)), config_(std::move(config)), store_(std::move(store)) {}

Project Project::init(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw error_at(dir.string(), "cannot create the folder: " + ec.message());
  if (fs::exists(dir / "mote.json") || fs::exists(dir / "mote.db"))
    throw error_at(dir.string(), "already holds a mote project; use it with `mote -C " + dir.string() + " ...`");
  nlohmann::json config = {{"mote", kConfigVersion},
                           {"name", fs::absolute(dir).lexically_normal().filename().string()},
                           {"impulse", nullptr}};
  auto store = std::make_unique<Store>(dir / "mote.db", true);
  store->set_setting("hmac_key", random_hex(16));
  fs::create_directories(dir / "out");
  Project p(dir, std::move(config), std::move(store));
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
  if (!fs::exists(dir / "mote.db"))
    throw error_at((dir / "mote.db").string(), "missing; the project's store was deleted or moved");
  return Project(dir, std::move(config), std::make_unique<Store>(dir / "mote.db", false));
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
