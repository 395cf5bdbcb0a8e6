#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <thread>

#include "cli/cli.h"
#include "core/error.h"
#include "core/files.h"
#include "core/plot.h"
#include "demo/motion.h"
#include "deploy/firmware.h"
#include "deploy/formats.h"
#include "deploy/profile.h"
#include "impulse/features.h"
#include "impulse/projection.h"
#include "ingest/split.h"
#include "learn/pipeline.h"
#include "serve/jobs.h"
#include "serve/server.h"

namespace fs = std::filesystem;

namespace mote::cli {

namespace {

// A folder mote made for a demo may be reset; anything else is never deleted.
void prepare_demo_dir(const fs::path& dir) {
  if (!fs::exists(dir)) return;
  std::error_code ec;
  if (fs::is_empty(dir, ec)) return;
  bool is_demo = false;
  if (fs::exists(dir / "mote.json")) {
    try {
      is_demo = Project::open(dir).config().value("demo", false);
    } catch (const Error&) {
    }
  }
  if (!is_demo) throw error_at(dir.string(), "exists and is not a mote demo project; choose another folder");
  for (const char* f : {"mote.json", "mote.db", "mote.db-wal", "mote.db-shm"}) fs::remove(dir / f, ec);
  fs::remove_all(dir / "out", ec);
}

}  // namespace

void register_demo(CLI::App& app, Context& ctx) {
  static std::string dir = "mote-demo";
  static bool no_serve = false, json = false, no_profile = false;
  auto* cmd = app.add_subcommand("demo", "The whole path on accelerometer gestures mote generates itself");
  cmd->add_option("DIR", dir, "Project folder to create (default: mote-demo)");
  cmd->add_flag("--no-serve", no_serve, "Stop after the pipeline instead of serving the studio");
  cmd->add_flag("--json", json, "Print the summary as JSON");
  cmd->add_flag("--no-profile", no_profile, "Skip the Cortex-M4 profile (QEMU) of the trained impulse");
  cmd->callback([&ctx] { ctx.run = [] {
    prepare_demo_dir(dir);
    Project p = Project::init(dir);
    p.config()["demo"] = true;
    p.save_config();

    std::vector<Sample> samples = generate_motion();
    std::vector<SplitItem> items;
    std::vector<size_t> splittable;
    for (size_t i = 0; i < samples.size(); ++i) {
      samples[i].hash = content_hash(samples[i]);
      if (samples[i].label != "anomaly") {
        items.push_back({samples[i].label, samples[i].hash});
        splittable.push_back(i);
      }
    }
    auto cats = stratified_split(items);
    for (size_t k = 0; k < cats.size(); ++k) samples[splittable[k]].category = cats[k];
    {
      sql::Transaction tx(p.store().db());
      for (auto& s : samples) {
        s.provenance = {{"importer", "demo-generator"}};
        p.store().insert(s);
      }
      tx.commit();
    }

    // The path so far: the suggested impulse, its features (cached in the store) and the explorer plot.
    std::vector<std::string> why;
    ImpulseSpec spec = load_impulse(p, &why);
    Impulse impulse(spec, impulse_axes(p, spec));
    FeatureStats fst;
    FeatureTable features = generate_features(p.store(), impulse, {}, json, &fst);
    Projection proj = project_2d(features);
    std::map<std::string, size_t> index;
    std::vector<ScatterSeries> series;
    for (size_t i = 0; i < features.rows.size(); ++i) {
      auto [it, added] = index.emplace(features.rows[i].label, series.size());
      if (added) series.push_back({features.rows[i].label, {}});
      series[it->second].xy.push_back(proj.xy[2 * i]);
      series[it->second].xy.push_back(proj.xy[2 * i + 1]);
    }
    std::string plot = (p.out_dir() / "feature-explorer.svg").string();
    char xl[64], yl[64];
    std::snprintf(xl, sizeof xl, "PC 1 (%.0f %% of variance)", 100 * proj.explained[0]);
    std::snprintf(yl, sizeof yl, "PC 2 (%.0f %% of variance)", 100 * proj.explained[1]);
    write_file_atomic(plot, scatter_svg("Feature explorer (demo): " + std::to_string(features.rows.size()) + " windows, " +
                                            std::to_string(impulse.width()) + " features",
                                        xl, yl, series));

    // The studio's feature explorer draws the last finished features job: run one (the features are cached
    // above, so it only projects them), so the explorer opens drawn instead of asking for "Generate features".
    int64_t features_job = 0;
    {
      serve::JobQueue jobs(dir, 1);
      features_job = jobs.submit("features", nlohmann::json::object());
      for (;;) {
        auto j = jobs.get(features_job);
        if (!j || serve::job_state_final(j->state)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }

    // Learning: train every block of the suggested impulse, then evaluate on the testing set.
    learn::TrainOptions topts;
    topts.quiet = true;
    learn::TrainReport trained = learn::train_impulse(p, topts);
    nlohmann::json tested = learn::test_impulse(p, true);

    // Deploy: the trained impulse as a self-contained C++ library (what `mote deploy --format cpp` writes).
    const fs::path deployed = p.out_dir() / "deploy-cpp";
    nlohmann::json deploy_report = deploy::deploy(p, "cpp", deployed);

    // The device: the trained impulse as Cortex-M4 firmware under QEMU (parity, RAM, flash), when the tools exist.
    nlohmann::json device = nullptr;
    std::string device_skipped;
    if (no_profile) device_skipped = "--no-profile";
    else if (!(device_skipped = deploy::missing_m4_tools()).empty()) device_skipped = "needs " + device_skipped;
    else device = deploy::profile_impulse(p, {});

    double total_ms = 0;
    for (auto& s : samples) total_ms += s.length_ms();
    auto counts = p.store().label_counts();
    if (json) {
      nlohmann::json labels = nlohmann::json::object();
      for (auto& c : counts) labels[c.label] = {{"training", c.training}, {"testing", c.testing}};
      print_json({{"dir", dir}, {"samples", samples.size()}, {"minutes", total_ms / 60000.0}, {"labels", labels},
                  {"impulse", impulse_to_json(impulse.spec())}, {"why", why}, {"features_per_window", impulse.width()},
                  {"windows", fst.windows}, {"feature_explorer", plot}, {"features_job", features_job}, {"train_seconds", trained.seconds},
                  {"test", tested}, {"deploy", deploy_report}, {"device", device}});
    } else {
      std::printf("demo project: %s\n", dir.c_str());
      std::printf("generated %zu accelerometer recordings (%.1f minutes at 62.5 Hz)\n", samples.size(), total_ms / 60000.0);
      std::printf("  %-10s %8s %8s\n", "label", "training", "testing");
      for (auto& c : counts)
        std::printf("  %-10s %8lld %8lld\n", c.label.c_str(), static_cast<long long>(c.training), static_cast<long long>(c.testing));
      std::printf("impulse (suggested from the data):\n");
      for (auto& w : why) std::printf("  - %s\n", w.c_str());
      std::printf("features: %zu per window, %zu windows in %.2f s; feature explorer: %s\n", impulse.width(), fst.windows,
                  fst.seconds, plot.c_str());
      std::printf("trained %zu learning blocks in %.1f s; on the testing set:\n", trained.blocks.size(), trained.seconds);
      for (auto& b : tested["blocks"]) {
        if (b["type"] == "classifier")
          std::printf("  %s: accuracy %.1f %% over %d samples (%d uncertain); confusion matrix: %s\n",
                      b["block"].get<std::string>().c_str(), 100 * b["accuracy"].get<double>(), b["samples"].get<int>(),
                      b["uncertain"].get<int>(), b["plot"].get<std::string>().c_str());
        else if (b.contains("roc_auc") && b["roc_auc"].is_number())
          std::printf("  %s: ROC AUC %.3f on %d anomalous vs %d normal samples; detection %.0f %%, false positives %.0f %% of "
                      "samples, %.1f %% of windows\n",
                      b["block"].get<std::string>().c_str(), b["roc_auc"].get<double>(), b["anomalous_samples"].get<int>(),
                      b["normal_samples"].get<int>(), 100 * b["detection_rate"].get<double>(),
                      100 * b["false_positive_rate"].get<double>(), 100 * b.value("window_false_positive_rate", 0.0));
      }
      std::printf("deployed impulse %s as a C++ library (mote deploy --format cpp) into %s (%d files)\n",
                  deploy_report["impulse_hash"].get<std::string>().c_str(), deployed.string().c_str(),
                  deploy_report["files"].get<int>());
      if (deploy_report.contains("build")) std::printf("  build: %s\n", deploy_report["build"].get<std::string>().c_str());
      if (device.is_object())
        std::printf("on a Cortex-M4 (QEMU): %.2f kB RAM, %.2f kB flash, %.0f instructions per window; host/device parity %s on %d "
                    "testing windows (claim to beat: 6.6 kB RAM, 20 kB flash); report: %s\n",
                    device["impulse"]["ram_bytes"].get<long>() / 1000.0, device["impulse"]["flash_bytes"].get<long>() / 1000.0,
                    device["instructions"]["total"].get<double>(), device["parity"]["ok"].get<bool>() ? "bit-exact" : "FAILED",
                    device["windows"].get<int>(), (p.out_dir() / "profile-cortex-m4.txt").string().c_str());
      else
        std::printf("on a Cortex-M4: not profiled (%s)\n", device_skipped.c_str());
      std::printf("list them: mote -C %s samples; evaluate again: mote -C %s test\n", dir.c_str(), dir.c_str());
    }
    // Without --no-serve (and without --json, whose stdout is one JSON document) the demo ends in the studio.
    if (!no_serve && !json) {
      std::printf("\nserving the demo project; open the studio link below\n");
      serve_foreground(serve::ServeOptions{}, dir);
    }
  }; });
}

}  // namespace mote::cli
