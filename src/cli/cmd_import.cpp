#include <iostream>

#include "cli/cli.h"
#include "core/error.h"
#include "core/files.h"
#include "ingest/importer.h"

namespace mote::cli {

namespace {
struct ImportArgs {
  std::vector<std::string> paths;
  std::string label, label_pattern, test_pattern, hmac_key, info_file, max_file_size;
  std::string category = "training";
  double frequency_hz = 0, interval_ms = 0, segment_ms = 0;
  bool allow_duplicates = false, skip_bad = false, json = false;
};
}  // namespace

void register_import(CLI::App& app, Context& ctx) {
  static ImportArgs a;
  auto* cmd = app.add_subcommand("import", "Import files or folders (EI JSON/CBOR, CSV, WAV, PNG/JPEG/BMP, MAT, info.labels, UCI HAPT raw)");
  cmd->add_option("PATH", a.paths, "Files or folders (recursive); a folder with info.labels imports through it");
  cmd->add_option("--label", a.label, "Label for every file (default: label.anything.ext prefix, else parent folder)");
  cmd->add_option("--label-pattern", a.label_pattern, "Regex on the file name; its first group is the label");
  cmd->add_option("--test-pattern", a.test_pattern, "Regex on the file name (or a piece's name, e.g. rec.7): matches go to testing, the rest follow --category");
  cmd->add_option("--category", a.category, "training, testing or split (stratified 80/20 by content hash)")
      ->check(CLI::IsMember({"training", "testing", "split"}));
  cmd->add_option("--hmac-key", a.hmac_key, "Verify HS256-signed acquisition files with this key");
  cmd->add_option("--info-file", a.info_file, "Edge Impulse info.labels manifest to import through");
  cmd->add_option("--frequency-hz", a.frequency_hz, "Sampling rate for CSV files without a timestamp column");
  cmd->add_option("--interval-ms", a.interval_ms, "Sampling interval for CSV files without a timestamp column");
  cmd->add_option("--segment-ms", a.segment_ms, "Cut each time series into consecutive pieces this long (the tail is dropped)");
  cmd->add_option("--max-file-size", a.max_file_size, "Refuse files larger than this (default 512M)");
  cmd->add_flag("--allow-duplicates", a.allow_duplicates, "Import data that is already in the project");
  cmd->add_flag("--skip-bad", a.skip_bad, "Import the good files and list the bad ones");
  cmd->add_flag("--json", a.json, "Print the report as JSON");
  cmd->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      ImportOptions o;
      if (!a.label.empty()) o.label = a.label;
      if (!a.label_pattern.empty()) o.label_pattern = a.label_pattern;
      if (!a.test_pattern.empty()) o.test_pattern = a.test_pattern;
      if (!a.hmac_key.empty()) o.hmac_key = a.hmac_key;
      if (!a.info_file.empty()) o.info_file = a.info_file;
      o.category = a.category;
      o.allow_duplicates = a.allow_duplicates;
      o.skip_bad = a.skip_bad;
      o.quiet = a.json;
      if (a.frequency_hz < 0 || a.interval_ms < 0) throw Error("--frequency-hz and --interval-ms must be positive");
      if (a.segment_ms < 0) throw Error("--segment-ms must be positive");
      o.segment_ms = a.segment_ms;
      o.interval_ms = a.interval_ms > 0 ? a.interval_ms : a.frequency_hz > 0 ? 1000.0 / a.frequency_hz : 0.0;
      std::string limit = !a.max_file_size.empty() ? a.max_file_size : p.config().value("max_file_size", std::string());
      if (!limit.empty()) o.max_file_bytes = parse_byte_size(limit, "--max-file-size");
      if (a.paths.empty() && a.info_file.empty()) throw Error("import: give files or folders to import (or --info-file)");
      std::vector<std::filesystem::path> paths(a.paths.begin(), a.paths.end());
      ImportReport r = import_paths(p.store(), paths, o);
      if (a.json) {
        nlohmann::json bad = nlohmann::json::array();
        for (auto& b : r.bad) bad.push_back({{"path", b.path}, {"error", b.message}});
        print_json({{"imported", r.ids.size()}, {"ids", r.ids}, {"bytes", r.bytes}, {"bad", bad}, {"ignored", r.ignored}});
        return;
      }
      std::cout << "imported " << r.ids.size() << " samples (" << r.bytes << " bytes)\n";
      if (!r.ignored.empty())
        std::cout << "ignored " << r.ignored.size() << " files mote cannot import (e.g. " << r.ignored.front() << ")\n";
      for (auto& b : r.bad) std::cout << "skipped " << b.message << "\n";
    };
  });
}

}  // namespace mote::cli
