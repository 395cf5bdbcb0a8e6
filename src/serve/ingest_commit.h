// Group commit for ingestion: concurrent uploads share one transaction and one commit (one fsync or WAL
// flush). A request hands its parsed samples to commit(); the first waiting request becomes the group's
// committer: it takes the store's writer lock, then every batch queued at that moment, writes them in one
// transaction and commits; each request of the group returns only after that commit. Batches that arrive
// meanwhile wait for the next group. A batch refused (a duplicate under x-disallow-duplicates, a row the
// database refuses) fails alone: the others of its group are stored.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

#include "store/store.h"

namespace mote::serve {

class GroupCommitter {
 public:
  // `writer`: the server's one-writer lock, held while a group is written.
  explicit GroupCommitter(std::mutex& writer) : writer_(writer) {}

  // Stores `samples` (ids and hashes set) through `store` or another waiting request's store, and returns
  // once they are durable. Throws HttpError 409 for a duplicate when `no_duplicates`, nothing of this batch
  // stored; mote::Error when the database fails. `also` (the audit row) runs in the same transaction after
  // the batch's inserts, so the samples and their record commit or fail together.
  using Also = std::function<void(Store&, const std::vector<Sample>&)>;
  void commit(Store& store, std::vector<Sample>& samples, bool no_duplicates, const Also& also = nullptr);

  struct Stats {
    int64_t groups = 0;   // transactions committed (or failed)
    int64_t batches = 0;  // requests in them
    int64_t retried_groups = 0;  // groups written a second time, one savepoint per batch, after an error
    int64_t queued = 0;   // batches waiting for the next group now
  };
  Stats stats();

 private:
  struct Entry {
    std::vector<Sample>* samples;
    bool no_duplicates;
    const Also* also;
    bool done = false;
    std::exception_ptr error;
  };
  void write_group(Store& store, std::vector<Entry*>& group);
  bool write_all(Store& store, std::vector<Entry*>& group, bool savepoints);

  std::mutex& writer_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<Entry*> queue_;
  bool leading_ = false;
  Stats stats_;
};

}  // namespace mote::serve
