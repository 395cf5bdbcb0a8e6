#include "tune/search.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>
#include <unistd.h>

#include "core/error.h"
#include "core/files.h"
#include "core/plot.h"
#include "core/progress.h"
#include "impulse/features.h"
#include "learn/pipeline.h"
#include "store/sql.h"
#include "learn/train.h"
#include "tune/candidate.h"
#include "tune/estimate.h"
#include "tune/space.h"

using nlohmann::json;
namespace fs = std::filesystem;

namespace mote::tune {

namespace {

std::atomic<bool> g_interrupted{false};


struct Job {
  size_t candidate = 0;
  int epochs = 0;
  bool profile = false;
  bool all_folds = false;  // the last rung: one training per fold
  json result;  // the child's JSON, or {error}
};

// Runs every job in worker processes, `workers` at a time; `done` sees each as it finishes (in the calling
// thread's order of completion, under a lock).
void run_jobs(Project& p, const TuneOptions& o, const std::vector<json>& impulses, std::vector<Job>& jobs,
              const std::function<void(Job&)>& done) {
  std::mutex m;
  auto candidate_args = [&](const Job& j) {
    std::vector<std::string> a = {"--epochs", std::to_string(j.epochs), "--seed", std::to_string(o.seed), "--metric", o.metric,
                                  "--target", o.target};
    if (j.profile) a.push_back("--profile");
    a.insert(a.end(), {"--folds", std::to_string(o.folds)});
    if (j.all_folds) a.push_back("--all-folds");
    if (!o.group_by.empty()) a.insert(a.end(), {"--group-by", o.group_by});
    return a;
  };
  auto tidy_error = [](Job& j) {
    if (j.result.contains("error")) {
      std::string e = j.result["error"].get<std::string>();
      while (!e.empty() && (e.back() == '\n' || e.back() == ' ')) e.pop_back();
      j.result["error"] = e.rfind("mote: ", 0) == 0 ? e.substr(6) : e;
    }
  };
  if (o.runner) {  // elsewhere (mote worker processes); the same arguments, so the same results
    std::vector<CandidateTask> tasks;
    for (const Job& j : jobs) tasks.push_back({impulses[j.candidate], candidate_args(j)});
    o.runner(tasks, [&](size_t k, json result) {
      std::lock_guard<std::mutex> lock(m);
      Job& j = jobs[k];
      j.result = std::move(result);
      tidy_error(j);
      if (!g_interrupted || !j.result.contains("error")) done(j);
    }, [] { return g_interrupted.load(); });
    return;
  }
  size_t next = 0;
  const fs::path tmp = fs::temp_directory_path() / ("mote-tune-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  auto worker = [&] {
    for (;;) {
      size_t k;
      {
        std::lock_guard<std::mutex> lock(m);
        if (next >= jobs.size() || g_interrupted) return;
        k = next++;
      }
      Job& j = jobs[k];
      const fs::path spec = tmp / ("candidate-" + std::to_string(k) + ".json");
      const fs::path err = tmp / ("candidate-" + std::to_string(k) + ".err");
      write_file_atomic(spec, impulses[j.candidate].dump());
      std::string cmd = shell_quote(o.mote_binary.string()) + " -C " + shell_quote(p.dir().string()) + " tune-candidate --impulse " +
                        shell_quote(spec.string());
      for (const auto& a : candidate_args(j)) cmd += " " + shell_quote(a);
      cmd += " 2>" + shell_quote(err.string());
      std::string out;
      if (FILE* f = ::popen(cmd.c_str(), "r")) {
        char buf[4096];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
        const int rc = ::pclose(f);
        try {
          j.result = rc == 0 ? json::parse(out) : json{{"error", read_file(err)}};
        } catch (const std::exception&) {
          j.result = {{"error", "the worker printed no result: " + out.substr(0, 200)}};
        }
      } else {
        j.result = {{"error", "cannot start " + o.mote_binary.string()}};
      }
      tidy_error(j);
      std::lock_guard<std::mutex> lock(m);
      if (!g_interrupted || !j.result.contains("error")) done(j);
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, o.workers); ++i) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  fs::remove_all(tmp);
}

double score_of(const json& c) { return c.contains("score") && c["score"].is_number() ? c["score"].get<double>() : -INFINITY; }

// Ranking: the higher score; on a tie the higher held-out window accuracy in whole percentage points, then
// the cheaper impulse (estimated instructions per window), then the lower validation loss, then the smaller
// network. Windows are the finer evidence when samples tie: on CWRU the cheapest of 13 candidates tied at
// 100 % had the fewest windows right (98.1 %) and was the one to miss testing samples (docs/tune.md).
double last_rung(const json& c, const char* key) {
  for (auto it = c["rungs"].rbegin(); it != c["rungs"].rend(); ++it)
    if (it->contains(key)) return (*it)[key].get<double>();
  return INFINITY;
}
double window_points(const json& c) {
  const double w = last_rung(c, "window_accuracy");
  return std::isfinite(w) ? std::floor(100 * w + 1e-9) : -1;
}
double estimated_instructions(const json& c) {
  return c.contains("estimate") ? c["estimate"]["instructions"]["total"].get<double>() : INFINITY;
}
}  // namespace

bool ranks_before(const json& a, const json& b) {
  if (score_of(a) != score_of(b)) return score_of(a) > score_of(b);
  if (window_points(a) != window_points(b)) return window_points(a) > window_points(b);
  if (estimated_instructions(a) != estimated_instructions(b)) return estimated_instructions(a) < estimated_instructions(b);
  if (last_rung(a, "loss") != last_rung(b, "loss")) return last_rung(a, "loss") < last_rung(b, "loss");
  return last_rung(a, "macs") < last_rung(b, "macs");
}

namespace {

int full_epochs(const json& impulse, const DataFacts& f) {
  for (const auto& b : impulse["learn"])
    if (b["type"] == "classifier" || b["type"] == "regression") {
      const json& p = b.value("params", json::object());
      if (p.contains("epochs")) return p["epochs"].get<int>();
    }
  return f.type == InputType::Image ? 80 : f.frequency_hz >= 4000 ? 100 : 50;  // parse_network_config's defaults (image, audio, other)
}

DataFacts data_facts(Project& p, const ImpulseSpec& spec) {
  DataFacts f;
  f.type = spec.input.type;
  f.frequency_hz = spec.input.frequency_hz;
  f.axes = impulse_axes(p, spec);
  SampleFilter sf;
  sf.category = Category::Training;
  std::vector<double> lengths;
  for (const auto& s : p.store().list(sf)) lengths.push_back(s.length_ms());
  if (!lengths.empty()) {
    std::sort(lengths.begin(), lengths.end());
    f.median_length_ms = lengths[lengths.size() / 2];
    f.shortest_length_ms = lengths.front();
  }
  for (const auto& b : spec.learn) f.regression = f.regression || b.type == "regression";
  return f;
}

void store_candidate(Project& p, int64_t run, size_t index, const json& impulse, const json& result) {
  sql::Stmt st(p.store().db(), "INSERT INTO tune_candidates(run, idx, impulse, result) VALUES(?, ?, ?, ?) "
               "ON CONFLICT(run, idx) DO UPDATE SET impulse = excluded.impulse, result = excluded.result");
  st.bind(1, run).bind(2, static_cast<int64_t>(index)).bind(3, impulse.dump()).bind(4, result.dump());
  st.run();
}

// The candidate's footprint before any training (src/tune/estimate): its network with placeholder weights,
// its DSP blocks, its k-means block.
json estimate_candidate(const ImpulseSpec& s, const Impulse& built, int classes, const TuneOptions& o) {
  const ir::QModel* nn = nullptr;
  ir::QModel q;
  size_t clusters = 0, features = 0;
  std::optional<TreeWork> trees;
  for (const auto& b : s.learn) {
    const learn::BlockColumns cols = learn::block_columns(built, b);
    if (b.type == "classifier" || b.type == "regression") {
      const learn::NetworkConfig cfg = learn::parse_network_config(b.params, cols.info, classes, b.type == "regression", "impulse.learn." + b.name);
      // "auto" input scaling may add a per-channel input map after training: budget for it (the safe side).
      q = placeholder_qmodel(cfg, 1, cfg.int8_input == "per-tensor" ? 0 : static_cast<size_t>(cfg.input.c));
      nn = &q;
    } else if (learn::trees::is_tree_type(b.type)) {  // the largest trees its parameters allow
      const auto cfg = learn::trees::parse_tree_config(b.type, b.params, cols.width, "impulse.learn." + b.name);
      trees = tree_bound(cfg, cols.width, classes, CandidateOptions{}.max_windows);
    } else if (b.type == "kmeans") {
      clusters = b.params.is_object() ? b.params.value("clusters", 16) : 16;
      features = b.params.is_object() && b.params.contains("features") ? b.params["features"].size() : cols.width;
    }
  }
  const Footprint f = estimate_impulse(built, nn, clusters, features, o.target, trees ? &*trees : nullptr);
  json e = {{"ram_bytes", f.ram_bytes}, {"flash_bytes", f.flash_bytes},
            {"instructions", {{"dsp", f.dsp_instructions}, {"nn", f.nn_instructions}, {"anomaly", f.anomaly_instructions}, {"total", f.instructions()}}},
            {"latency_ms", f.latency_ms(o.clock_mhz)}};
  std::string over;
  if (f.ram_bytes > o.ram_bytes) over = "RAM " + std::to_string(f.ram_bytes) + " B";
  else if (f.flash_bytes > o.flash_bytes) over = "flash " + std::to_string(f.flash_bytes) + " B";
  else if (f.latency_ms(o.clock_mhz) > o.latency_ms) over = "latency " + std::to_string(f.latency_ms(o.clock_mhz)) + " ms";
  if (!over.empty()) e["over_budget"] = over;
  return e;
}

std::string pct(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f %%", 100 * v);
  return b;
}

}  // namespace

json run_tune(Project& p, const TuneOptions& o) {
  if (o.mote_binary.empty()) throw Error("tune: the mote binary to run candidates with is unknown");
  const auto t0 = std::chrono::steady_clock::now();
  const ImpulseSpec base = load_impulse(p);
  const DataFacts facts = data_facts(p, base);
  sample_groups(p, o.group_by);  // a bad --group-by fails here, once, not in every worker
  const json options = {{"target", o.target}, {"ram_bytes", o.ram_bytes}, {"flash_bytes", o.flash_bytes},
                        {"latency_ms", o.latency_ms}, {"clock_mhz", o.clock_mhz}, {"time_s", o.time_s},
                        {"max_candidates", o.max_candidates}, {"finalists", o.finalists}, {"metric", o.metric},
                        {"group_by", o.group_by}, {"seed", o.seed}, {"workers", o.workers}, {"folds", o.folds}};
  sql::Stmt ins(p.store().db(), "INSERT INTO tune_runs(options, created_at) VALUES(?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))");
  ins.bind(1, options.dump()).run();
  const int64_t run = p.store().db().last_insert_id();

  // Candidates: the project's impulse first, then seeded draws; a draw the project cannot build is redrawn.
  const size_t want = o.max_candidates ? o.max_candidates : 9 * 64;
  // Every candidate is estimated first; one estimated over budget is stored as such and never trained (the
  // project's impulse, the reference, is trained whatever its estimate).
  int classes = 0;
  for (const auto& lc : p.store().label_counts()) classes += lc.training > 0;
  std::vector<json> impulses, estimates;
  size_t over_budget = 0;
  for (auto& c : sample_candidates(base, facts, 8 * want + 1, o.seed)) {
    if (impulses.size() >= want) break;
    try {
      const ImpulseSpec s = parse_impulse(c);
      const Impulse built(s, facts.axes);
      json e = estimate_candidate(s, built, std::max(2, classes), o);
      if (e.contains("over_budget") && !impulses.empty()) {
        if (over_budget++ < 64) store_candidate(p, run, 100000 + over_budget, c, {{"estimate", e}, {"rungs", json::array()}});
        continue;
      }
      impulses.push_back(std::move(c));
      estimates.push_back(std::move(e));
    } catch (const Error&) {
    }
  }
  std::vector<json> results(impulses.size(), json::object());
  for (size_t i = 0; i < results.size(); ++i) results[i] = {{"rungs", json::array()}, {"estimate", estimates[i]}};
  // An anomaly-only impulse has no epochs: one rung, every candidate fitted once.
  bool has_network = false;
  for (const auto& b : impulses[0]["learn"]) has_network = has_network || b["type"] == "classifier" || b["type"] == "regression";
  const int E = has_network ? full_epochs(impulses[0], facts) : 1;
  const std::vector<int> rungs = has_network ? std::vector<int>{std::max(2, E / 9), std::max(3, E / 3), E} : std::vector<int>{1};

  auto old_handler = std::signal(SIGINT, [](int) { g_interrupted = true; });
  g_interrupted = false;
  auto out_of_time = [&] {
    return g_interrupted || std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > o.time_s;
  };
  double best = -INFINITY;
  size_t evaluations = 0;
  Progress progress("tune", 0, o.quiet);
  std::mutex record_m;  // with a runner, brackets run at once and record from several threads
  auto record = [&](Job& j) {
    std::lock_guard<std::mutex> lock(record_m);
    json& r = results[j.candidate];
    json rung = j.result;
    rung["epochs"] = j.epochs;
    r["rungs"].push_back(rung);
    if (!j.result.contains("error")) {
      r["score"] = j.result["score"];
      r["epochs"] = j.epochs;
      if (j.epochs == E) best = std::max(best, score_of(r));
    }
    ++evaluations;
    store_candidate(p, run, j.candidate, impulses[j.candidate], r);
    progress.advance();
    if (!o.quiet) {
      if (isatty(1)) std::printf("\r\033[K");
      std::printf("  #%-3zu %3d epochs  %-9s  best %s  %s\n", j.candidate, j.epochs,
                  j.result.contains("error") ? "failed" : pct(score_of(j.result)).c_str(), std::isfinite(best) ? pct(best).c_str() : "-",
                  describe(impulses[j.candidate]).c_str());
      if (j.result.contains("error")) std::printf("       %s\n", j.result["error"].get<std::string>().c_str());
      std::fflush(stdout);
    }
  };

  // Brackets of up to 9: everyone at rung 0, the best third at rung 1, the best at rung 2. The project's
  // impulse (candidate 0) runs at full epochs in the first bracket, as the reference.
  auto bracket = [&](size_t start) {
    std::vector<size_t> alive;
    for (size_t i = start; i < std::min(start + 9, impulses.size()); ++i) alive.push_back(i);
    for (size_t r = 0; r < rungs.size() && !alive.empty() && !out_of_time(); ++r) {
      std::vector<Job> jobs;
      const bool all_folds = r + 1 == rungs.size();
      for (size_t c : alive) jobs.push_back({c, rungs[r], false, all_folds, {}});
      if (start == 0 && r == 0 && rungs.size() > 1) jobs.push_back({0, E, false, true, {}});
      run_jobs(p, o, impulses, jobs, record);
      std::stable_sort(alive.begin(), alive.end(), [&](size_t a, size_t b) { return ranks_before(results[a], results[b]); });
      alive.erase(std::remove_if(alive.begin(), alive.end(), [&](size_t c) { return !std::isfinite(score_of(results[c])) || c == 0; }), alive.end());
      alive.resize(std::min(alive.size(), std::max<size_t>(1, alive.size() / 3)));
      if (r + 1 == rungs.size()) break;
    }
  };
  if (o.runner) {
    std::vector<std::thread> brackets;
    for (size_t start = 0; start < impulses.size(); start += 9) brackets.emplace_back(bracket, start);
    for (auto& t : brackets) t.join();
  } else {
    for (size_t start = 0; start < impulses.size() && !out_of_time(); start += 9) bracket(start);
  }

  // Finalists: the best at full epochs, trained again (deterministic: the same model) and measured on QEMU.
  std::vector<size_t> full;
  for (size_t i = 0; i < impulses.size(); ++i)
    if (results[i].value("epochs", 0) == E && std::isfinite(score_of(results[i]))) full.push_back(i);
  std::stable_sort(full.begin(), full.end(), [&](size_t a, size_t b) { return ranks_before(results[a], results[b]); });
  const bool reference_full = std::find(full.begin(), full.end(), size_t{0}) != full.end();
  full.resize(std::min(full.size(), o.finalists));
  if (o.finalists > 0 && reference_full && std::find(full.begin(), full.end(), size_t{0}) == full.end())
    full.push_back(0);  // the project's impulse is always measured, for comparison
  if (!g_interrupted && !full.empty()) {
    if (!o.quiet) std::printf("profiling %zu finalist(s) on %s (QEMU)\n", full.size(), o.target.c_str());
    std::vector<Job> jobs;
    for (size_t c : full) jobs.push_back({c, E, true, false, {}});
    run_jobs(p, o, impulses, jobs, [&](Job& j) {
      json& r = results[j.candidate];
      if (j.result.contains("profile")) {
        const json& pr = j.result["profile"];
        const double instructions = pr["instructions"]["total"].get<double>();
        r["profile"] = pr;
        if (j.result.contains("anomaly")) r["anomaly"] = j.result["anomaly"];  // held-out false positives, separation
        r["latency_ms"] = instructions / (o.clock_mhz * 1000.0);
        r["fits"] = pr["ram_bytes"].get<double>() <= o.ram_bytes && pr["flash_bytes"].get<double>() <= o.flash_bytes &&
                    r["latency_ms"].get<double>() <= o.latency_ms && pr["parity_ok"].get<bool>();
        if (j.result.contains("estimate")) r["estimate_deployed"] = j.result["estimate"];
        const json& e = r.contains("estimate_deployed") ? r["estimate_deployed"] : r["estimate"];  // (estimated - measured) / measured
        auto err = [](double est, double measured) { return measured > 0 ? (est - measured) / measured : 0.0; };
        r["estimate_error"] = {{"ram", err(e["ram_bytes"].get<double>(), pr["ram_bytes"].get<double>())},
                               {"flash", err(e["flash_bytes"].get<double>(), pr["flash_bytes"].get<double>())},
                               {"instructions", err(e["instructions"]["total"].get<double>(), instructions)}};
      } else {
        r["profile_error"] = j.result.value("error", "no profile");
        r["fits"] = false;
      }
      store_candidate(p, run, j.candidate, impulses[j.candidate], r);
    });
  }
  progress.finish();
  std::signal(SIGINT, old_handler);

  json worst = {{"ram", 0.0}, {"flash", 0.0}, {"instructions", 0.0}};
  for (const auto& r : results)
    if (r.contains("estimate_error"))
      for (auto& [k, v] : worst.items()) v = std::max(v.get<double>(), std::fabs(r["estimate_error"][k].get<double>()));
  json summary = {{"candidates", impulses.size()}, {"evaluations", evaluations}, {"full_epochs", E}, {"rungs", rungs},
                  {"over_budget_estimated", over_budget}, {"estimator_max_error", worst},
                  {"interrupted", g_interrupted.load()},
                  {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}};
  sql::Stmt up(p.store().db(), "UPDATE tune_runs SET summary = ? WHERE id = ?");
  up.bind(1, summary.dump()).bind(2, run).run();

  json shown = show_tune(p, run);
  // The Pareto plot: validation score against latency and against RAM for the measured finalists.
  ScatterSeries lat{"fits the budget", {}}, over{"over budget", {}}, ram{"fits the budget", {}}, ram_over{"over budget", {}};
  for (const auto& c : shown["candidates"])
    if (c.contains("profile")) {
      const float s = static_cast<float>(c["score"].get<double>());
      auto& a = c["fits"].get<bool>() ? lat : over;
      auto& b = c["fits"].get<bool>() ? ram : ram_over;
      a.xy.insert(a.xy.end(), {static_cast<float>(c["latency_ms"].get<double>()), s});
      b.xy.insert(b.xy.end(), {static_cast<float>(c["profile"]["ram_bytes"].get<double>()), s});
    }
  fs::create_directories(p.out_dir());
  write_file_atomic(p.out_dir() / "tune-latency.svg", scatter_svg("tune: validation " + o.metric + " against latency", "latency (ms at " +
                    std::to_string(static_cast<int>(o.clock_mhz)) + " MHz)", o.metric, {lat, over}));
  write_file_atomic(p.out_dir() / "tune-ram.svg", scatter_svg("tune: validation " + o.metric + " against RAM", "RAM (bytes)", o.metric, {ram, ram_over}));
  shown["plots"] = {(p.out_dir() / "tune-latency.svg").string(), (p.out_dir() / "tune-ram.svg").string()};
  return shown;
}

json show_tune(Project& p, int64_t run) {
  if (run == 0) {
    sql::Stmt st(p.store().db(), "SELECT MAX(id) FROM tune_runs");
    if (st.step() && !st.is_null(0)) run = st.int64(0);
  }
  sql::Stmt st(p.store().db(), "SELECT options, summary, created_at FROM tune_runs WHERE id = ?");
  st.bind(1, run);
  if (!st.step()) throw Error(run ? "tune: there is no run " + std::to_string(run) + "; mote tune --show lists the newest" : "tune: no run yet; start one with mote tune");
  json out = {{"run", run}, {"options", json::parse(st.text(0))}, {"summary", json::parse(st.text(1))}, {"created_at", st.text(2)}};
  sql::Stmt cs(p.store().db(), "SELECT idx, impulse, result FROM tune_candidates WHERE run = ? ORDER BY idx");
  cs.bind(1, run);
  json cands = json::array();
  json rejected = json::array();
  while (cs.step()) {
    json c = json::parse(cs.text(2));
    c["index"] = cs.int64(0);
    if (cs.int64(0) >= 100000) {  // estimated over budget: never trained, never offered
      rejected.push_back({{"impulse", json::parse(cs.text(1))}, {"description", describe(json::parse(cs.text(1)))}, {"estimate", c["estimate"]}});
      continue;
    }
    c["impulse"] = json::parse(cs.text(1));
    c["description"] = describe(c["impulse"]);
    cands.push_back(std::move(c));
  }
  // Best first: measured and within budget, then by epochs reached, then by score.
  std::stable_sort(cands.begin(), cands.end(), [](const json& a, const json& b) {
    auto key = [](const json& c) {
      return std::make_tuple(c.value("fits", false) ? 1 : 0, c.value("epochs", 0));
    };
    return key(a) != key(b) ? key(a) > key(b) : ranks_before(a, b);
  });
  out["candidates"] = cands;
  out["over_budget_estimated"] = rejected;
  return out;
}

std::string tune_table(const json& shown) {
  std::string s;
  char line[512];
  const json& o = shown["options"];
  std::snprintf(line, sizeof line, "tune run %lld: %zu candidates, %s on held-out training samples (int8, cross-validated); budget %s: %llu B RAM, %llu B flash, %.0f ms at %.0f MHz\n",
                static_cast<long long>(shown["run"].get<int64_t>()), shown["candidates"].size(), o["metric"].get<std::string>().c_str(),
                o["target"].get<std::string>().c_str(), static_cast<unsigned long long>(o["ram_bytes"].get<uint64_t>()),
                static_cast<unsigned long long>(o["flash_bytes"].get<uint64_t>()), o["latency_ms"].get<double>(), o["clock_mhz"].get<double>());
  s += line;
  s += "    #  epochs  score    RAM B   flash B   instructions  latency ms  fits  candidate\n";
  size_t shown_rows = 0;
  for (const auto& c : shown["candidates"]) {
    if (++shown_rows > 20) break;
    const bool measured = c.contains("profile");
    std::snprintf(line, sizeof line, "  %3lld  %6d  %-7s  %6s  %8s  %13s  %10s  %-4s  %s%s\n", static_cast<long long>(c["index"].get<int64_t>()),
                  c.value("epochs", 0), std::isfinite(score_of(c)) ? pct(score_of(c)).c_str() : "failed",
                  measured ? std::to_string(c["profile"]["ram_bytes"].get<long>()).c_str() : "-",
                  measured ? std::to_string(c["profile"]["flash_bytes"].get<long>()).c_str() : "-",
                  measured ? std::to_string(c["profile"]["instructions"]["total"].get<long>()).c_str() : "-",
                  measured ? std::to_string(c["latency_ms"].get<double>()).substr(0, 6).c_str() : "-",
                  measured ? (c["fits"].get<bool>() ? "yes" : "no") : "-", c["index"] == 0 ? "(the project's impulse) " : "",
                  c["description"].get<std::string>().c_str());
    s += line;
  }
  const json& sum = shown["summary"];
  if (sum.contains("estimator_max_error")) {
    const json& e = sum["estimator_max_error"];
    std::snprintf(line, sizeof line, "estimator on the measured finalists: max error RAM %.1f %%, flash %.1f %%, instructions %.1f %%; %zu candidates estimated over budget, not trained\n",
                  100 * e["ram"].get<double>(), 100 * e["flash"].get<double>(), 100 * e["instructions"].get<double>(),
                  sum.value("over_budget_estimated", size_t{0}));
    s += line;
  }
  return s;
}

void apply_candidate(Project& p, int64_t run, size_t index) {
  const json shown = show_tune(p, run);
  for (const auto& c : shown["candidates"])
    if (c["index"].get<size_t>() == index) {
      if (!c.contains("profile"))
        throw Error("tune: candidate " + std::to_string(index) + " was not measured on the device (only finalists are); pick one marked fits");
      if (!c["fits"].get<bool>())
        throw Error("tune: candidate " + std::to_string(index) + " does not fit the run's budget (measured on " +
                    shown["options"]["target"].get<std::string>() + "); pick one marked fits");
      save_impulse(p, parse_impulse(c["impulse"]));
      return;
    }
  throw Error("tune: run " + std::to_string(shown["run"].get<int64_t>()) + " has no candidate " + std::to_string(index) + "; mote tune --show lists them");
}

}  // namespace mote::tune
