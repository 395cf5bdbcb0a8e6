// mote_claim_bench LOCATION JOBS CLAIMERS: queues JOBS jobs in a fresh store at LOCATION (a new SQLite file or an
// empty PostgreSQL database), then CLAIMERS threads (one connection each) claim, heartbeat once and finish them
// until none is left, as `mote worker` does (src/serve/job_rows.h). Prints JSON: per-operation latency
// percentiles (ms), the claims per second over all claimers, and an idle claim (empty queue) latency.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "serve/job_rows.h"
#include "store/store.h"

using Clock = std::chrono::steady_clock;
using nlohmann::json;

static json percentiles(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v.empty() ? 0.0 : v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))]; };
  double sum = 0;
  for (double x : v) sum += x;
  return {{"n", v.size()}, {"mean_ms", v.empty() ? 0 : sum / static_cast<double>(v.size())}, {"p50_ms", at(0.5)}, {"p99_ms", at(0.99)}};
}

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: mote_claim_bench LOCATION JOBS CLAIMERS\n");
    return 2;
  }
  const std::string location = argv[1];
  const int jobs = std::atoi(argv[2]), claimers = std::atoi(argv[3]);
  try {
    mote::Store store(location, true);
    {
      mote::sql::Transaction tx(store.db());
      for (int i = 0; i < jobs; ++i) mote::serve::enqueue_job(store.db(), "bench", {{"i", i}});
      tx.commit();
    }
    std::mutex m;
    std::vector<double> claim, beat, finish;
    std::atomic<int> lost{0};
    const auto t0 = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < claimers; ++c)
      threads.emplace_back([&, c] {
        mote::Store s(location, false, false);  // as mote worker opens it (SQLite: WAL, synchronous=NORMAL)
        mote::sql::Db& db = s.db();
        const std::string owner = "bench-" + std::to_string(c);
        const mote::serve::LeasePolicy lease;
        std::vector<double> mc, mb, mf;
        auto ms = [](Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
        for (;;) {
          auto a = Clock::now();
          auto j = mote::serve::claim_job(db, owner, {{"bench"}, ""}, lease);
          auto b = Clock::now();
          if (!j) break;
          mote::serve::heartbeat_job(db, *j, owner, lease, nullptr, 0.5);
          auto d = Clock::now();
          if (!mote::serve::finish_job(db, *j, owner, mote::serve::JobState::Done, {{"ok", true}}, "", "", 1)) ++lost;
          auto e = Clock::now();
          mc.push_back(ms(a, b));
          mb.push_back(ms(b, d));
          mf.push_back(ms(d, e));
        }
        std::lock_guard<std::mutex> lk(m);
        claim.insert(claim.end(), mc.begin(), mc.end());
        beat.insert(beat.end(), mb.begin(), mb.end());
        finish.insert(finish.end(), mf.begin(), mf.end());
      });
    for (auto& t : threads) t.join();
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    std::vector<double> idle;
    for (int i = 0; i < 200; ++i) {
      auto a = Clock::now();
      (void)mote::serve::claim_job(store.db(), "idle", {{"bench"}, ""}, mote::serve::LeasePolicy{});
      idle.push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
    }
    json out = {{"backend", store.db().backend() == mote::sql::Backend::Postgres ? "postgres" : "sqlite"},
                {"jobs", jobs}, {"claimers", claimers}, {"seconds", seconds},
                {"jobs_per_s", static_cast<double>(claim.size()) / seconds}, {"lost", lost.load()},
                {"claim", percentiles(claim)}, {"heartbeat", percentiles(beat)}, {"finish", percentiles(finish)},
                {"idle_claim", percentiles(idle)}};
    std::printf("%s\n", out.dump().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mote_claim_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
