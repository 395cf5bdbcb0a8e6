// Group commit for ingestion: concurrent uploads share one transaction and one commit (one fsync or WAL
// flush). A request hands its parsed samples to commit(); the first waiting request becomes the group's
// committer: it takes the store's writer lock, then every batch queued at that moment, writes them in one
// transaction and commits; each request of the group returns only after that commit. Batches that arrive
// meanwhile wait for the next group. A batch refused (a duplicate under x-disallow-duplicates, a row the
// database refuses) fails alone: the others of its group are stored.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "store/store.h"

namespace mote::serve {

class GroupCommitter {
 public:
  // `writer`: the server's one-writer lock, held while a group is written.
  explicit GroupCommitter(std::mutex& writer) : writer_(writer) {}

  // Groups are written through one connection of their own, opened by `open` when first needed (and again
  // after a failed group): SQLite keeps its page cache and PostgreSQL its prepared statements, where a
  // different request's connection at each group would re-read every page the last commit changed.
  // Without it (tests), each group goes through its leader's store.
  using OpenStore = std::function<std::unique_ptr<Store>()>;
  void write_through(OpenStore open) { open_ = std::move(open); }

  // An upload on its way to commit() (being parsed): a group's leader waits for it (set_gather),
  // so that it joins this group instead of paying a commit of its own next. Ends when passed to commit()
  // or dropped (a refused upload).
  class Coming {
   public:
    explicit Coming(GroupCommitter& c);
    ~Coming();
    Coming(const Coming&) = delete;
    Coming& operator=(const Coming&) = delete;

   private:
    friend class GroupCommitter;
    GroupCommitter& c_;
    bool pending_ = true;
  };
  Coming expect() { return Coming(*this); }
  // Leaders wait for coming uploads (off by default), at most `longest` (a slow parse must not hold the
  // others), once the last group took `when_writes_take` or more to write. Worth it where a commit costs an
  // fsync (PostgreSQL: 1-4 ms here); a SQLite commit in WAL (an append, no fsync) costs less than the
  // wake-ups of a wait.
  void set_gather(std::chrono::microseconds longest, std::chrono::microseconds when_writes_take) {
    std::lock_guard<std::mutex> lk(m_);
    gather_wait_ = longest;
    gather_from_ = when_writes_take;
  }

  // Stores `samples` (ids and hashes set) through `store` or another waiting request's store, and returns
  // once they are durable. Throws HttpError 409 for a duplicate when `no_duplicates`, nothing of this batch
  // stored; mote::Error when the database fails. `also` (the audit row) runs in the same transaction after
  // the batch's inserts, so the samples and their record commit or fail together. `coming`: this upload's
  // announcement, if it made one.
  using Also = std::function<void(Store&, const std::vector<Sample>&)>;
  void commit(Store& store, std::vector<Sample>& samples, bool no_duplicates, const Also& also = nullptr,
              Coming* coming = nullptr);

  struct Stats {
    int64_t groups = 0;   // transactions committed (or failed)
    int64_t batches = 0;  // requests in them
    int64_t retried_groups = 0;  // groups written a second time, one savepoint per batch, after an error
    int64_t queued = 0;   // batches waiting for the next group now
    int64_t coming = 0;   // uploads announced (expect()) and not yet queued, now
  };
  Stats stats();

 private:
  struct Entry {
    std::vector<Sample>* samples;
    bool no_duplicates;
    const Also* also;
    bool done = false;
    std::exception_ptr error;
    std::condition_variable wake;  // its group is written, or it leads the next: no thundering herd
  };
  void write_group(Store& store, std::vector<Entry*>& group);
  bool write_all(Store& store, std::vector<Entry*>& group, bool savepoints);

  Store& group_store(Store& leader);
  void arrived(Coming& c);  // under m_
  void gather(std::unique_lock<std::mutex>& lk);
  bool all_here() const;  // under m_: nothing coming, and as many queued as uploaded a moment ago

  std::mutex& writer_;
  OpenStore open_;
  std::unique_ptr<Store> own_;  // under writer_
  std::mutex m_;
  std::vector<Entry*> queue_;
  bool leading_ = false;
  int64_t coming_ = 0;  // announced uploads not yet queued
  std::condition_variable all_came_;
  std::chrono::microseconds gather_wait_{2000};
  std::chrono::microseconds gather_from_ = std::chrono::microseconds::max();  // never
  std::chrono::microseconds last_write_{0};  // how long the last group took, writer lock included
  size_t uploaders_ = 0;  // the last group's size plus those queued behind it when it was written
  Stats stats_;
};

}  // namespace mote::serve
