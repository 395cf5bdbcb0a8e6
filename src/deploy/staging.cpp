#include "deploy/staging.h"

#include <fstream>
#include <random>
#include <sstream>

#include "core/error.h"
#include "deploy/runtime_files.h"

namespace mote::deploy {

namespace fs = std::filesystem;

StagedDir::StagedDir(fs::path out) : out_(std::move(out)) {
  if (fs::exists(out_) && (!fs::is_directory(out_) || !fs::is_empty(out_)))
    throw Error(out_.string() + ": already exists and is not empty; remove it or choose another output folder");
  const fs::path parent = out_.has_parent_path() ? out_.parent_path() : fs::path(".");
  fs::create_directories(parent);
  std::random_device rd;
  tmp_ = parent / (out_.filename().string() + ".tmp-" + std::to_string(rd()));
  fs::create_directories(tmp_);
}

StagedDir::~StagedDir() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(tmp_, ec);
  }
}

void StagedDir::write(const fs::path& rel, const std::string& text) {
  const fs::path p = tmp_ / rel;
  fs::create_directories(p.parent_path());
  std::ofstream f(p, std::ios::binary);
  f << text;
  if (!f) throw Error((out_ / rel).string() + ": cannot write");
  ++files_;
}

void StagedDir::commit() {
  if (fs::exists(out_)) fs::remove(out_);  // an empty folder (checked in the constructor)
  fs::rename(tmp_, out_);
  committed_ = true;
}

size_t write_tree(StagedDir& dir, const fs::path& from, const fs::path& to) {
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(from))
    if (e.is_regular_file()) {
      std::ifstream f(e.path(), std::ios::binary);
      std::ostringstream text;
      text << f.rdbuf();
      dir.write(to / fs::relative(e.path(), from), text.str());
      ++files;
    }
  return files;
}

void write_runtime(StagedDir& dir, const std::string& prefix, const std::string& strip,
                   const std::vector<std::string>& folders) {
  for (size_t i = 0; i < kRuntimeFileCount; ++i) {
    const std::string path = kRuntimeFiles[i].path;
    bool wanted = false;
    for (const auto& f : folders) wanted = wanted || path.rfind(f, 0) == 0;
    if (!wanted) continue;
    const std::string rel = !strip.empty() && path.rfind(strip, 0) == 0 ? path.substr(strip.size()) : path;
    dir.write(fs::path(prefix) / rel, kRuntimeFiles[i].text);
  }
}

}  // namespace mote::deploy
