// `mote version save|list|show|compare|restore|delete`: named versions of the impulse and its trained models.
#include <cstdio>
#include <string>

#include "cli/cli.h"
#include "learn/versions.h"

namespace mote::cli {

namespace {

std::string cell(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v.get<double>());
    return buf;
  }
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// The one figure a list shows per block: testing accuracy (or AUC, or RMSE), else validation accuracy.
std::string headline(const nlohmann::json& metrics) {
  std::string out;
  const nlohmann::json blocks = metrics.value("blocks", nlohmann::json::object());  // items() needs it alive
  for (auto& [block, m] : blocks.items()) {
    const auto t = m.value("testing", nlohmann::json::object());
    auto pct = [](const nlohmann::json& v) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1f %%", 100 * v.get<double>());
      return std::string(buf);
    };
    std::string fig = t.contains("accuracy") ? "accuracy " + pct(t["accuracy"])
                      : t.contains("roc_auc") ? "ROC AUC " + cell(t["roc_auc"])
                      : t.contains("rmse") ? "RMSE " + cell(t["rmse"])
                      : m["training"].contains("val_accuracy") ? "validation accuracy " + pct(m["training"]["val_accuracy"]) : "-";
    out += (out.empty() ? "" : ", ") + block + " " + fig;
  }
  return out.empty() ? "-" : out;
}

}  // namespace

void register_version(CLI::App& app, Context& ctx) {
  static std::string name, other;
  static bool json = false;
  auto* cmd = app.add_subcommand("version", "Named versions of the impulse and its trained models: save, list, compare, restore");
  cmd->require_subcommand(1);

  auto* save = cmd->add_subcommand("save", "Save the impulse and its current models (evaluated on the testing set now) as NAME");
  save->add_option("NAME", name, "1-64 letters, digits, '_', '.' or '-'")->required();
  save->add_flag("--json", json, "Print the saved version as JSON");
  save->callback([&ctx] { ctx.run = [&ctx] {
    Project p = ctx.open_project();
    auto v = learn::save_version(p, name);
    if (json) return print_json(v);
    std::printf("saved version '%s' (%zu models): %s\n", name.c_str(), v["blocks"].size(), headline(v["metrics"]).c_str());
  }; });

  auto* list = cmd->add_subcommand("list", "List the versions, newest first");
  list->add_flag("--json", json, "Print as JSON");
  list->callback([&ctx] { ctx.run = [&ctx] {
    Project p = ctx.open_project();
    auto all = learn::list_versions(p);
    if (json) return print_json({{"versions", all}});
    if (all.empty()) return (void)std::printf("no versions yet (mote version save NAME)\n");
    std::printf("%-24s  %-20s  %s\n", "name", "saved", "metrics");
    for (auto& v : all)
      std::printf("%-24s  %-20s  %s\n", v["name"].get<std::string>().c_str(), v["created_at"].get<std::string>().c_str(),
                  headline(v["metrics"]).c_str());
  }; });

  auto* show = cmd->add_subcommand("show", "One version: its impulse, models and metrics as JSON");
  show->add_option("NAME", name, "The version")->required();
  show->callback([&ctx] { ctx.run = [&ctx] {
    Project p = ctx.open_project();
    print_json(learn::show_version(p, name));
  }; });

  auto* compare = cmd->add_subcommand("compare", "Two versions side by side: metrics and the impulse parameters that differ");
  compare->add_option("A", name, "The first version")->required();
  compare->add_option("B", other, "The second version")->required();
  compare->add_flag("--json", json, "Print as JSON");
  compare->callback([&ctx] { ctx.run = [&ctx] {
    Project p = ctx.open_project();
    auto c = learn::compare_versions(p, name, other);
    if (json) return print_json(c);
    std::printf("%-44s  %14s  %14s\n", "", name.c_str(), other.c_str());
    for (auto& r : c["rows"])
      std::printf("%-44s  %14s  %14s\n", r["metric"].get<std::string>().c_str(), cell(r["a"]).c_str(), cell(r["b"]).c_str());
    if (c["impulse_changes"].empty()) std::printf("the impulses are the same\n");
    else std::printf("impulse parameters that differ:\n");
    for (auto& r : c["impulse_changes"])
      std::printf("  %-42s  %14s  %14s\n", r["path"].get<std::string>().c_str(), cell(r["a"]).c_str(), cell(r["b"]).c_str());
  }; });

  auto* restore = cmd->add_subcommand("restore", "Make NAME current: its impulse into mote.json, its models the current ones, its samples' labels and split");
  restore->add_option("NAME", name, "The version")->required();
  restore->callback([&ctx] { ctx.run = [&ctx] {
    Project p = ctx.open_project();
    const auto r = learn::restore_version(p, name);
    std::printf("restored version '%s': mote.json holds its impulse and its models are current (mote test evaluates them)\n", name.c_str());
    if (r["labels"].is_object())
      std::printf("labels and split as saved: %d samples changed back, %d unchanged, %d added since kept theirs, %d deleted since\n",
                  r["labels"]["restored"].get<int>(), r["labels"]["unchanged"].get<int>(), r["labels"]["added_since"].get<int>(),
                  r["labels"]["deleted_since"].get<int>());
    else
      std::printf("labels untouched: this version was saved before versions kept labels\n");
  }; });

  auto* remove = cmd->add_subcommand("delete", "Delete a version (the current impulse and models are untouched)");
  remove->add_option("NAME", name, "The version")->required();
  remove->callback([&ctx] { ctx.run = [&ctx] {
    Project p = ctx.open_project();
    learn::delete_version(p, name);
    std::printf("deleted version '%s'\n", name.c_str());
  }; });
}

}  // namespace mote::cli
