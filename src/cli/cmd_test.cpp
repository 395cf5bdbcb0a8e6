#include <cstdio>
#include <string>

#include "cli/cli.h"
#include "learn/pipeline.h"

namespace mote::cli {

namespace {

std::string pct(const nlohmann::json& v) {
  if (!v.is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * v.get<double>());
  return buf;
}

std::string fixed(const nlohmann::json& v, const char* f = "%.3f") {
  if (!v.is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, f, v.get<double>());
  return buf;
}

void print_classifier(const nlohmann::json& b) {
  std::printf("%s (%s): accuracy %s on %d testing samples (%s of %d windows); %d uncertain (confidence < %.2f)\n",
              b["block"].get<std::string>().c_str(), b["type"].get<std::string>().c_str(), pct(b["accuracy"]).c_str(), b["samples"].get<int>(),
              pct(b["window_accuracy"]).c_str(), b["windows"].get<int>(), b["uncertain"].get<int>(),
              b["min_confidence"].get<double>());
  std::printf("  %-14s %9s %9s %9s %8s\n", "label", "precision", "recall", "F1", "samples");
  for (auto& c : b["classes"])
    std::printf("  %-14s %9s %9s %9s %8d\n", c["label"].get<std::string>().c_str(), pct(c["precision"]).c_str(),
                pct(c["recall"]).c_str(), fixed(c["f1"]).c_str(), c["support"].get<int>());
  const auto& cm = b["confusion"];
  std::printf("  confusion matrix (rows: true label, columns: predicted):\n  %-14s", "");
  for (auto& c : cm["cols"]) std::printf(" %10.10s", c.get<std::string>().c_str());
  std::printf("\n");
  size_t cols = cm["cols"].size();
  for (size_t r = 0; r < cm["rows"].size(); ++r) {
    std::printf("  %-14.14s", cm["rows"][r].get<std::string>().c_str());
    for (size_t c = 0; c < cols; ++c) std::printf(" %10.0f", cm["matrix"][r * cols + c].get<double>());
    std::printf("\n");
  }
  if (b["unknown_label_samples"].get<int>() > 0)
    std::printf("  %d testing samples carry labels the classifier never saw (scored as anomalies below)\n",
                b["unknown_label_samples"].get<int>());
  std::printf("  plot: %s\n", b["plot"].get<std::string>().c_str());
}

// Float and int8 side by side (mote test --int8).
void print_int8(const nlohmann::json& b) {
  const auto& q = b["int8"];
  if (b["type"] == "regression" || b.value("task", "") == "regression") {
    std::printf("  int8: RMSE %s (float %s), MAE %s; window predictions differ from float by %s on average, %s at most;"
                " input scaling %s\n",
                fixed(q["rmse"], "%.4g").c_str(), fixed(b["rmse"], "%.4g").c_str(), fixed(q["mae"], "%.4g").c_str(),
                fixed(q["mean_abs_difference"], "%.3g").c_str(), fixed(q["max_abs_difference"], "%.3g").c_str(),
                q["input_scaling"].get<std::string>().c_str());
    return;
  }
  std::printf("  float vs int8 (quantized with %d training windows; %d bytes of int8 weights and int32 biases; input %s):\n",
              q["calibration_windows"].get<int>(), q["weight_bytes"].get<int>(), q["input_scaling"].get<std::string>().c_str());
  std::printf("  %-14s %9s %9s\n", "", "float", "int8");
  std::printf("  %-14s %9s %9s   (%s pp lost)\n", "accuracy", pct(b["accuracy"]).c_str(), pct(q["accuracy"]).c_str(),
              fixed(q["accuracy_drop_pp"], "%.1f").c_str());
  std::printf("  %-14s %9s %9s\n", "window acc.", pct(b["window_accuracy"]).c_str(), pct(q["window_accuracy"]).c_str());
  for (size_t k = 0; k < b["classes"].size(); ++k)
    std::printf("  F1 %-11.11s %9s %9s\n", b["classes"][k]["label"].get<std::string>().c_str(),
                fixed(b["classes"][k]["f1"]).c_str(), fixed(q["classes"][k]["f1"]).c_str());
  std::printf("  predictions agree on %d of %zu testing samples (%s) and %d of %d windows (%s); int8 confusion matrix: %s\n",
              q["agreeing_samples"].get<int>(), b["predictions"].size(), pct(q["agreement"]).c_str(),
              q["agreeing_windows"].get<int>(), q["compared_windows"].get<int>(), pct(q["window_agreement"]).c_str(),
              q["plot"].get<std::string>().c_str());
}

void print_anomaly(const nlohmann::json& b) {
  std::printf("%s (%s): threshold %s; %d normal and %d anomalous testing samples\n", b["block"].get<std::string>().c_str(),
              b["type"].get<std::string>().c_str(), fixed(b["threshold"], "%.4g").c_str(), b["normal_samples"].get<int>(),
              b["anomalous_samples"].get<int>());
  if (b.contains("stated_false_positive_rate"))
    std::printf("  threshold from held-out training samples at %s false positives per window\n", pct(b["stated_false_positive_rate"]).c_str());
  if (b["roc_auc"].is_number())
    std::printf("  ROC AUC %s (per window %s); detection rate %s at the threshold, false positives %s of normal samples (%s of windows)\n",
                fixed(b["roc_auc"]).c_str(), fixed(b["window_roc_auc"]).c_str(), pct(b["detection_rate"]).c_str(),
                pct(b["false_positive_rate"]).c_str(), pct(b["window_false_positive_rate"]).c_str());
  else
    std::printf("  no testing sample has a label unseen in training: false positives %s of samples (%s of windows)\n",
                pct(b["false_positive_rate"]).c_str(), pct(b["window_false_positive_rate"]).c_str());
  std::printf("  score distribution:      %9s %9s %9s %9s %9s\n", "min", "median", "p90", "p99", "max");
  for (const char* k : {"training_windows", "normal_samples", "anomalous_samples"}) {
    const auto& d = b["scores"][k];
    if (d.value("count", 0) == 0) continue;
    std::printf("  %-22s  %9s %9s %9s %9s %9s\n", k, fixed(d["min"], "%.4g").c_str(), fixed(d["p50"], "%.4g").c_str(),
                fixed(d["p90"], "%.4g").c_str(), fixed(d["p99"], "%.4g").c_str(), fixed(d["max"], "%.4g").c_str());
  }
  std::printf("  plot: %s\n", b["plot"].get<std::string>().c_str());
}

}  // namespace

void register_test(CLI::App& app, Context& ctx) {
  static bool json = false, int8 = false;
  auto* cmd = app.add_subcommand("test", "Evaluate the trained blocks on the testing set");
  cmd->add_flag("--json", json, "Print the report as JSON");
  cmd->add_flag("--int8", int8, "Also quantize each network to int8 and report it beside the float model");
  cmd->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      nlohmann::json r = learn::test_impulse(p, json, int8);
      if (json) {
        print_json(r);
        return;
      }
      std::printf("testing set: %d samples, %d windows\n", r["testing_samples"].get<int>(), r["testing_windows"].get<int>());
      for (auto& b : r["blocks"]) {
        std::string type = b["type"];
        if (b.contains("task")) type = b["task"] == "regression" ? "regression" : "classifier";  // tree blocks
        if (type == "classifier") print_classifier(b);
        else if (type == "regression")
          std::printf("%s (regression): RMSE %s, MAE %s on %d samples (window RMSE %s)\n", b["block"].get<std::string>().c_str(),
                      fixed(b["rmse"], "%.4g").c_str(), fixed(b["mae"], "%.4g").c_str(), b["samples"].get<int>(),
                      fixed(b["window_rmse"], "%.4g").c_str());
        else print_anomaly(b);
        if (b.contains("int8")) print_int8(b);
      }
    };
  });
}

}  // namespace mote::cli
