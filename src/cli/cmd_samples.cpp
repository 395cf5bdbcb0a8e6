#include <cmath>
#include <cstdio>
#include <iostream>

#include "cli/cli.h"
#include "core/error.h"
#include "ingest/split.h"
#include "learn/label_suggest.h"
#include "store/crop.h"

namespace mote::cli {

namespace {

struct SamplesArgs {
  std::string label, category, name;
  int64_t limit = -1, offset = 0;
  bool json = false;
  std::vector<int64_t> ids;
  std::string new_value;  // label / category / name
  int64_t id = 0;
  double start_ms = 0, end_ms = -1, fraction = 0.2;
};

SamplesArgs a;

void print_table(const std::vector<Sample>& samples, int64_t total) {
  std::printf("%6s  %-24s  %-12s  %-8s  %-10s  %s\n", "id", "name", "label", "category", "length", "sensors");
  for (const auto& s : samples) {
    char length[32];
    std::string sensors;
    if (s.kind == SampleKind::Image) {
      std::snprintf(length, sizeof length, "%ux%u", s.width, s.height);
      sensors = s.channels == 1 ? "gray" : "rgb";
    } else {
      std::snprintf(length, sizeof length, "%.0f ms", s.length_ms());
      for (size_t i = 0; i < s.sensors.size(); ++i) sensors += (i ? "," : "") + s.sensors[i].name;
      char hz[32];
      std::snprintf(hz, sizeof hz, " @ %.4g Hz", 1000.0 / s.interval_ms);
      sensors += hz;
    }
    std::printf("%6lld  %-24s  %-12s  %-8s  %-10s  %s\n", static_cast<long long>(s.id), s.name.c_str(),
                s.label.c_str(), category_name(s.category), length, sensors.c_str());
  }
  std::printf("%zu of %lld samples\n", samples.size(), static_cast<long long>(total));
}

void add_filters(CLI::App* cmd) {
  cmd->add_option("--label", a.label, "Only samples with this label");
  cmd->add_option("--category", a.category, "Only training or testing samples")->check(CLI::IsMember({"training", "testing"}));
  cmd->add_option("--name", a.name, "Only samples whose name contains this text");
}

SampleFilter filter_from_args() {
  SampleFilter f;
  if (!a.label.empty()) f.label = a.label;
  if (!a.category.empty()) f.category = parse_category(a.category, "--category");
  if (!a.name.empty()) f.name_contains = a.name;
  f.limit = a.limit;
  f.offset = a.offset;
  return f;
}

// Applies an edit to every id in one transaction: all of them change or none.
template <typename Edit>
void edit_each(Context& ctx, const char* verb, Edit edit) {
  Project p = ctx.open_project();
  sql::Transaction tx(p.store().db());
  for (int64_t id : a.ids) edit(p.store(), id);
  tx.commit();
  std::cout << verb << " " << a.ids.size() << " sample" << (a.ids.size() == 1 ? "" : "s") << "\n";
}

}  // namespace

void register_samples(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("samples", "List samples; label, move, rename, remove, crop, split them");
  add_filters(cmd);
  cmd->add_option("--limit", a.limit, "Show at most this many");
  cmd->add_option("--offset", a.offset, "Skip this many first");
  cmd->add_flag("--json", a.json, "Print as JSON");
  cmd->callback([&ctx] {
    if (ctx.run) return;  // a subcommand chose the action
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      SampleFilter f = filter_from_args();
      auto samples = p.store().list(f);
      SampleFilter all = f;
      all.limit = -1;
      all.offset = 0;
      int64_t total = p.store().count(all);
      if (a.json) {
        nlohmann::json list = nlohmann::json::array();
        for (auto& s : samples) list.push_back(sample_summary_json(s));
        print_json({{"total", total}, {"samples", list}});
      } else {
        print_table(samples, total);
      }
    };
  });

  auto* label = cmd->add_subcommand("label", "Set the label of samples");
  label->add_option("LABEL", a.new_value, "New label")->required();
  label->add_option("ID", a.ids, "Sample ids")->required();
  label->callback([&ctx] {
    ctx.run = [&ctx] { edit_each(ctx, "relabelled", [](Store& s, int64_t id) { s.set_label(id, a.new_value); }); };
  });

  static std::string method = "cluster";
  static double accept = -1;
  auto* suggest = cmd->add_subcommand("suggest-labels", "Suggest labels for unlabelled samples (by cluster or the classifier); --accept stores them");
  suggest->add_option("--method", method, "cluster: the nearest labelled cluster; model: the current classifier's prediction")
      ->check(CLI::IsMember({"cluster", "model"}));
  suggest->add_option("--accept", accept, "Store the suggestions with at least this confidence (0-1), in one transaction")->check(CLI::Range(0.0, 1.0));
  suggest->add_flag("--json", a.json, "Print as JSON");
  suggest->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      nlohmann::json r = learn::suggest_labels(p, method);
      size_t accepted = 0;
      if (accept >= 0) {
        sql::Transaction tx(p.store().db());
        for (auto& e : r["suggestions"])
          if (e["confidence"].get<double>() >= accept) p.store().set_label(e["id"].get<int64_t>(), e["label"].get<std::string>()), ++accepted;
        tx.commit();
        r["accepted"] = accepted;
      }
      if (a.json) return print_json(r);
      if (r["suggestions"].empty()) std::cout << "no unlabelled samples\n";
      for (auto& e : r["suggestions"])
        std::printf("%6lld  %-28s  %-8s  %-16s  %5.1f %%\n", static_cast<long long>(e["id"].get<int64_t>()), e["name"].get<std::string>().c_str(),
                    e["category"].get<std::string>().c_str(), e["label"].get<std::string>().c_str(), 100 * e["confidence"].get<double>());
      if (accept >= 0) std::printf("labelled %zu of %zu unlabelled samples (confidence >= %.2f)\n", accepted, r["suggestions"].size(), accept);
    };
  });

  auto* move = cmd->add_subcommand("move", "Move samples to training or testing");
  move->add_option("CATEGORY", a.new_value, "training or testing")->required()->check(CLI::IsMember({"training", "testing"}));
  move->add_option("ID", a.ids, "Sample ids")->required();
  move->callback([&ctx] {
    ctx.run = [&ctx] {
      Category c = parse_category(a.new_value, "CATEGORY");
      edit_each(ctx, "moved", [c](Store& s, int64_t id) { s.set_category(id, c); });
    };
  });

  auto* rename = cmd->add_subcommand("rename", "Rename one sample");
  rename->add_option("ID", a.id, "Sample id")->required();
  rename->add_option("NAME", a.new_value, "New name")->required();
  rename->callback([&ctx] {
    ctx.run = [&ctx] {
      a.ids = {a.id};
      edit_each(ctx, "renamed", [](Store& s, int64_t id) { s.rename(id, a.new_value); });
    };
  });

  auto* remove = cmd->add_subcommand("remove", "Delete samples");
  remove->add_option("ID", a.ids, "Sample ids")->required();
  remove->callback([&ctx] {
    ctx.run = [&ctx] { edit_each(ctx, "removed", [](Store& s, int64_t id) { s.remove(id); }); };
  });

  auto* crop = cmd->add_subcommand("crop", "Keep only a time range of a sample");
  crop->add_option("ID", a.id, "Sample id")->required();
  crop->add_option("--start-ms", a.start_ms, "Start of the range to keep (ms)");
  crop->add_option("--end-ms", a.end_ms, "End of the range to keep (ms, exclusive; default: the end)");
  crop->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      Sample s = p.store().get(a.id);
      CropRange r = crop_time_series(s, a.start_ms, a.end_ms, "sample " + std::to_string(a.id));
      size_t first = r.first, last = r.last;
      p.store().replace_data(s);
      std::cout << "cropped sample " << a.id << " to frames " << first << ".." << last << " (" << s.length_ms() << " ms)\n";
    };
  });

  auto* split = cmd->add_subcommand("split", "Re-split samples into training/testing, stratified by label (by content hash)");
  add_filters(split);
  split->add_option("--fraction", a.fraction, "Share of each label that goes to testing")->check(CLI::Range(0.0, 1.0));
  split->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      SampleFilter f = filter_from_args();
      f.limit = -1;
      f.offset = 0;
      auto samples = p.store().list(f);
      std::vector<SplitItem> items;
      for (auto& s : samples) items.push_back({s.label, s.hash});
      auto cats = stratified_split(items, a.fraction);
      sql::Transaction tx(p.store().db());
      int testing = 0;
      for (size_t i = 0; i < samples.size(); ++i) {
        if (samples[i].category != cats[i]) p.store().set_category(samples[i].id, cats[i]);
        testing += cats[i] == Category::Testing;
      }
      tx.commit();
      std::cout << "split " << samples.size() << " samples: " << samples.size() - testing << " training, " << testing
                << " testing\n";
    };
  });
}

}  // namespace mote::cli
