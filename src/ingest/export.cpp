#include "ingest/export.h"

#include <unistd.h>

#include <set>

#include "core/error.h"
#include "core/files.h"
#include "core/progress.h"
#include "ingest/acquisition.h"
#include "ingest/image.h"
#include "ingest/info_labels.h"

namespace fs = std::filesystem;

namespace mote {

namespace {
// Keeps file names portable: letters, digits, - and _ survive; everything else becomes _.
std::string safe_part(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += (std::isalnum(c) || c == '-' || c == '_') ? static_cast<char>(c) : '_';
  return out.empty() ? "_" : out;
}
}  // namespace

ExportReport export_samples(Store& store, const fs::path& dir, const SampleFilter& filter,
                            const std::optional<std::string>& hmac_key) {
  std::error_code ec;
  if (fs::exists(dir) && !fs::is_empty(dir, ec))
    throw error_at(dir.string(), "already exists and is not empty; choose a new folder");
  fs::path parent = fs::absolute(dir).parent_path();
  fs::create_directories(parent);
  fs::path tmp = parent / ("." + dir.filename().string() + ".tmp-" + std::to_string(::getpid()));
  fs::remove_all(tmp, ec);
  ExportReport report;
  try {
    std::vector<ManifestEntry> entries;
    std::set<std::string> used;
    int64_t total = store.count(filter);
    Progress progress("export", static_cast<uint64_t>(total));
    // Page through the samples so memory stays bounded on big projects.
    SampleFilter page = filter;
    page.limit = 256;
    for (page.offset = 0;; page.offset += page.limit) {
      auto samples = store.list(page, true);
      if (samples.empty()) break;
      for (auto& s : samples) {
        const char* ext = s.kind == SampleKind::Image ? ".png" : ".json";
        std::string base = std::string(category_name(s.category)) + "/" + safe_part(s.label) + "." + safe_part(s.name);
        std::string rel = base + ext;
        if (!used.insert(rel).second) {
          rel = base + "." + std::to_string(s.id) + ext;
          used.insert(rel);
        }
        std::string data = s.kind == SampleKind::Image ? encode_png(s) : write_acquisition_json(s, hmac_key);
        fs::create_directories((tmp / rel).parent_path());
        write_file_atomic(tmp / rel, data);
        entries.push_back({dir / rel, s.name, s.label, s.category});
        report.samples++;
        report.bytes += data.size();
        progress.advance();
      }
    }
    write_file_atomic(tmp / "info.labels", write_info_labels(entries, dir));
    if (fs::exists(dir)) fs::remove(dir);  // empty, checked above
    fs::rename(tmp, dir);
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
  return report;
}

}  // namespace mote
