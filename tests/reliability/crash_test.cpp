// Crash safety: SIGKILL `mote` at random points during import, forwarding, feature generation and training (100+
// kills in all), then check the store: integrity, every sample whole or absent, nothing acknowledged lost,
// and the next run completes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <regex>
#include <thread>

#include "impulse/features.h"
#include "store/project.h"
#include "support/test_support.h"

extern char** environ;

using namespace mote;
namespace fs = std::filesystem;

namespace {

// Starts mote with stdin/stdout redirected to files; returns its pid.
pid_t spawn_mote(const std::vector<std::string>& args, const fs::path& in, const fs::path& out) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> all = {MOTE_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, MOTE_BINARY, &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("posix_spawn failed");
  return pid;
}

// Runs to the end (no kill); returns the exit status.
int run_to_end(const std::vector<std::string>& args, const fs::path& in, const fs::path& out) {
  int st = 0;
  waitpid(spawn_mote(args, in, out), &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// Kills after `delay`; true when the kill landed before the process ended by itself.
bool kill_after(pid_t pid, std::chrono::microseconds delay) {
  std::this_thread::sleep_for(delay);
  bool killed = ::kill(pid, SIGKILL) == 0;
  int st = 0;
  waitpid(pid, &st, 0);
  return killed && WIFSIGNALED(st);
}

double seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The store after a crash: SQLite's own check, then every sample row has its data, of the right size,
// hashing to its recorded hash.
void check_store(const fs::path& proj) {
  Project p = Project::open(proj);
  sql::Stmt ic(p.store().db(), "PRAGMA integrity_check");
  ASSERT_TRUE(ic.step());
  EXPECT_EQ(ic.text(0), "ok");
  sql::Stmt orphans(p.store().db(),
                    "SELECT (SELECT count(*) FROM samples WHERE id NOT IN (SELECT sample_id FROM sample_data)) + "
                    "(SELECT count(*) FROM sample_data WHERE sample_id NOT IN (SELECT id FROM samples))");
  ASSERT_TRUE(orphans.step());
  EXPECT_EQ(orphans.int64(0), 0);
  for (auto& s : p.store().list({}, true)) {
    EXPECT_EQ(s.values.size(), s.frames() * s.axes());
    EXPECT_EQ(content_hash(s), s.hash) << "sample " << s.id << " is torn";
  }
}

}  // namespace

TEST(CrashSafety, KilledImportsAreAllOrNothingAndTheRetryCompletes) {
  test::TempDir dir;
  fs::path proj = dir / "p", data = dir / "data";
  ASSERT_EQ(test::run_mote("init " + proj.string()).exit_code, 0);
  for (int i = 0; i < 300; ++i) {
    std::string csv = "timestamp,x,y,z\n";
    for (int f = 0; f < 50; ++f) csv += std::to_string(f * 10) + "," + std::to_string(i) + "," + std::to_string(f) + ",9.8\n";
    test::write_text(data / ("wave." + std::to_string(i) + ".csv"), csv);
  }
  std::vector<std::string> args = {"-C", proj.string(), "import", data.string()};
  // Measure one run on a scratch copy to spread the kills over the whole import.
  fs::path scratch = dir / "scratch";
  ASSERT_EQ(test::run_mote("init " + scratch.string()).exit_code, 0);
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(run_to_end({"-C", scratch.string(), "import", data.string()}, "/dev/null", dir / "o"), 0);
  double full = seconds(t0);

  std::mt19937 rng(42);
  // Runs until `kWanted` kills landed mid-run (a loaded machine lets more runs finish first), bounded.
  const int kWanted = 30;
  int kills = 0;
  for (int i = 0; i < 100 && kills < kWanted; ++i) {
    auto delay = std::chrono::microseconds(static_cast<int64_t>(std::uniform_real_distribution<>(0, full)(rng) * 1e6));
    pid_t pid = spawn_mote(args, "/dev/null", dir / "o");
    kills += kill_after(pid, delay);
    Project p = Project::open(proj);
    int64_t n = p.store().count({});
    ASSERT_TRUE(n == 0 || n == 300) << "a killed import left " << n << " of 300 samples";
    if (n == 300) {  // that run finished before its kill: start over for the next one
      check_store(proj);
      p.store().db().exec("DELETE FROM sample_data; DELETE FROM samples;");
    }
  }
  check_store(proj);
  int64_t before = Project::open(proj).store().count({});
  if (before == 0) EXPECT_EQ(run_to_end(args, "/dev/null", dir / "o"), 0);
  EXPECT_EQ(Project::open(proj).store().count({}), 300);
  check_store(proj);
  std::printf("import: %d kills landed mid-run (full run %.2f s)\n", kills, full);
  EXPECT_GE(kills, kWanted);
}

TEST(CrashSafety, KilledForwarderLosesNoAcknowledgedSample) {
  test::TempDir dir;
  fs::path proj = dir / "p";
  ASSERT_EQ(test::run_mote("init " + proj.string()).exit_code, 0);
  std::string lines;
  for (int i = 0; i < 60000; ++i) lines += std::to_string(i % 17) + "," + std::to_string(i % 5) + ",9.81\n";
  test::write_text(dir / "stream.txt", lines);
  std::vector<std::string> args = {"-C", proj.string(), "forward", "--stdin", "--frequency", "100", "--axes", "x,y,z",
                                   "--label", "wave", "--length-ms", "1000"};
  auto t0 = std::chrono::steady_clock::now();
  fs::path clean = dir / "clean";
  ASSERT_EQ(test::run_mote("init " + clean.string()).exit_code, 0);
  std::vector<std::string> clean_args = args;
  clean_args[1] = clean.string();
  ASSERT_EQ(run_to_end(clean_args, dir / "stream.txt", dir / "o"), 0);
  double full = seconds(t0);

  std::mt19937 rng(7);
  const int kWanted = 30;
  int kills = 0;
  std::regex ack(R"(stored sample \d+ .*\(1000 ms, id (\d+)\))");
  for (int i = 0; i < 100 && kills < kWanted; ++i) {
    auto delay = std::chrono::microseconds(static_cast<int64_t>(std::uniform_real_distribution<>(0, full)(rng) * 1e6));
    fs::path out = dir / ("ack" + std::to_string(i));
    pid_t pid = spawn_mote(args, dir / "stream.txt", out);
    kills += kill_after(pid, delay);
    std::string text = test::read_text(out);
    Project p = Project::open(proj);
    for (std::sregex_iterator it(text.begin(), text.end(), ack), end; it != end; ++it) {
      int64_t id = std::stoll((*it)[1]);
      Sample s = p.store().get(id);  // throws if the acknowledged sample is gone
      EXPECT_EQ(s.frames(), 100u);
    }
  }
  check_store(proj);
  std::printf("forward: %d kills landed mid-run (full run %.2f s)\n", kills, full);
  EXPECT_GE(kills, kWanted);
}

TEST(CrashSafety, KilledFeatureRunsLeaveAValidCacheAndTheNextRunCompletes) {
  test::TempDir dir;
  fs::path proj = dir / "demo";
  auto r = test::run_mote("demo " + proj.string() + " --no-serve --no-profile --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> args = {"-C", proj.string(), "features"};
  auto clear_cache = [&] { Project::open(proj).store().db().exec("DELETE FROM features"); };
  clear_cache();
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(run_to_end(args, "/dev/null", dir / "o"), 0);
  double full = seconds(t0);

  std::mt19937 rng(3);
  const int kWanted = 30;
  int kills = 0;
  for (int i = 0; i < 100 && kills < kWanted; ++i) {
    clear_cache();
    auto delay = std::chrono::microseconds(static_cast<int64_t>(std::uniform_real_distribution<>(0, full)(rng) * 1e6));
    kills += kill_after(spawn_mote(args, "/dev/null", dir / "o"), delay);
    Project p = Project::open(proj);
    sql::Stmt rows(p.store().db(), "SELECT count(*) FROM features WHERE length(data) != windows * width * 4");
    ASSERT_TRUE(rows.step());
    EXPECT_EQ(rows.int64(0), 0) << "a torn features row";
  }
  check_store(proj);
  // The next run finishes, and what it cached equals features computed afresh.
  ASSERT_EQ(run_to_end(args, "/dev/null", dir / "o"), 0);
  Project p = Project::open(proj);
  ImpulseSpec spec = load_impulse(p);
  Impulse impulse(spec, impulse_axes(p, spec));
  FeatureTable cached = generate_features(p.store(), impulse, {}, true);
  auto samples = p.store().list({}, true);
  size_t row = 0;
  for (auto& s : samples) {
    FeatureTable fresh = sample_features(s, impulse);
    for (size_t w = 0; w < fresh.rows.size(); ++w, ++row) {
      ASSERT_LT(row, cached.rows.size());
      ASSERT_EQ(cached.rows[row].sample_id, s.id);
      ASSERT_EQ(0, std::memcmp(cached.row(row), fresh.row(w), impulse.width() * sizeof(float))) << "sample " << s.id;
    }
  }
  EXPECT_EQ(row, cached.rows.size());
  std::printf("features: %d kills landed mid-run (full run %.2f s)\n", kills, full);
  EXPECT_GE(kills, kWanted);
}

TEST(CrashSafety, KilledTrainingKeepsTheStoreAndTheNextRunTrains) {
  test::TempDir dir;
  fs::path proj = dir / "demo";
  auto r = test::run_mote("demo " + proj.string() + " --no-serve --no-profile --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> args = {"-C", proj.string(), "train"};
  auto sample_count = [&] { return Project::open(proj).store().count({}); };  // training never touches samples
  int64_t samples = sample_count();
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(run_to_end(args, "/dev/null", dir / "o"), 0);
  double full = seconds(t0);

  std::mt19937 rng(5);
  const int kWanted = 12;
  int kills = 0;
  for (int i = 0; i < 40 && kills < kWanted; ++i) {
    auto delay = std::chrono::microseconds(static_cast<int64_t>(std::uniform_real_distribution<>(0, full)(rng) * 1e6));
    kills += kill_after(spawn_mote(args, "/dev/null", dir / "o"), delay);
    Project p = Project::open(proj);
    // Every stored model row is whole: its JSON parses (a torn row would not).
    sql::Stmt rows(p.store().db(), "SELECT model, metrics FROM models");
    while (rows.step()) {
      EXPECT_FALSE(nlohmann::json::parse(rows.text(0), nullptr, false).is_discarded());
      EXPECT_FALSE(nlohmann::json::parse(rows.text(1), nullptr, false).is_discarded());
    }
  }
  check_store(proj);
  EXPECT_EQ(sample_count(), samples);
  ASSERT_EQ(run_to_end(args, "/dev/null", dir / "o"), 0);
  auto t = test::run_mote("-C " + proj.string() + " test --json");
  EXPECT_EQ(t.exit_code, 0) << t.err;
  std::printf("train: %d kills landed mid-run (full run %.2f s)\n", kills, full);
  EXPECT_GE(kills, kWanted);
}
