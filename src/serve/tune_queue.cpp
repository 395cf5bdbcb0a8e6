#include "serve/tune_queue.h"

#include <atomic>
#include <map>
#include <memory>
#include <thread>

#include "core/error.h"
#include "serve/worker.h"

using nlohmann::json;
namespace fs = std::filesystem;

namespace mote::serve {

namespace {

struct Shared {
  fs::path project;
  std::string location, batch, owner;
  int slots = 0;
  LeasePolicy lease;
  std::atomic<int> busy{0};       // own slots in use, over every runner call (the brackets run at once)
  std::atomic<bool> never{false};  // the search's own candidates are finished, not given back, on Ctrl-C
};

// The ended jobs among `pending` (id -> task index): their results, in id order.
std::vector<std::pair<size_t, json>> collect(sql::Db& db, const std::string& batch, std::map<int64_t, size_t>& pending) {
  std::vector<std::pair<size_t, json>> out;
  sql::Stmt st(db, "SELECT id, state, result, error FROM jobs WHERE batch = ? AND id >= ? AND id <= ? "
                   "AND state IN ('done', 'failed', 'cancelled') ORDER BY id");
  st.bind(1, batch).bind(2, pending.begin()->first).bind(3, pending.rbegin()->first);
  while (st.step()) {
    auto it = pending.find(st.int64(0));
    if (it == pending.end()) continue;
    json r;
    if (st.text(1) == "done" && !st.is_null(2)) r = json::parse(st.text(2), nullptr, false);
    if (!r.is_object()) r = {{"error", st.is_null(3) ? "the candidate's job ended " + st.text(1) : st.text(3)}};
    out.push_back({it->second, std::move(r)});
    pending.erase(it);
  }
  return out;
}

}  // namespace

tune::CandidateRunner queue_candidate_runner(const fs::path& project, const std::string& location, const std::string& batch,
                                             int slots, const LeasePolicy& lease) {
  auto sh = std::make_shared<Shared>();
  sh->project = project;
  sh->location = location;
  sh->batch = batch;
  sh->owner = lease_owner("tune");
  sh->slots = slots;
  sh->lease = lease;
  {
    // An earlier attempt of this search (its worker died): its candidates are nobody's now.
    sql::Db db(location, false);
    publish_project_config(db, Project::open(project).config());
    sql::Stmt st(db, "SELECT id FROM jobs WHERE batch = ? AND state IN ('queued', 'running')");
    st.bind(1, batch);
    std::vector<int64_t> left;
    while (st.step()) left.push_back(st.int64(0));
    for (int64_t id : left) request_cancel(db, id);
  }
  return [sh](const std::vector<tune::CandidateTask>& tasks, const std::function<void(size_t, json)>& done,
              const std::function<bool()>& stop) {
    if (tasks.empty()) return;
    Store store(sh->location, false, false);  // one connection per call: the brackets call at once
    sql::Db& db = store.db();
    std::map<int64_t, size_t> pending;
    {
      sql::Transaction tx(db);
      for (size_t i = 0; i < tasks.size(); ++i)
        pending[enqueue_job(db, "tune-candidate", {{"impulse", tasks[i].impulse}, {"args", tasks[i].args}}, sh->batch)] = i;
      tx.commit();
    }
    while (!pending.empty()) {
      if (stop()) {
        for (auto& [id, i] : pending) request_cancel(db, id);
        return;
      }
      for (auto& [i, r] : collect(db, sh->batch, pending)) done(i, std::move(r));
      if (pending.empty()) break;
      bool ran = false;
      if (sh->slots > 0 && sh->busy.fetch_add(1) < sh->slots) {
        // One of this search's candidates (this call's or another bracket's), run here like a worker runs it.
        if (auto c = claim_job(db, sh->owner, {{"tune-candidate"}, sh->batch}, sh->lease)) {
          run_claimed_job(sh->project, sh->location, db, *c, sh->owner, sh->lease, sh->never, nullptr);
          ran = true;
        }
        sh->busy.fetch_sub(1);
      } else if (sh->slots > 0) {
        sh->busy.fetch_sub(1);
      }
      if (!ran) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  };
}

}  // namespace mote::serve
