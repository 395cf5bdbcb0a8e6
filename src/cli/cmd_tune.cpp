// `mote tune`: search impulses under a device budget (src/tune); `tune-candidate` is its worker process.
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <ctime>

#include "cli/cli.h"
#include "core/error.h"
#include "core/files.h"
#include "learn/pipeline.h"
#include "serve/tune_queue.h"
#include "tune/candidate.h"
#include "tune/search.h"

namespace mote::cli {

namespace {

// "30m", "90s", "1h", "45" (seconds).
double parse_duration(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  const std::string unit = end ? end : "";
  const double k = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : -1;
  if (end == text.c_str() || k < 0 || !(v > 0)) throw error_at("--time", "'" + text + "' is not a duration; use e.g. 90s, 30m or 1h");
  return v * k;
}

std::filesystem::path self_binary() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("tune: cannot find the mote binary (/proc/self/exe) to run candidates with");
  return p;
}

}  // namespace

void register_tune(CLI::App& app, Context& ctx) {
  static tune::TuneOptions o;
  static std::string ram = "64k", flash = "256k", time = "30m";
  static bool json = false, show = false, distribute = false;
  static double lease_s = 30;
  static int64_t show_run = 0;
  static int apply = -1;
  auto* cmd = app.add_subcommand("tune", "Search impulses (window, DSP, network, learning rate) under a device budget, measured on QEMU");
  cmd->add_option("--target", o.target, "Device whose budget applies (QEMU profile of the finalists)");
  cmd->add_option("--ram", ram, "RAM budget (e.g. 32k)");
  cmd->add_option("--flash", flash, "Flash budget (e.g. 256k)");
  cmd->add_option("--latency-ms", o.latency_ms, "Time per window budget at --clock-mhz");
  cmd->add_option("--clock-mhz", o.clock_mhz, "Core clock for the latency (one instruction per cycle)");
  cmd->add_option("--time", time, "Search time (e.g. 30m, 90s)");
  cmd->add_option("--candidates", o.max_candidates, "Stop after this many candidates (same seed + count = same table)");
  cmd->add_option("--finalists", o.finalists, "Best candidates profiled on the device");
  cmd->add_option("--metric", o.metric, "accuracy or f1 (held-out samples, int8, as mote test judges them)")->check(CLI::IsMember({"accuracy", "f1"}));
  cmd->add_option("--group-by", o.group_by, "Regex over sample names whose first group is the group held out together (a speaker, a volunteer)");
  cmd->add_option("--seed", o.seed, "Seed of the search and of training");
  cmd->add_option("--workers", o.workers, "Candidates trained at once (processes); with --distribute, by this process besides the workers (0: none)");
  cmd->add_flag("--distribute", distribute, "Queue the candidates as jobs for `mote worker` processes on any machine sharing the store");
  cmd->add_option("--lease", lease_s, "With --distribute: seconds a candidate stays a silent worker's before another takes it")->check(CLI::Range(1.0, 3600.0));
  cmd->add_option("--folds", o.folds, "Cross-validation folds of whole samples (groups); at full epochs every fold is trained and scored")->check(CLI::Range(2, 20));
  cmd->add_flag("--show", show, "List the newest run's table (or --run N's) instead of searching");
  cmd->add_option("--run", show_run, "With --show or --apply: that run instead of the newest");
  cmd->add_option("--apply", apply, "Write candidate N's impulse to mote.json and train it");
  cmd->add_flag("--json", json, "Print the run as JSON (no progress)");
  cmd->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      if (apply >= 0) {
        tune::apply_candidate(p, show_run, static_cast<size_t>(apply));
        learn::TrainOptions t;
        t.quiet = json;
        const auto r = learn::train_impulse(p, t);
        if (json) print_json({{"applied", apply}, {"trained", r.blocks.size()}});
        else std::printf("applied candidate %d to mote.json and trained %zu block(s); evaluate with: mote test --int8\n", apply, r.blocks.size());
        return;
      }
      nlohmann::json shown;
      if (show) {
        shown = tune::show_tune(p, show_run);
      } else {
        o.ram_bytes = parse_byte_size(ram, "--ram");
        o.flash_bytes = parse_byte_size(flash, "--flash");
        o.time_s = parse_duration(time);
        o.quiet = json;
        o.mote_binary = self_binary();
        if (distribute) {
          if (o.workers < 0) throw error_at("--workers", "must be 0 or more");
          // Run as a job (job_tune.cpp): stop with the worker that runs us, so a retried job is the only search.
          if (std::getenv("MOTE_DIE_WITH_PARENT")) prctl(PR_SET_PDEATHSIG, SIGKILL);
          serve::LeasePolicy lease;
          lease.lease_ms = static_cast<int64_t>(lease_s * 1000);
          char host[256] = "";
          gethostname(host, sizeof host - 1);
          const std::string batch = "tune@" + std::string(host) + ":" + std::to_string(::getpid()) + ":" + std::to_string(std::time(nullptr));
          o.runner = serve::queue_candidate_runner(p.dir(), p.store_location(), batch, o.workers, lease);
        }
        shown = tune::run_tune(p, o);
      }
      if (json) {
        print_json(shown);
        return;
      }
      std::printf("%s", tune::tune_table(shown).c_str());
      if (shown.contains("plots")) std::printf("plots: %s, %s\n", shown["plots"][0].get<std::string>().c_str(), shown["plots"][1].get<std::string>().c_str());
      std::printf("apply one: mote tune --apply N (only candidates marked fits)\n");
    };
  });

  static tune::CandidateOptions c;
  static std::string impulse_file;
  auto* worker = app.add_subcommand("tune-candidate", "(worker of mote tune) train and score one candidate impulse; prints JSON");
  worker->group("");  // hidden from --help
  worker->add_option("--impulse", impulse_file, "Candidate impulse JSON")->required();
  worker->add_option("--epochs", c.epochs, "Epochs (0: the block's)");
  worker->add_option("--seed", c.seed, "Seed");
  worker->add_option("--group-by", c.group_by, "Group regex");
  worker->add_option("--metric", c.metric, "accuracy or f1");
  worker->add_option("--target", c.target, "Target of the profile");
  worker->add_flag("--profile", c.profile, "Also train the anomaly blocks and profile on QEMU");
  worker->add_option("--folds", c.folds, "Folds of the split (fold 0 held out)");
  worker->add_flag("--all-folds", c.all_folds, "Train once per fold and score every training sample");
  worker->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      print_json(tune::evaluate_candidate(p, nlohmann::json::parse(read_file(impulse_file)), c));
    };
  });
}

}  // namespace mote::cli
