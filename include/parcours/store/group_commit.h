// Group commit for acknowledged writes. A durable commit costs one fsync (SQLite WAL with
// synchronous=FULL did ~6k commits/s here, but ~186k rows/s at 100 rows per transaction):
// rather than weaken durability, many requests share one transaction and one fsync.
//
// Callers on any thread Submit a write function and block; one writer thread takes every
// write queued so far (up to Options::max_batch), runs them one after the other in a single
// read-write transaction, each inside its own SAVEPOINT, commits once, then wakes each
// caller with its own Status. A write that fails is rolled back to its savepoint and does
// not affect the others of its batch.
//
// On PostgreSQL the server already shares one WAL flush among concurrent commits, and a
// batch run by one thread pays three round trips per write: measured here (bench/store,
// fsync on), 32 writers committing alone did ~3-4k writes/s against ~2k batched. So by
// default (Mode::kAuto) batching is used on SQLite only; on PostgreSQL Submit runs the write
// in its own transaction on the calling thread (Database::InTransaction), with the same
// contract.
//
// Thread-safety: Submit may be called from any number of threads, but never from inside a
// write function (the writer thread would wait for itself).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "parcours/base/status.h"
#include "parcours/store/store.h"

namespace parcours::store {

class GroupCommitter {
 public:
  // Statements of a write run in the shared transaction; the function must not Commit it.
  // It may run more than once (the batch is retried when the database reports kUnavailable):
  // only the effects of its last, committed run are kept.
  using WriteFn = std::function<Status(Transaction&)>;

  enum class Mode {
    kAuto,    // kBatch on SQLite, kDirect on PostgreSQL
    kBatch,   // one writer thread, many writes per transaction
    kDirect,  // each write in its own transaction, on the caller's thread
  };

  struct Options {
    int max_batch = 256;  // writes per transaction, at most
    int attempts = 3;     // runs of a batch (or a direct write) that hits kUnavailable
    Mode mode = Mode::kAuto;
  };

  // Starts the writer thread (batch mode). `db` must outlive this object.
  explicit GroupCommitter(Database& db) : GroupCommitter(db, Options{}) {}
  GroupCommitter(Database& db, Options options);
  // Finishes every write already submitted, then stops the writer thread.
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Runs `write` in the next batch and returns once its transaction is durable (OK) or
  // failed. Returns the write's own error when it failed (its changes undone, the others'
  // kept), the transaction's error when the batch could not commit, or kUnavailable
  // "store.shutting_down" after destruction began.
  Status Submit(WriteFn write);

  // Counters since construction, for metrics and tests.
  struct Stats {
    int64_t writes = 0;   // writes whose batch finished (committed or not)
    int64_t batches = 0;  // transactions attempted to completion (retries not counted);
                          // in direct mode, one per write
    int64_t queued = 0;   // writes waiting for the writer thread now
  };
  Stats stats() const;

 private:
  struct Pending {
    WriteFn write;
    std::promise<Status> done;
  };

  void Run();
  void RunBatch(std::deque<Pending>& batch);

  Database& db_;
  const Options options_;
  const bool batch_;  // batch mode, resolved from options_.mode and the backend
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;  // GUARDED_BY(mu_)
  bool stopping_ = false;      // GUARDED_BY(mu_)
  int64_t writes_ = 0;         // GUARDED_BY(mu_)
  int64_t batches_ = 0;        // GUARDED_BY(mu_)
  std::thread writer_;
};

}  // namespace parcours::store
