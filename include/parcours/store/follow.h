// Consumers of the event log that follow it off the request path (proactive triggers, the
// journeys' sync with the exchange): a named cursor, batches of settled events, a thread.
//
// `FollowEvents` reads the events after the cursor `name` (table event_cursors), hands each
// batch to `handle`, then moves the cursor past it, until caught up. It leaves events younger
// than `settle_ms` for the next run, so that a transaction that took its event id before
// committing is not passed over (see events.h). A consumer's handling must be idempotent: a
// batch is handled again after a crash before the cursor moved, or by two nodes at once.
// `FollowingThread` runs a step (typically one FollowEvents) in a background thread, again
// every `poll_ms` once it returns, until stopped.
//
// Thread-safety: FollowEvents may run concurrently (the cursor never moves back); a
// FollowingThread is started and stopped by one thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "parcours/base/status.h"
#include "parcours/store/events.h"

namespace parcours::store {

struct FollowOptions {
  int batch = 500;           // events read per batch (1..10000)
  int64_t settle_ms = 2000;  // leave events younger than this for later
  int64_t poll_ms = 1000;    // a FollowingThread's pause once caught up
};

struct FollowReport {
  int64_t events = 0;   // events handled
  std::string last_id;  // the cursor after the run
};

// Errors: store.bad_batch (InvalidArgument), a store error, or the first error of `handle`
// (the cursor then stays before that batch).
Result<FollowReport> FollowEvents(Database& db, const Clock& clock, std::string_view name, const FollowOptions& options,
                                  const std::function<Status(const std::vector<Event>&)>& handle);

class FollowingThread {
 public:
  FollowingThread(std::function<void()> step, int64_t poll_ms) : step_(std::move(step)), poll_ms_(poll_ms) {}
  ~FollowingThread() { Stop(); }
  void Start();
  // Asks the thread to stop after its current step and joins it.
  void Stop();

 private:
  void Loop();
  std::function<void()> step_;
  int64_t poll_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace parcours::store
