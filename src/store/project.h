// A project on disk: mote.json (settings and impulse, human-editable), mote.db (the store), out/ (artifacts).
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
  static Project init(const std::filesystem::path& dir);
  // Opens an existing project, with an error that says how to create one.
  static Project open(const std::filesystem::path& dir);

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path out_dir() const { return dir_ / "out"; }
  Store& store() { return *store_; }
  nlohmann::json& config() { return config_; }
  void save_config();

  // The project's HMAC key for signed acquisition data, made at init.
  std::string hmac_key();

 private:
  Project(std::filesystem::path dir, nlohmann::json config, std::unique_ptr<Store> store);
  std::filesystem::path dir_;
  nlohmann::json config_;
  std::unique_ptr<Store> store_;
};

}  // namespace mote
