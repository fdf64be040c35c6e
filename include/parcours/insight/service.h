// What the server holds for insight: the feedback service and dashboard reads that first fold
// the events that arrived since the last read (at most once per `refresh_ms`), so a node needs
// no background thread and the numbers lag the log by a few seconds at most.
// Thread-safety: safe to share; concurrent refreshes are serialised.
#pragma once

#include <atomic>
#include <mutex>

#include "parcours/insight/aggregates.h"
#include "parcours/insight/feedback.h"
#include "parcours/insight/indicators.h"

namespace parcours::insight {

class InsightService {
 public:
  InsightService(store::Database& db, const Clock& clock, FeedbackLimits limits = {}, int64_t refresh_ms = 5000);

  // Folds new events when the last fold is older than refresh_ms. A failure is returned (the
  // caller may still read the previous aggregates).
  Status Refresh();
  // Refresh, then Compute for `filter` and for the previous period.
  Result<std::pair<Indicators, Indicators>> Dashboard(const Filter& filter);

  FeedbackService& feedback() { return feedback_; }
  store::Database& db() { return db_; }
  const Clock& clock() const { return clock_; }
  // Today as a UTC day number (for ParseFilter).
  int64_t Today() const;

 private:
  store::Database& db_;
  const Clock& clock_;
  FeedbackService feedback_;
  int64_t refresh_ms_;
  std::mutex fold_mu_;
  std::atomic<int64_t> last_fold_ms_{-1};
};

}  // namespace parcours::insight
