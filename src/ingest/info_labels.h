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
// The same from its text: root is the folder paths are relative to, where names it in errors.
std::vector<ManifestEntry> parse_info_labels(std::string_view text, const std::filesystem::path& root, const std::string& where);

// Writes one for an export (paths relative to the manifest's folder).
std::string write_info_labels(const std::vector<ManifestEntry>& entries, const std::filesystem::path& root);

}  // namespace mote
