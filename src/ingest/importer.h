// The import pipeline: find files (folders, info.labels), parse them in parallel, decide label, name and
// category, refuse duplicates, and store the batch in one transaction (all or nothing unless skip_bad).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/files.h"
#include "ingest/format.h"
#include "store/store.h"

namespace mote {

struct ImportOptions {
  std::optional<std::string> label;          // --label: every file gets this label
  std::optional<std::string> label_pattern;  // --label-pattern: regex on the file name, first group
  std::string category = "training";         // training | testing | split
  std::optional<std::string> test_pattern;   // --test-pattern: file names (or piece names "rec.7") it matches go to testing
  std::optional<std::string> hmac_key;       // verify HS256 acquisition files
  std::optional<std::filesystem::path> info_file;
  bool allow_duplicates = false;
  bool skip_bad = false;  // import the good files, list the bad ones
  bool quiet = false;     // no progress output
  uint64_t max_file_bytes = kDefaultMaxFileBytes;
  double interval_ms = 0;  // CSV without timestamps
  double segment_ms = 0;   // --segment-ms: cut each time series into consecutive pieces this long
};

struct BadFile {
  std::string path;
  std::string message;
};

struct ImportReport {
  std::vector<int64_t> ids;  // stored samples, in file order
  std::vector<BadFile> bad;  // only with skip_bad
  std::vector<std::string> ignored;  // files in walked folders with no importer (README.md, ...)
  uint64_t files = 0;
  uint64_t bytes = 0;
};

ImportReport import_paths(Store& store, const std::vector<std::filesystem::path>& paths, const ImportOptions& opts);

// Parses one file's bytes by its name's extension (also used by the HTTP ingestion API).
Sample parse_file(std::string_view bytes, const std::filesystem::path& name, const ParseContext& ctx);

}  // namespace mote
