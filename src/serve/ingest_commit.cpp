#include "serve/ingest_commit.h"

#include <optional>
#include <set>
#include <string>

#include "serve/http.h"

namespace mote::serve {

void GroupCommitter::commit(Store& store, std::vector<Sample>& samples, bool no_duplicates, const Also& also) {
  Entry e{&samples, no_duplicates, also ? &also : nullptr, false, nullptr};
  std::unique_lock<std::mutex> lk(m_);
  queue_.push_back(&e);
  while (!e.done) {
    if (leading_) {
      cv_.wait(lk);
      continue;
    }
    // Lead the next group: it holds this entry, and every one queued while the writer lock was busy.
    leading_ = true;
    lk.unlock();
    std::vector<Entry*> group;
    {
      std::lock_guard<std::mutex> one_writer(writer_);
      {
        std::lock_guard<std::mutex> q(m_);
        group.swap(queue_);
      }
      write_group(store, group);
    }
    lk.lock();
    stats_.groups++;
    stats_.batches += static_cast<int64_t>(group.size());
    for (Entry* g : group) g->done = true;
    leading_ = false;
    cv_.notify_all();
  }
  lk.unlock();
  if (e.error) std::rethrow_exception(e.error);
}

GroupCommitter::Stats GroupCommitter::stats() {
  std::lock_guard<std::mutex> lk(m_);
  Stats s = stats_;
  s.queued = static_cast<int64_t>(queue_.size());
  return s;
}

void GroupCommitter::write_group(Store& store, std::vector<Entry*>& group) {
  // First all in one transaction without savepoints (the common case: nothing fails); if the database
  // refuses anything, again with a savepoint per batch so that only the batch at fault fails.
  try {
    if (write_all(store, group, false)) return;
  } catch (const std::exception&) {
  }
  {
    std::lock_guard<std::mutex> lk(m_);
    stats_.retried_groups++;
  }
  for (Entry* g : group) g->error = nullptr;
  try {
    write_all(store, group, true);
  } catch (...) {
    // The commit (or the transaction itself) failed: nothing of the group is stored.
    for (Entry* g : group)
      if (!g->error) g->error = std::current_exception();
  }
}

// Writes every batch of the group in one transaction and commits it. Without savepoints, returns false
// (rolled back) at the first database error; with them, that batch fails alone.
bool GroupCommitter::write_all(Store& store, std::vector<Entry*>& group, bool savepoints) {
  sql::Transaction tx(store.db());
  for (Entry* g : group) {
    std::optional<sql::Transaction> sp;
    try {
      if (savepoints) sp.emplace(store.db());
      if (g->no_duplicates) {
        std::set<std::string> seen;
        for (auto& s : *g->samples) {
          if (auto dup = store.find_by_hash(s.hash))
            throw HttpError{409, "'" + s.name + "': same data as sample " + std::to_string(*dup) +
                                     " (x-disallow-duplicates is set); nothing was stored"};
          if (!seen.insert(s.hash).second)
            throw HttpError{409, "'" + s.name + "': sent twice in this request (x-disallow-duplicates is set); nothing was stored"};
        }
      }
      for (auto& s : *g->samples) store.insert(s);
      if (g->also) (*g->also)(store, *g->samples);
      if (sp) sp->commit();
    } catch (const HttpError&) {
      g->error = std::current_exception();  // checked before any insert: nothing of it to undo
    } catch (const std::exception&) {
      if (!savepoints) return false;
      g->error = std::current_exception();
    }
  }
  tx.commit();
  return true;
}

}  // namespace mote::serve
