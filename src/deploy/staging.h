// What every packager shares: a package is written into a temporary sibling folder and renamed into
// place only when complete, so a failure (or a refused output folder) leaves nothing behind.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mote::deploy {

class StagedDir {
 public:
  // Throws mote::Error naming `out` when it exists and is not an empty folder.
  explicit StagedDir(std::filesystem::path out);
  ~StagedDir();  // removes the temporary folder unless commit() ran
  StagedDir(const StagedDir&) = delete;
  StagedDir& operator=(const StagedDir&) = delete;

  // Writes `text` to <staging>/<rel>, creating folders; throws mote::Error on failure.
  void write(const std::filesystem::path& rel, const std::string& text);
  size_t files() const { return files_; }
  void commit();  // renames the staging folder to `out`

 private:
  std::filesystem::path out_, tmp_;
  size_t files_ = 0;
  bool committed_ = false;
};

// Copies every file under `from` (a built tree) into the package under `to`; returns how many.
size_t write_tree(StagedDir& dir, const std::filesystem::path& from, const std::filesystem::path& to);

// Copies the embedded runtime files under `prefix` whose runtime-relative path starts with one of
// `folders` ("include/", "nn/", "port/"), each to <prefix>/<path with `strip` removed from its front>.
void write_runtime(StagedDir& dir, const std::string& prefix, const std::string& strip = "",
                   const std::vector<std::string>& folders = {"include/", "nn/", "port/"});

}  // namespace mote::deploy
