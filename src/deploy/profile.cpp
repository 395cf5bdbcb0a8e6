#include "deploy/profile.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "core/error.h"
#include "deploy/firmware.h"
#include "deploy/impulse_codegen.h"

namespace mote::deploy {
namespace {

namespace fs = std::filesystem;

float from_bits(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

nlohmann::json sizes(const Elf& e, long stack) {
  return {{"flash_bytes", e.flash}, {"static_ram_bytes", e.static_ram}, {"stack_bytes", stack},
          {"ram_bytes", static_cast<long>(e.static_ram) + stack}};
}

}  // namespace

nlohmann::json profile_impulse(Project& p, const ProfileOptions& opts) {
  const Target& t = find_target(opts.target);
  const std::string missing = missing_tools(t);
  if (!missing.empty())
    throw Error("profile --target " + opts.target + " needs " + missing + " on PATH; install " + tool_packages(t) + " (scripts/setup)");
  DeployableImpulse loaded;
  if (!opts.deployable) loaded = load_deployable(p);
  const DeployableImpulse& d = opts.deployable ? *opts.deployable : loaded;
  GeneratedImpulse g = generate_impulse(d);
  TestWindows tw = testing_windows(p, d, opts.windows);
  std::vector<WindowResult> host;
  for (size_t w = 0; w < tw.count; ++w) host.push_back(run_host(d, tw.data.data() + w * tw.values));

  const fs::path work = opts.work.empty() ? p.dir() / "out" / ("profile-" + opts.target) : opts.work;
  fs::remove_all(work);
  write_firmware_sources(work / "src", g, firmware_main(g, tw, host), t);
  const Elf fw = build_firmware(work / "src", work, "impulse", false, "", t);
  const Elf base = build_firmware(work / "src", work, "empty", true, "", t);
  int rc_fw = 0, rc_base = 0, rc_nn = 0;
  const std::string out_fw = run_qemu(fw.path, opts.timeout_s, &rc_fw, t);
  const std::string out_base = run_qemu(base.path, opts.timeout_s, &rc_base, t);
  // A third build times the classifier's invoke() alone (its own firmware: the measured one stays as shipped).
  std::string out_nn;
  if (d.has_nn) out_nn = run_qemu(build_firmware(work / "src", work, "nn", false, "-DMOTE_PROFILE_NN", t).path, opts.timeout_s, &rc_nn, t);
  if (rc_fw == 124 || rc_base == 124 || rc_nn == 124)
    throw Error("QEMU did not finish within " + std::to_string(opts.timeout_s) + " s (" + work.string() + ")");
  FirmwareOutput f = parse_firmware_output(out_fw, "window "), b = parse_firmware_output(out_base, "window ");
  if (f.rows.size() != tw.count || f.stack_peak < 0 || b.stack_peak < 0)
    throw Error("the firmware did not report every window (exit " + std::to_string(rc_fw) + "):\n" + out_fw);

  // Parity, window by window.
  size_t features_exact = 0, int8_equal = 0, anomaly_equal = 0, mismatches = 0;
  double max_diff = 0;
  uint64_t dsp = 0, nn = 0, an = 0;
  nlohmann::json per_window = nlohmann::json::array();
  for (size_t w = 0; w < tw.count; ++w) {
    auto& kv = f.rows[w];
    const long status = std::stol(kv["status"]);
    const long fm = std::stol(kv["feature_mismatches"]);
    const double diff = from_bits(static_cast<uint32_t>(std::stoul(kv["max_abs_diff_bits"])));
    features_exact += status == 0 && fm == 0;
    mismatches += static_cast<size_t>(fm);
    max_diff = std::max(max_diff, diff);
    int8_equal += kv["int8"] == "equal";
    anomaly_equal += kv["anomaly"] == "equal";
    dsp += std::stoul(kv["dsp"]);
    nn += std::stoul(kv["nn"]);
    an += std::stoul(kv["anomaly_instr"]);
    per_window.push_back({{"label", tw.labels[w]}, {"status", status}, {"feature_mismatches", fm}, {"max_abs_diff", diff},
                          {"int8", kv["int8"]}, {"anomaly", kv["anomaly"]},
                          {"device_anomaly", from_bits(static_cast<uint32_t>(std::stoul(kv["anomaly_bits"])))},
                          {"host_anomaly", host[w].anomaly}, {"host_int8", host[w].nn_output}});
  }
  nlohmann::json nn_report = nullptr;
  if (d.has_nn) {
    FirmwareOutput fn = parse_firmware_output(out_nn, "window ");
    uint64_t invoke = 0;
    size_t timed = 0, equal = 0;
    for (auto& kv : fn.rows)
      if (kv.count("invoke")) invoke += std::stoul(kv["invoke"]), ++timed, equal += kv["invoke_out"] == "equal";
    const uint64_t macs = d.trees ? 0 : ir::model_macs(d.q);
    const double inv = timed ? static_cast<double>(invoke) / timed : 0.0, stage = static_cast<double>(nn) / static_cast<double>(tw.count);
    nn_report = {{"macs", macs}, {"invoke_instructions", inv}, {"instructions_per_mac", macs ? inv / macs : 0.0},
                 {"stage_instructions_per_mac", macs ? stage / macs : 0.0}, {"invoke_windows", timed},
                 {"invoke_outputs_equal", equal}};
    if (d.trees) {  // a tree model does no MACs: its work is the decision nodes each window compares
      double compared = 0;
      for (const auto& h : host) compared += static_cast<double>(h.tree_comparisons);
      compared /= static_cast<double>(tw.count);
      nn_report["trees"] = {{"kind", d.trees->kind}, {"voting", d.trees->votes() ? (d.trees->soft ? "soft" : "hard") : "-"},
                            {"trees", d.trees->trees.size()}, {"decision_nodes", d.trees->internal_nodes()}, {"form", g.tree_form},
                            {"tables_estimate_bytes", g.tree_tables_estimate}, {"if_else_estimate_bytes", g.tree_if_else_estimate},
                            {"comparisons_per_window", compared}, {"instructions_per_comparison", compared > 0 ? inv / compared : 0.0}};
    }
  }
  const bool parity = f.result_ok && rc_fw == 0 && features_exact == tw.count && int8_equal == tw.count && anomaly_equal == tw.count;
  const double n = static_cast<double>(tw.count);

  // Host int8 accuracy over every testing window (cheap: the same executor).
  nlohmann::json host_int8 = nullptr;
  if (d.has_nn && !d.regression()) {
    TestWindows all = testing_windows(p, d, 100000);
    size_t correct = 0, known = 0;
    for (size_t w = 0; w < all.count; ++w) {
      if (std::find(d.labels.begin(), d.labels.end(), all.labels[w]) == d.labels.end()) continue;  // e.g. anomalies
      auto r = run_host(d, all.data.data() + w * all.values);
      size_t best = std::max_element(r.nn_output.begin(), r.nn_output.end()) - r.nn_output.begin();
      correct += d.labels[best] == all.labels[w];
      ++known;
    }
    host_int8 = {{"window_accuracy", known ? static_cast<double>(correct) / known : 0.0}, {"windows", known}};
  }

  nlohmann::json fw_sizes = sizes(fw, f.stack_peak), base_sizes = sizes(base, b.stack_peak);
  nlohmann::json own = {
      {"flash_bytes", static_cast<long>(fw.flash) - static_cast<long>(base.flash)},
      {"static_ram_bytes", static_cast<long>(fw.static_ram) - static_cast<long>(base.static_ram)},
      {"stack_bytes", f.stack_peak - b.stack_peak}};
  own["ram_bytes"] = own["static_ram_bytes"].get<long>() + own["stack_bytes"].get<long>();
  const size_t test_data = tw.data.size() * 4 + host.size() * (host[0].features.size() * 4 + host[0].nn_output.size() + 4);
  nlohmann::json r = {
      {"target", t.name},
      {"board", board_description(t)},
      {"impulse_hash", g.hash},
      {"windows", tw.count},
      {"parity", {{"ok", parity}, {"windows", tw.count}, {"features_bit_exact_windows", features_exact},
                  {"feature_mismatches", mismatches}, {"max_abs_diff", max_diff}, {"int8_equal_windows", int8_equal},
                  {"anomaly_equal_windows", anomaly_equal}, {"per_window", per_window}}},
      {"instructions", {{"dsp", dsp / n}, {"nn", nn / n}, {"anomaly", an / n}, {"total", (dsp + nn + an) / n}}},
      {"nn", nn_report},
      {"impulse", own},
      {"firmware", fw_sizes},
      {"baseline", base_sizes},
      {"test_data_bytes", test_data},
      {"generated", {{"nn_arena_bytes", g.nn_arena_bytes}, {"nn_const_bytes", g.nn_const_bytes},
                     {"glue_ram_bytes", g.glue_ram_bytes}}},
      {"host_int8", host_int8},
      {"claim", {{"text", "DSP + anomaly detection + NN classifier on 3-axis accelerometer data on a Cortex-M4 in 6.6 kB RAM and 20 kB flash"},
                 {"ram_bytes", 6600}, {"flash_bytes", 20000}}},
      {"elf", fw.path.string()}};
  if (opts.deployable) return r;
  fs::create_directories(p.dir() / "out");
  std::ofstream(p.dir() / "out" / ("profile-" + opts.target + ".json")) << r.dump(2) << "\n";
  std::ofstream(p.dir() / "out" / ("profile-" + opts.target + ".txt")) << profile_table(r);
  return r;
}

std::string profile_table(const nlohmann::json& r) {
  char buf[256];
  std::string s;
  auto line = [&](const char* fmt, auto... a) {
    std::snprintf(buf, sizeof buf, fmt, a...);
    s += buf;
  };
  const auto& par = r["parity"];
  line("impulse %s on %s\n", r["impulse_hash"].get<std::string>().c_str(), r["board"].get<std::string>().c_str());
  line("  %-22s %12s %12s %12s\n", "", "impulse", "firmware", "empty fw");
  for (const char* k : {"ram_bytes", "static_ram_bytes", "stack_bytes", "flash_bytes"})
    line("  %-22s %12ld %12ld %12ld\n", k, r["impulse"][k].get<long>(), r["firmware"][k].get<long>(), r["baseline"][k].get<long>());
  line("  instructions/window    dsp %.0f, nn %.0f, anomaly %.0f, total %.0f\n", r["instructions"]["dsp"].get<double>(),
       r["instructions"]["nn"].get<double>(), r["instructions"]["anomaly"].get<double>(), r["instructions"]["total"].get<double>());
  if (r.contains("nn") && r["nn"].is_object() && r["nn"].contains("trees")) {
    const auto& t = r["nn"]["trees"];
    line("  nn: %s, %d trees (%d decision nodes, %s form; estimates tables %ld B, if-else %ld B): %.1f comparisons per window;\n",
         t["kind"].get<std::string>().c_str(), t["trees"].get<int>(), t["decision_nodes"].get<int>(), t["form"].get<std::string>().c_str(),
         t["tables_estimate_bytes"].get<long>(), t["if_else_estimate_bytes"].get<long>(), t["comparisons_per_window"].get<double>());
    line("      invoke() %.0f instructions = %.2f per comparison (the stage with input quantization: %.0f)\n",
         r["nn"]["invoke_instructions"].get<double>(), t["instructions_per_comparison"].get<double>(), r["instructions"]["nn"].get<double>());
  } else if (r.contains("nn") && r["nn"].is_object())
    line("  nn: %.0f MACs; invoke() %.0f instructions = %.2f per MAC (the stage with input quantization: %.2f per MAC)\n",
         r["nn"]["macs"].get<double>(), r["nn"]["invoke_instructions"].get<double>(), r["nn"]["instructions_per_mac"].get<double>(),
         r["nn"]["stage_instructions_per_mac"].get<double>());
  line("  parity on %d testing windows: features bit-exact %d, int8 outputs equal %d, anomaly scores equal %d (max |diff| %g) -> %s\n",
       par["windows"].get<int>(), par["features_bit_exact_windows"].get<int>(), par["int8_equal_windows"].get<int>(),
       par["anomaly_equal_windows"].get<int>(), par["max_abs_diff"].get<double>(), par["ok"].get<bool>() ? "PARITY OK" : "PARITY FAILED");
  if (r["host_int8"].is_object())
    line("  host int8 window accuracy %.1f%% over %d testing windows\n", 100 * r["host_int8"]["window_accuracy"].get<double>(),
         r["host_int8"]["windows"].get<int>());
  line("  claim: 6.6 kB RAM / 20 kB flash; this impulse: %.1f kB RAM / %.1f kB flash (its own cost)\n",
       r["impulse"]["ram_bytes"].get<long>() / 1000.0, r["impulse"]["flash_bytes"].get<long>() / 1000.0);
  return s;
}

}  // namespace mote::deploy
