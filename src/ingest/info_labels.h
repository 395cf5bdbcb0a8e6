// Edge Impulse export manifest (info.labels): which files, with what name, label and category.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "store/sample.h"

namespace mote {

struct ManifestEntry {
  std::filesystem::path path;  // resolved, inside the manifest's folder
  std::string name;
  std::string label;  // "" when unlabeled
  Category category = Category::Training;
};

// Reads a manifest; every path must stay inside the manifest's folder.
std::vector<ManifestEntry> read_info_labels(const std::filesystem::path& manifest);

// Writes one for an export (paths relative to the manifest's folder).
std::string write_info_labels(const std::vector<ManifestEntry>& entries, const std::filesystem::path& root);

}  // namespace mote
