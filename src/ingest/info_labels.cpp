#include "ingest/info_labels.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/files.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace mote {

std::vector<ManifestEntry> read_info_labels(const fs::path& manifest) {
  return parse_info_labels(read_file(manifest, 256u << 20), fs::absolute(manifest).parent_path(), manifest.string());
}

std::vector<ManifestEntry> parse_info_labels(std::string_view text, const fs::path& manifest_dir, const std::string& where) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    throw error_at(where, "not valid JSON at byte " + std::to_string(e.byte) + "; restore the export's info.labels");
  }
  if (!doc.is_object() || !doc.contains("files") || !doc["files"].is_array())
    throw error_at(where, "expected {\"version\": 1, \"files\": [...]}; is this an Edge Impulse info.labels?");
  fs::path root = fs::weakly_canonical(manifest_dir);
  std::vector<ManifestEntry> out;
  const json& files = doc["files"];
  for (size_t i = 0; i < files.size(); ++i) {
    const json& f = files[i];
    std::string at = where + ": files[" + std::to_string(i) + "]";
    if (!f.is_object() || !f.contains("path") || !f["path"].is_string())
      throw error_at(at, "needs a string 'path'");
    std::string rel = f["path"].get<std::string>();
    if (rel.find('\0') != std::string::npos || fs::path(rel).is_absolute())
      throw error_at(at + ".path", "must be a relative path inside the export folder");
    fs::path resolved;
    std::error_code ec;  // a path the OS refuses (name too long, ...) is a bad entry, not a crash
    resolved = fs::weakly_canonical(root / rel, ec);
    if (ec) throw error_at(at + ".path", "'" + rel.substr(0, 80) + "' is not a usable path (" + ec.message() + ")");
    auto [r_end, _] = std::mismatch(root.begin(), root.end(), resolved.begin(), resolved.end());
    if (r_end != root.end()) throw error_at(at + ".path", "'" + rel + "' points outside the export folder; refusing it");
    ManifestEntry e;
    e.path = resolved;
    e.name = f.contains("name") && f["name"].is_string() ? f["name"].get<std::string>() : fs::path(rel).stem().string();
    if (f.contains("category") && f["category"].is_string()) {
      std::string c = f["category"].get<std::string>();
      // Edge Impulse may also write "split"; mote resolves that later, so treat it as training here.
      e.category = c == "testing" ? Category::Testing : c == "training" || c == "split" ? Category::Training
                                                                                         : parse_category(c, at + ".category");
    }
    if (f.contains("label") && f["label"].is_object()) {
      const json& l = f["label"];
      if (l.value("type", "") == "label" && l.contains("label") && l["label"].is_string()) e.label = l["label"].get<std::string>();
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::string write_info_labels(const std::vector<ManifestEntry>& entries, const fs::path& root) {
  json files = json::array();
  for (const auto& e : entries) {
    json label = e.label.empty() ? json{{"type", "unlabeled"}} : json{{"type", "label"}, {"label", e.label}};
    files.push_back({{"path", e.path.lexically_relative(root).generic_string()},
                     {"name", e.name},
                     {"category", category_name(e.category)},
                     {"label", label}});
  }
  return json{{"version", 1}, {"files", files}}.dump() + "\n";
}

}  // namespace mote
