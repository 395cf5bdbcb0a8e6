// `mote tune`: successive halving over epochs (brackets of 9 candidates: all at E/9 epochs, the best 3 at
// E/3, the best at E, E the block's own epochs) until the time or candidate budget is spent, two candidates
// at a time in worker processes; then the best finalists trained in full and profiled on the emulated
// device. A candidate whose measured RAM, flash or latency exceeds the budget is never offered. Every finished
// candidate is stored at once (SIGINT keeps them); the same seed and --candidates give the same table.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/project.h"

namespace mote::tune {

// One evaluation the search needs: `mote tune-candidate --impulse FILE ARGS...` over `impulse`.
struct CandidateTask {
  nlohmann::json impulse;
  std::vector<std::string> args;  // after --impulse FILE
};
// Runs tasks anywhere (mote worker processes: src/serve/tune_queue.h) and calls done(i, the child's JSON or
// {error}) once per task; returns early, tasks left undone, when stop() turns true. With a runner the
// search's brackets run at once (each bracket's rungs still in order), so many workers stay busy.
using CandidateRunner = std::function<void(const std::vector<CandidateTask>& tasks,
                                           const std::function<void(size_t, nlohmann::json)>& done,
                                           const std::function<bool()>& stop)>;

struct TuneOptions {
  std::string target = "cortex-m4";
  uint64_t ram_bytes = 64 * 1024, flash_bytes = 256 * 1024;
  double latency_ms = 100, clock_mhz = 80;  // latency = instructions / clock (one instruction per cycle)
  double time_s = 30 * 60;
  size_t max_candidates = 0;  // 0: as many as the time allows
  size_t finalists = 3;
  int folds = 4;  // k-fold split of whole samples (groups); the last rung (full epochs) trains once per fold
  std::string metric = "accuracy";
  std::string group_by;
  uint64_t seed = 1;
  int workers = 2;
  bool quiet = false;
  std::filesystem::path mote_binary;  // runs `mote tune-candidate` for each candidate
  CandidateRunner runner;  // empty: `workers` local processes, as always
};

// Runs a search and stores it; returns show_tune(p, run).
nlohmann::json run_tune(Project& p, const TuneOptions& o);

// A stored run (the newest when run = 0): {run, options, summary, candidates[{index, impulse, description,
// rungs[{epochs, score, ...}], score, profile?, fits?, latency_ms?}] best first}. Throws when there is none.
nlohmann::json show_tune(Project& p, int64_t run = 0);

// The human table of a run.
std::string tune_table(const nlohmann::json& shown);

// The search's order of two candidate results ({score, rungs: [{window_accuracy, loss, macs}], estimate}): the
// higher score, then held-out window accuracy in whole points, then fewer estimated instructions, then loss.
bool ranks_before(const nlohmann::json& a, const nlohmann::json& b);

// Writes candidate `index` of the run's impulse into mote.json (the caller then trains it).
void apply_candidate(Project& p, int64_t run, size_t index);

}  // namespace mote::tune
