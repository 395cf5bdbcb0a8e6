#include <cstdio>

#include "cli/cli.h"
#include "core/error.h"
#include "core/files.h"
#include "ingest/importer.h"
#include "learn/pipeline.h"

namespace mote::cli {

void register_classify(CLI::App& app, Context& ctx) {
  static std::string file;
  static bool json = false;
  static double frequency_hz = 0;
  auto* cmd = app.add_subcommand("classify", "Run the impulse and the trained models on one file (not stored)");
  cmd->add_option("FILE", file, "A recording or image in any importable format")->required();
  cmd->add_option("--frequency-hz", frequency_hz, "Sampling rate for CSV files without a timestamp column");
  cmd->add_flag("--json", json, "Print per-window results as JSON");
  cmd->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      ParseContext pc;
      pc.where = file;
      if (frequency_hz > 0) pc.interval_ms = 1000.0 / frequency_hz;
      Sample s = parse_file(read_file(file), file, pc);
      s.name = std::filesystem::path(file).filename().string();
      nlohmann::json r = learn::classify_sample(p, s);
      if (json) {
        print_json(r);
        return;
      }
      for (auto& w : r["windows"]) {
        std::printf("%8.0f ms", w["start_ms"].get<double>());
        for (auto& [name, v] : w.items()) {
          if (name == "start_ms") continue;
          if (v.contains("score")) {
            std::printf("  %s %.3f%s", name.c_str(), v["score"].get<double>(), v["anomalous"].get<bool>() ? " (anomaly)" : "");
          } else {
            for (auto& [label, prob] : v.items()) std::printf("  %s %.2f", label.c_str(), prob.get<double>());
          }
        }
        std::printf("\n");
      }
      for (auto& [name, v] : r["summary"].items()) {
        if (v.contains("label"))
          std::printf("%s: %s (mean confidence %.2f over %zu windows)\n", name.c_str(), v["label"].get<std::string>().c_str(),
                      v["confidence"].get<double>(), r["windows"].size());
        else if (v.contains("value"))
          std::printf("%s: %.4g (mean over %zu windows)\n", name.c_str(), v["value"].get<double>(), r["windows"].size());
        else
          std::printf("%s: max score %.3f, threshold %.3f -> %s\n", name.c_str(), v["max_score"].get<double>(),
                      v["threshold"].get<double>(), v["anomalous"].get<bool>() ? "anomalous" : "normal");
      }
    };
  });
}

}  // namespace mote::cli
