// Load on the ingestion service: C connections POST small acquisition JSON samples to a running
// `mote serve` for a bounded time, counting replies; then every accepted sample is looked up in the store.
// Usage: mote_load --port P --key K (--project DIR | --db FILE) [--seconds 30 (<= 30)] [--connections 8]
//        [--name mote] [--server-pid PID] [--out FILE]
// --db: a peer's SQLite file with a samples(id, name, hash) table; --server-pid: report the server's CPU time
// per accepted upload (user + system, from /proc), a figure that holds up better than uploads/s on a shared machine.
#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "ingest/acquisition.h"
#include "store/project.h"

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

struct Accepted {
  int64_t id;
  std::string name, hash;
};

struct Worker {
  int64_t ok = 0, client_err = 0, server_err = 0, transport_err = 0;
  std::vector<Accepted> accepted;
  std::vector<float> latency_ms;
};

std::string body_for(int thread, int64_t i) {
  mote::Sample s;
  s.interval_ms = 16;
  s.sensors = {{"accX", "m/s2"}, {"accY", "m/s2"}, {"accZ", "m/s2"}};
  s.device_name = "load";
  s.device_type = "BENCH";
  // Distinct values per request, so no two samples share a content hash.
  for (int f = 0; f < 10; ++f)
    for (int a = 0; a < 3; ++a) s.values.push_back(static_cast<float>(thread * 1000003 + i) + 0.25f * f + a);
  return mote::write_acquisition_json(s, std::nullopt);
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, connections = 8, server_pid = 0;
  double seconds = 30;  // the rate must hold for 30 s, not just a burst
  std::string key, project, db, out, server = "mote";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--port") port = std::stoi(v);
    else if (a == "--key") key = v;
    else if (a == "--project") project = v;
    else if (a == "--seconds") seconds = std::stod(v);
    else if (a == "--connections") connections = std::stoi(v);
    else if (a == "--db") db = v;
    else if (a == "--server-pid") server_pid = std::stoi(v);
    else if (a == "--name") server = v;
    else if (a == "--out") out = v;
  }
  if (!port || key.empty() || project.empty() == db.empty()) {
    std::fprintf(stderr, "usage: mote_load --port P --key K (--project DIR | --db FILE) [--seconds S] [--connections C] [--name N] [--out FILE]\n");
    return 2;
  }
  seconds = std::min(seconds, 30.0);  // bounded by design
  connections = std::clamp(connections, 1, 64);

  auto cpu_seconds = [&]() -> double {  // utime + stime of the server process
    if (!server_pid) return 0;
    std::ifstream f("/proc/" + std::to_string(server_pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    size_t close = stat.rfind(')');
    if (close == std::string::npos) return 0;
    std::vector<std::string> fields;
    std::string cur;
    for (size_t i = close + 2; i < stat.size(); ++i) {
      if (stat[i] == ' ') {
        fields.push_back(cur);
        cur.clear();
      } else {
        cur += stat[i];
      }
    }
    if (fields.size() < 13) return 0;
    return (std::stod(fields[11]) + std::stod(fields[12])) / static_cast<double>(sysconf(_SC_CLK_TCK));
  };
  double cpu0 = cpu_seconds();
  std::vector<Worker> workers(static_cast<size_t>(connections));
  auto start = Clock::now();
  auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      Worker& w = workers[static_cast<size_t>(t)];
      httplib::Client cli("127.0.0.1", port);
      cli.set_keep_alive(true);
      cli.set_tcp_nodelay(true);
      httplib::Headers h = {{"x-api-key", key}, {"x-label", "load"}};
      for (int64_t i = 0; Clock::now() < deadline; ++i) {
        std::string body = body_for(t, i);
        std::string name = "t" + std::to_string(t) + "." + std::to_string(i) + ".json";
        httplib::Headers hh = h;
        hh.emplace("x-file-name", name);
        auto t0 = Clock::now();
        auto r = cli.Post("/api/training/data", hh, body, "application/json");
        w.latency_ms.push_back(std::chrono::duration<float, std::milli>(Clock::now() - t0).count());
        if (!r) {
          w.transport_err++;
          continue;
        }
        if (r->status >= 200 && r->status < 300) {
          w.ok++;
          json j = json::parse(r->body);
          w.accepted.push_back({j["files"][0]["id"], j["files"][0]["name"], j["files"][0]["hash"]});
        } else if (r->status >= 500) {
          w.server_err++;
        } else {
          w.client_err++;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  double server_cpu = cpu_seconds() - cpu0;

  int64_t ok = 0, c4 = 0, c5 = 0, te = 0;
  std::vector<float> lat;
  std::vector<Accepted> accepted;
  for (auto& w : workers) {
    ok += w.ok;
    c4 += w.client_err;
    c5 += w.server_err;
    te += w.transport_err;
    lat.insert(lat.end(), w.latency_ms.begin(), w.latency_ms.end());
    accepted.insert(accepted.end(), w.accepted.begin(), w.accepted.end());
  }
  std::sort(lat.begin(), lat.end());
  auto pct = [&](double p) { return lat.empty() ? 0.0 : lat[std::min(lat.size() - 1, static_cast<size_t>(p * lat.size()))]; };

  // Every 2xx must be in the store, with the name and content hash the server answered.
  std::optional<mote::Project> proj;
  std::optional<mote::sql::Db> peer;
  if (!project.empty()) proj.emplace(mote::Project::open(project));
  else peer.emplace(db, false);
  mote::sql::Db& store = proj ? proj->store().db() : *peer;
  mote::sql::Stmt st(store, "SELECT name, hash FROM samples WHERE id = ?");
  int64_t found = 0;
  for (auto& a : accepted) {
    st.bind(1, a.id);
    if (st.step() && st.text(0) == a.name && st.text(1) == a.hash) found++;
    st.reset();
  }
  mote::sql::Stmt count(store, "SELECT count(*) FROM samples");
  count.step();
  int64_t stored = count.int64(0);

  json result = {{"benchmark", "load"},
                 {"server", server},
                 {"what", "POST /api/training/data, acquisition JSON of 10 frames x 3 axes, keep-alive, 127.0.0.1"},
                 {"cores", std::thread::hardware_concurrency()},
                 {"connections", connections},
                 {"seconds", elapsed},
                 {"requests", static_cast<int64_t>(lat.size())},
                 {"accepted_2xx", ok},
                 {"refused_4xx", c4},
                 {"failed_5xx", c5},
                 {"transport_errors", te},
                 {"accepted_per_s", ok / elapsed},
                 {"server_cpu_s", server_cpu},
                 {"server_cpu_us_per_upload", ok ? 1e6 * server_cpu / static_cast<double>(ok) : 0.0},
                 {"latency_ms", {{"p50", pct(0.5)}, {"p99", pct(0.99)}, {"max", lat.empty() ? 0.0 : lat.back()}}},
                 {"accepted_found_in_store", found},
                 {"samples_in_store", stored},
                 {"target_per_s", 1000},
                 {"meets_target", ok / elapsed >= 1000 && found == ok && c5 == 0}};
  std::printf("%s\n", result.dump(2).c_str());
  if (!out.empty()) std::ofstream(out) << result.dump(2) << "\n";
  return found == ok && c5 == 0 ? 0 : 1;
}
