#include <iostream>

#include "cli/cli.h"
#include "ingest/export.h"

namespace mote::cli {

void register_export(CLI::App& app, Context& ctx) {
  static std::string dir, label, category;
  static bool unsigned_ = false, json = false;
  auto* cmd = app.add_subcommand("export", "Write samples as Edge Impulse acquisition JSON (images as PNG) with info.labels");
  cmd->add_option("DIR", dir, "New folder to write")->required();
  cmd->add_option("--label", label, "Only samples with this label");
  cmd->add_option("--category", category, "Only training or testing")->check(CLI::IsMember({"training", "testing"}));
  cmd->add_flag("--unsigned", unsigned_, "Write alg none instead of signing with the project's HMAC key");
  cmd->add_flag("--json", json, "Print the report as JSON");
  cmd->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      SampleFilter f;
      if (!label.empty()) f.label = label;
      if (!category.empty()) f.category = parse_category(category, "--category");
      std::optional<std::string> key;
      if (!unsigned_) key = p.hmac_key();
      ExportReport r = export_samples(p.store(), dir, f, key);
      if (json) print_json({{"exported", r.samples}, {"bytes", r.bytes}, {"dir", dir}});
      else std::cout << "exported " << r.samples << " samples to " << dir << " (" << r.bytes << " bytes)\n";
    };
  });
}

}  // namespace mote::cli
