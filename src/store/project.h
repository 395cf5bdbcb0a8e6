// A project on disk: mote.json (settings and impulse, human-editable), its store (mote.db beside it, or where
// mote.json's "store" says: a postgres:// URL or another SQLite file), out/ (artifacts).
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "store/store.h"

namespace mote {

class Project {
 public:
  // Creates DIR (if needed) with mote.json, mote.db and out/; refuses a folder that already holds a project.
  // `store`: a postgres:// URL (without a password) to keep the data there instead of mote.db.
  static Project init(const std::filesystem::path& dir, const std::string& store = "");
  // Opens an existing project, with an error that says how to create one.
  static Project open(const std::filesystem::path& dir);

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path out_dir() const { return dir_ / "out"; }
  Store& store() { return *store_; }
  // The store's location as opened: a SQLite file path or a postgres:// URL.
  const std::string& store_location() const { return location_; }
  // Where DIR's store lives: the process's override (or $MOTE_DB, which the override sets for children), else
  // mote.json's "store" (relative to DIR), else DIR/mote.db.
  static std::string locate_store(const std::filesystem::path& dir, const nlohmann::json& config);
  // Every project this process opens uses `location` as its store (`serve --db`, `worker --db`); "" = none.
  static void set_store_override(const std::string& location);
  nlohmann::json& config() { return config_; }
  void save_config();

  // The project's HMAC key for signed acquisition data, made at init.
  std::string hmac_key();

 private:
  Project(std::filesystem::path dir, nlohmann::json config, std::string location, std::unique_ptr<Store> store);
  std::filesystem::path dir_;
  std::string location_;
  nlohmann::json config_;
  std::unique_ptr<Store> store_;
};

}  // namespace mote
