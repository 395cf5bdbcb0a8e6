// `mote upload`: send files to a `mote serve` through its ingestion API, as edge-impulse-uploader does.
#include <cstdio>

#include "cli/cli.h"
#include "core/crypto.h"
#include "core/error.h"
#include "core/files.h"
#include "core/progress.h"
#include "ingest/split.h"
#include "serve/ingest_client.h"

namespace fs = std::filesystem;

namespace mote::cli {

namespace {

struct UploadArgs {
  std::vector<std::string> paths;
  std::string to, api_key, label, category = "training";
  bool allow_duplicates = false, json = false;
  int retries = 3;
};

bool uploadable(const fs::path& p) {
  return serve::content_type_for(p.filename().string()) != "application/octet-stream";
}

// The label the server would give: --label, else the file name's part before its first dot.
std::string label_of(const fs::path& p, const std::string& given) {
  if (!given.empty()) return given;
  std::string n = p.filename().string();
  return n.substr(0, n.find('.'));
}

}  // namespace

void register_upload(CLI::App& app, Context& ctx) {
  static UploadArgs a;
  auto* cmd = app.add_subcommand("upload", "Upload files to a mote server through its ingestion API");
  cmd->add_option("FILES", a.paths, "Files or folders (recursive)")->required();
  cmd->add_option("--to", a.to, "Server URL, e.g. http://127.0.0.1:4446")->required();
  cmd->add_option("--api-key", a.api_key, "An API key of the project (mote keys create)")->required();
  cmd->add_option("--label", a.label, "Label for every file (default: the name's part before its first dot)");
  cmd->add_option("--category", a.category, "training, testing, anomaly or split (stratified 80/20 by content hash)")
      ->check(CLI::IsMember({"training", "testing", "anomaly", "split"}));
  cmd->add_option("--retries", a.retries, "Retries per file on connection errors and server errors (default 3)");
  cmd->add_flag("--allow-duplicates", a.allow_duplicates, "Let the server store data it already has");
  cmd->add_flag("--json", a.json, "Print the summary as JSON");
  cmd->callback([&ctx] { ctx.run = [] {
    serve::IngestTarget target{serve::normalize_ingest_url(a.to), a.api_key, a.retries};
    std::vector<fs::path> files;
    for (auto& p : a.paths) {
      if (fs::is_directory(p)) {
        for (auto& e : fs::recursive_directory_iterator(p))
          if (e.is_regular_file() && uploadable(e.path())) files.push_back(e.path());
      } else if (fs::is_regular_file(p)) {
        files.push_back(p);
      } else {
        throw error_at(p, "no such file or folder");
      }
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) throw Error("upload: no files mote can upload (json, cbor, csv, wav, png, jpg, bmp) in the given paths");

    std::vector<std::string> bodies;
    std::vector<SplitItem> items;
    for (auto& f : files) {
      bodies.push_back(read_file(f));
      items.push_back({label_of(f, a.label), sha256_hex(bodies.back())});
    }
    std::vector<Category> split;
    if (a.category == "split") split = stratified_split(items);

    nlohmann::json results = nlohmann::json::array();
    size_t ok = 0;
    Progress bar("uploading", files.size(), a.json);
    for (size_t i = 0; i < files.size(); ++i) {
      serve::UploadFile uf;
      uf.name = files[i].filename().string();
      uf.body = std::move(bodies[i]);
      if (!a.label.empty()) uf.label = a.label;
      uf.category = a.category == "split" ? category_name(split[i]) : a.category;
      uf.disallow_duplicates = !a.allow_duplicates;
      auto r = serve::upload_file(target, uf);
      ok += r.ok;
      nlohmann::json row = {{"file", files[i].string()}, {"ok", r.ok}, {"status", r.status}, {"attempts", r.attempts},
                            {"category", uf.category}};
      if (!r.ok) row["error"] = r.error;
      if (r.ok && r.reply.contains("files") && !r.reply["files"].empty()) row["id"] = r.reply["files"][0].value("id", 0);
      results.push_back(row);
      if (!r.ok && !a.json) std::fprintf(stderr, "%s: %s\n", files[i].string().c_str(), r.error.c_str());
      bar.advance();
    }
    bar.finish();
    size_t failed = files.size() - ok;
    if (a.json) print_json({{"uploaded", ok}, {"failed", failed}, {"files", results}});
    else std::printf("uploaded %zu of %zu files to %s%s\n", ok, files.size(), target.url.c_str(),
                     failed ? (", " + std::to_string(failed) + " failed (listed above)").c_str() : "");
    if (failed) throw Error("upload: " + std::to_string(failed) + " of " + std::to_string(files.size()) + " files were not stored; fix them and upload those again");
  }; });
}

}  // namespace mote::cli
