#include "serve/ingest_commit.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>

#include "serve/http.h"

namespace mote::serve {

GroupCommitter::Coming::Coming(GroupCommitter& c) : c_(c) {
  std::lock_guard<std::mutex> lk(c_.m_);
  c_.coming_++;
}

GroupCommitter::Coming::~Coming() {
  if (!pending_) return;
  std::lock_guard<std::mutex> lk(c_.m_);
  c_.arrived(*this);
}

void GroupCommitter::arrived(Coming& c) {
  if (!c.pending_) return;
  c.pending_ = false;
  if (--coming_ == 0) all_came_.notify_all();
}

// When commits are dear (set_gather: PostgreSQL's fsync), the leader waits for
// uploads that are moments away, so that one commit serves them too: those being parsed, up to gather_wait_;
// and the uploaders of a moment ago (the last group and those queued behind it), who send again as soon as
// they have their answer, no longer than the last group took to write (what the wait can save).
bool GroupCommitter::all_here() const { return coming_ <= 0 && queue_.size() >= uploaders_; }

void GroupCommitter::gather(std::unique_lock<std::mutex>& lk) {
  if (last_write_ < gather_from_) return;
  auto now = std::chrono::steady_clock::now();
  if (!all_here())
    all_came_.wait_until(lk, now + std::min(gather_wait_, last_write_), [&] { return all_here(); });
  if (coming_ > 0) all_came_.wait_until(lk, now + gather_wait_, [&] { return coming_ <= 0; });
}

void GroupCommitter::commit(Store& store, std::vector<Sample>& samples, bool no_duplicates, const Also& also,
                            Coming* coming) {
  Entry e{&samples, no_duplicates, also ? &also : nullptr, false, nullptr};
  std::unique_lock<std::mutex> lk(m_);
  queue_.push_back(&e);
  if (coming) arrived(*coming);
  if (leading_ && all_here()) all_came_.notify_all();  // a gathering leader is woken once, when all are here
  while (!e.done) {
    if (leading_) {
      e.wake.wait(lk);
      continue;
    }
    // Lead the next group: it holds this entry, every one queued while the writer lock was busy, and the
    // uploads that were coming.
    leading_ = true;
    gather(lk);
    lk.unlock();
    std::vector<Entry*> group;
    auto start = std::chrono::steady_clock::now();
    {
      std::lock_guard<std::mutex> one_writer(writer_);
      {
        std::lock_guard<std::mutex> q(m_);
        group.swap(queue_);
      }
      write_group(group_store(store), group);
    }
    lk.lock();
    last_write_ = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    uploaders_ = group.size() + queue_.size();
    stats_.groups++;
    stats_.batches += static_cast<int64_t>(group.size());
    for (Entry* g : group) {
      g->done = true;
      if (g != &e) g->wake.notify_one();
    }
    leading_ = false;
    if (!queue_.empty()) queue_.front()->wake.notify_one();  // it leads the next group
  }
  lk.unlock();
  if (e.error) std::rethrow_exception(e.error);
}

GroupCommitter::Stats GroupCommitter::stats() {
  std::lock_guard<std::mutex> lk(m_);
  Stats s = stats_;
  s.queued = static_cast<int64_t>(queue_.size());
  s.coming = coming_;
  return s;
}

Store& GroupCommitter::group_store(Store& leader) {
  if (!open_) return leader;
  if (!own_) {
    try {
      own_ = open_();
    } catch (const std::exception&) {
      return leader;  // the leader's connection works as well, only slower; tried again next group
    }
  }
  return *own_;
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
    if (own_.get() == &store) own_.reset();  // perhaps a lost connection: the next group opens a new one
  }
}

// Writes every batch of the group in one transaction and commits it. Without savepoints, returns false
// (rolled back) at the first database error; with them, that batch fails alone.
bool GroupCommitter::write_all(Store& store, std::vector<Entry*>& group, bool savepoints) {
  sql::Transaction tx(store.db());
  // Rows wait here and go in together (Store::insert_all), until a read or the audit row needs them stored.
  std::vector<Sample*> pending;
  auto flush = [&] {
    store.insert_all(pending);
    pending.clear();
  };
  for (Entry* g : group) {
    std::optional<sql::Transaction> sp;
    try {
      if (savepoints) sp.emplace(store.db());
      if (g->no_duplicates) {
        if (!pending.empty()) flush();  // the duplicate check must see the rows before it
        std::set<std::string> seen;
        for (auto& s : *g->samples) {
          if (auto dup = store.find_by_hash(s.hash))
            throw HttpError{409, "'" + s.name + "': same data as sample " + std::to_string(*dup) +
                                     " (x-disallow-duplicates is set); nothing was stored"};
          if (!seen.insert(s.hash).second)
            throw HttpError{409, "'" + s.name + "': sent twice in this request (x-disallow-duplicates is set); nothing was stored"};
        }
      }
      for (auto& s : *g->samples) pending.push_back(&s);
      if (g->also || sp) flush();  // the audit row names the ids; a savepoint holds its own rows
      if (g->also) (*g->also)(store, *g->samples);
      if (sp) sp->commit();
    } catch (const HttpError&) {
      g->error = std::current_exception();  // checked before any insert: nothing of it to undo
    } catch (const std::exception&) {
      if (!savepoints) return false;
      pending.clear();
      g->error = std::current_exception();
    }
  }
  try {
    if (!pending.empty()) flush();
  } catch (const std::exception&) {
    return false;  // only without savepoints (with them nothing is pending here): again, one batch at a time
  }
  tx.commit();
  return true;
}

}  // namespace mote::serve
