// What the server holds for insight: the feedback service, the dashboard reads, and the fold
// of new events into the aggregates. A server starts the background fold (StartFolding): a
// worker thread folds at most `batch` events per round, every `interval_ms` once caught up
// (at once while a backlog remains), so a dashboard never waits for a fold and reads what is
// folded, with AsOf() saying up to when. Without the worker (tools, tests), Refresh() folds
// on demand, at most once per `refresh_ms`.
// Thread-safety: safe to share; folds are serialised; StopFolding (or the destructor) waits
// for the round in progress, which commits or rolls back as a whole.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "parcours/insight/aggregates.h"
#include "parcours/insight/feedback.h"
#include "parcours/insight/indicators.h"

namespace parcours::insight {

struct FoldWorkerOptions {
  int64_t interval_ms = 5000;  // pause between rounds once caught up (100..3 600 000)
  int batch = 5000;            // events per transaction and per round (1..100 000)
  int64_t settle_ms = 5000;    // see FoldOptions
};

class InsightService {
 public:
  InsightService(store::Database& db, const Clock& clock, FeedbackLimits limits = {}, int64_t refresh_ms = 5000);
  ~InsightService();
  InsightService(const InsightService&) = delete;
  InsightService& operator=(const InsightService&) = delete;

  // Starts the background fold. kInvalidArgument "insight.bad_worker" for options out of
  // range; a second call while the worker runs changes nothing.
  Status StartFolding(const FoldWorkerOptions& options);
  // Stops the background fold and waits for the thread (idempotent).
  void StopFolding();
  bool folding_in_background() const { return background_.load(); }

  // Without the worker: folds new events when the last fold is older than refresh_ms (a
  // failure is returned; the caller may still read the previous aggregates). With the
  // worker: nothing (dashboards read what the worker folded).
  Status Refresh();
  // Refresh, then Compute for `filter` and for the previous period.
  Result<std::pair<Indicators, Indicators>> Dashboard(const Filter& filter);
  // Up to when the aggregates are complete (see insight::AsOf).
  Result<std::optional<int64_t>> AsOf() { return insight::AsOf(db_); }
  // Events folded by the worker since it started (for logs and tests).
  int64_t folded_in_background() const { return worker_events_.load(); }

  FeedbackService& feedback() { return feedback_; }
  store::Database& db() { return db_; }
  const Clock& clock() const { return clock_; }
  // Today as a UTC day number (for ParseFilter).
  int64_t Today() const;

 private:
  void Work(FoldWorkerOptions options);

  store::Database& db_;
  const Clock& clock_;
  FeedbackService feedback_;
  int64_t refresh_ms_;
  std::mutex fold_mu_;
  std::atomic<int64_t> last_fold_ms_{-1};

  std::mutex worker_mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // guarded by worker_mu_
  std::thread worker_;  // started and joined by the owner's thread only
  std::atomic<bool> background_{false};
  std::atomic<int64_t> worker_events_{0};
};

}  // namespace parcours::insight
