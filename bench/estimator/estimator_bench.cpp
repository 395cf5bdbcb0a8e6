// bench/estimator's host helper: one case (a generated network, or a whole impulse: DSP blocks + network +
// k-means) -> the estimator's terms and estimate (src/tune/estimate.h) and, with "measure", the same thing
// measured under QEMU: the network alone as `mote profile MODEL` builds it (deploy::profile_model), an impulse as
// `mote profile` builds it (generate_impulse + the proof firmware around random windows, minus the empty impulse).
// Usage: mote_estimator_bench JOB.json  ->  one JSON line {name, terms, estimate, measured}.
//   model:   {"kind": "model", "name", "input": [dims], "input_kind": "spectral|audio|image|other", "params": {layers...},
//             "outputs": N, "keep": layers to keep (0 = all), "seed", "per_channel_input": P, "measure", "work"}
//   impulse: {"kind": "impulse", "name", "impulse": {input, dsp} (mote.json's), "axes", "nn": {params...} or null,
//             "outputs", "anomaly_clusters", "anomaly_features" (0 = every feature), "windows", "seed", "measure", "work"}
//            "trees": {"type": "random_forest|gradient_boosting", "params": {...}} in place of "nn": trained on
//            200 windows of `outputs` classes (a sine per class plus noise), counted and measured on `windows` more
//   both:    "target" (targets/targets.def; default cortex-m4): the terms, the estimate and the firmware are that core's.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>

#include "core/error.h"
#include "deploy/firmware.h"
#include "deploy/impulse_codegen.h"
#include "deploy/model_profile.h"
#include "deploy/targets.h"
#include "impulse/features.h"
#include "learn/pipeline.h"
#include "learn/train.h"
#include "learn/trees/block.h"
#include "tune/estimate.h"

using nlohmann::json;
namespace fs = std::filesystem;
using namespace mote;

namespace {

json terms_json(const tune::CostTerms& t) {
  return {{"dsp", t.dsp}, {"nn", t.nn}, {"anomaly", t.anomaly}, {"flash", t.flash}, {"stack", t.stack},
          {"exact_ram", t.exact_ram}, {"exact_flash", t.exact_flash}};
}

json footprint_json(const tune::Footprint& f) {
  return {{"ram_bytes", f.ram_bytes}, {"flash_bytes", f.flash_bytes}, {"dsp", f.dsp_instructions},
          {"nn", f.nn_instructions}, {"anomaly", f.anomaly_instructions}, {"instructions", f.instructions()}};
}

learn::InputInfo input_info(const json& dims, const std::string& kind) {
  learn::InputInfo info;
  for (auto& d : dims) info.shape.push_back(d.get<size_t>());
  info.kind = kind;
  return info;
}

json run_model(const json& job) {
  const int outputs = job.value("outputs", 4);
  const auto cfg = learn::parse_network_config(job["params"], input_info(job["input"], job.value("input_kind", "other")),
                                               outputs, false, "bench");
  const int pc = job.value("per_channel_input", 0);  // -1: one per input channel
  ir::QModel q = tune::placeholder_qmodel(cfg, job.value("seed", 1), pc < 0 ? static_cast<size_t>(cfg.input.c) : static_cast<size_t>(pc), false);
  const size_t keep = job.value("keep", 0);
  if (keep > 0 && keep < q.layers.size()) q.layers.resize(keep);
  const std::string target = job.value("target", "cortex-m4");
  const tune::CostTerms t = tune::model_terms(q, target);
  json r = {{"name", job["name"]}, {"terms", terms_json(t)}, {"estimate", footprint_json(tune::estimate_model(q, target))},
            {"macs", ir::model_macs(q)}, {"layers", q.layers.size()}, {"cost_table", tune::cost_table_note(target)}};
  if (job.value("measure", false)) {
    deploy::ModelProfileOptions o;
    o.work = job["work"].get<std::string>();
    o.timeout_s = 300;
    o.target = target;
    const json p = deploy::profile_model(q, "mote_model", deploy::random_inputs(2, q.input_shape.size(), 7), o);
    if (!p["parity"]["ok"].get<bool>()) throw Error("model parity failed in " + o.work.string());
    r["measured"] = {{"ram_bytes", p["ram"]["minus_harness_bytes"]}, {"flash_bytes", p["flash"]["minus_harness_bytes"]},
                     {"nn", p["instructions"]["mean"]}, {"dsp", 0}, {"anomaly", 0},
                     {"instructions", p["instructions"]["mean"]}, {"stack_bytes", p["ram"]["stack_bytes"]},
                     {"arena_bytes", p["ram"]["arena_bytes"]}, {"const_bytes", p["flash"]["model_const_bytes"]}};
  }
  return r;
}

// A k-means anomaly model of k clusters over `dim` features (the first dim of width), random but valid.
learn::AnomalyModel synthetic_kmeans(size_t k, size_t dim, size_t width, std::mt19937_64& rng) {
  learn::AnomalyModel a;
  a.type = "kmeans";
  a.k = static_cast<int>(k);
  a.input_width = width;
  std::uniform_real_distribution<float> u(0.5f, 1.5f);
  std::uniform_int_distribution<int> c(-100, 100);
  for (size_t i = 0; i < dim; ++i) {
    a.select.push_back(static_cast<uint16_t>(i));
    a.mean.push_back(u(rng) - 1.0f);
    a.inv_scale.push_back(u(rng));
  }
  for (size_t i = 0; i < k * dim; ++i) a.centers.push_back(static_cast<float>(c(rng)) / 40.0f);
  for (size_t i = 0; i < k; ++i) a.inv_radius.push_back(u(rng));
  learn::quantize_kmeans(a);
  a.threshold = 1.0f;
  return a;
}

json run_impulse(const json& job) {
  ImpulseSpec spec = parse_impulse(job["impulse"]);
  const size_t axes = job.value("axes", spec.input.axes.empty() ? 3 : spec.input.axes.size());
  deploy::DeployableImpulse d;
  d.impulse = std::make_unique<Impulse>(spec, axes);
  const Impulse& imp = *d.impulse;
  std::mt19937_64 rng(job.value("seed", 1));
  const int outputs = job.value("outputs", 4);
  if (job.contains("nn") && job["nn"].is_object()) {
    BlockSpec nn{"nn", "classifier", {}, job["nn"]};
    for (const auto& b : spec.dsp) nn.inputs.push_back(b.name);
    d.nn_cols = learn::block_columns(imp, nn);
    const auto cfg = learn::parse_network_config(job["nn"], d.nn_cols.info, outputs, false, "bench");
    const int pc = job.value("per_channel_input", 0);  // -1: one per input channel
    d.q = tune::placeholder_qmodel(cfg, job.value("seed", 1), pc < 0 ? static_cast<size_t>(cfg.input.c) : static_cast<size_t>(pc), false);
    d.has_nn = true;
    d.nn_block = "nn";
    for (int i = 0; i < outputs; ++i) d.labels.push_back("c" + std::to_string(i));
  }
  // Windows of class c: a sine at (c + 1) x 0.05 rad per value plus noise (what trees train on and run).
  std::normal_distribution<float> noise(0.0f, 0.3f);
  const size_t values = deploy::device_window(imp).values();  // an image impulse's: one frame at its size
  auto window = [&](size_t c) {
    std::vector<float> w(values);
    const float phase = noise(rng);
    for (size_t i = 0; i < values; ++i) w[i] = std::sin(0.05f * static_cast<float>(i) * static_cast<float>(c + 1) + phase) + noise(rng);
    return w;
  };
  std::optional<tune::TreeWork> trees;
  if (job.contains("trees") && job["trees"].is_object()) {
    BlockSpec tb{"nn", job["trees"]["type"].get<std::string>(), {}, job["trees"].value("params", json::object())};
    for (const auto& b : spec.dsp) tb.inputs.push_back(b.name);
    d.nn_cols = learn::block_columns(imp, tb);
    const auto cfg = learn::trees::parse_tree_config(tb.type, tb.params, d.nn_cols.width, "bench");
    std::vector<float> x;
    learn::trees::TreeData td;
    for (size_t i = 0; i < 200; ++i) {
      const size_t c = i % static_cast<size_t>(outputs);
      const std::vector<float> w = window(c);
      std::vector<float> f(imp.width());
      imp.run({w.data(), deploy::device_window(imp).frames, deploy::device_window(imp).axes, nullptr}, f.data());
      for (const auto& [from, to] : d.nn_cols.ranges) x.insert(x.end(), f.begin() + static_cast<long>(from), f.begin() + static_cast<long>(to));
      td.labels.push_back("c" + std::to_string(c));
    }
    td.x = x.data(), td.rows = 200, td.width = d.nn_cols.width;
    d.trees = learn::trees::train_trees(cfg, td, "bench").model;
    d.tree_tables = learn::trees::make_tables(*d.trees);
    d.tree_form = cfg.device_form;
    d.has_nn = true;
    d.nn_block = "nn";
    d.labels = d.trees->labels;
  }
  const size_t k = job.value("anomaly_clusters", 0);
  size_t dim = job.value("anomaly_features", 0);
  if (dim == 0 || dim > imp.width()) dim = imp.width();
  if (k > 0) {
    BlockSpec an{"anomaly", "kmeans", {}, json::object()};
    for (const auto& b : spec.dsp) an.inputs.push_back(b.name);
    d.anomaly_cols = learn::block_columns(imp, an);
    d.anomaly = synthetic_kmeans(k, dim, imp.width(), rng);
    d.has_anomaly = true;
    d.anomaly_block = "anomaly";
  }
  // The proof firmware of `mote profile` around random windows (a smooth signal plus noise).
  deploy::TestWindows tw;
  tw.count = job.value("windows", 2);
  tw.values = values;
  for (size_t w = 0; w < tw.count; ++w) {
    const std::vector<float> v = window(w % static_cast<size_t>(outputs));
    tw.data.insert(tw.data.end(), v.begin(), v.end());
    tw.labels.push_back("c0");
  }
  std::vector<deploy::WindowResult> host;
  for (size_t w = 0; w < tw.count; ++w) host.push_back(deploy::run_host(d, tw.data.data() + w * tw.values));
  if (d.trees) {  // the comparisons these windows make (the tuner counts them on training windows)
    trees = tune::tree_work(*d.trees, d.tree_form, nullptr, 0);
    double compared = 0;
    for (const auto& h : host) compared += static_cast<double>(h.tree_comparisons);
    trees->comparisons = compared / static_cast<double>(tw.count);
  }

  const ir::QModel* q = d.has_nn && !d.trees ? &d.q : nullptr;
  const std::string target = job.value("target", "cortex-m4");
  const tune::TreeWork* tp = trees ? &*trees : nullptr;
  const tune::CostTerms t = tune::impulse_terms(imp, q, k, dim, target, tp);
  json r = {{"name", job["name"]}, {"terms", terms_json(t)},
            {"estimate", footprint_json(tune::estimate_impulse(imp, q, k, dim, target, tp))}, {"features", imp.width()},
            {"cost_table", tune::cost_table_note(target)}};
  if (d.trees) r["trees"] = {{"form", trees->tables ? "tables" : "if-else"}, {"trees", trees->trees}, {"comparisons", trees->comparisons},
                             {"decision_nodes", d.trees->internal_nodes()}};
  if (!job.value("measure", false)) return r;
  const deploy::GeneratedImpulse g = deploy::generate_impulse(d);
  const deploy::Target& tg = deploy::find_target(target);
  const fs::path work = job["work"].get<std::string>();
  fs::remove_all(work);
  deploy::write_firmware_sources(work / "src", g, deploy::firmware_main(g, tw, host), tg);
  const deploy::Elf fw = deploy::build_firmware(work / "src", work, "impulse", false, "", tg);
  const deploy::Elf base = deploy::build_firmware(work / "src", work, "empty", true, "", tg);
  int rc_fw = 0, rc_base = 0;
  const std::string out_fw = deploy::run_qemu(fw.path, 300, &rc_fw, tg), out_base = deploy::run_qemu(base.path, 300, &rc_base, tg);
  const auto f = deploy::parse_firmware_output(out_fw, "window "), b = deploy::parse_firmware_output(out_base, "window ");
  if (f.rows.size() != tw.count || f.stack_peak < 0 || b.stack_peak < 0)
    throw Error("the firmware did not report every window (exit " + std::to_string(rc_fw) + "):\n" + out_fw.substr(0, 2000));
  double dsp = 0, nn = 0, an = 0;
  size_t exact = 0;
  for (auto& kv : f.rows) {
    dsp += std::stod(kv.at("dsp")), nn += std::stod(kv.at("nn")), an += std::stod(kv.at("anomaly_instr"));
    exact += kv.at("feature_mismatches") == "0" && kv.at("int8") == "equal";
  }
  const double n = static_cast<double>(tw.count);
  const long ram = static_cast<long>(fw.static_ram) - static_cast<long>(base.static_ram) + f.stack_peak - b.stack_peak;
  r["measured"] = {{"ram_bytes", ram}, {"flash_bytes", static_cast<long>(fw.flash) - static_cast<long>(base.flash)},
                   {"dsp", dsp / n}, {"nn", nn / n}, {"anomaly", an / n}, {"instructions", (dsp + nn + an) / n},
                   {"stack_bytes", f.stack_peak - b.stack_peak}, {"parity_windows", exact}};
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: mote_estimator_bench JOB.json\n");
    return 2;
  }
  try {
    const json job = json::parse(std::ifstream(argv[1]));
    const json r = job.value("kind", "model") == "impulse" ? run_impulse(job) : run_model(job);
    std::cout << r.dump() << "\n";
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mote_estimator_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
