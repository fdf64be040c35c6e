// Incremental aggregates of the event log for the customer-experience indicators.
//
// A consumer folds new events, in id (= time) order, into the insight_* tables (counters per
// UTC day and dimension, at every grouping set a dashboard filter reads, plus the small
// per-journey state the fold needs), and records the last id folded, and up to when the
// aggregates are complete, in `insight_cursor` in the same transaction: a batch is folded exactly once, and a
// crash in the middle leaves the previous cursor. Events younger than `settle_ms` are left for
// the next run, so that a transaction that took its event id a moment before committing (see
// store/events.h) is not passed over.
// `Rebuild` empties every insight_* table and folds the whole log again; it gives the same
// numbers as any sequence of incremental folds over the same events (tested).
// Thread-safety: free functions over a shared Database; two folds at once are serialised by
// the database (the cursor row is updated by both: one of them retries or fails kUnavailable).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "parcours/base/status.h"
#include "parcours/store/store.h"

namespace parcours {
class Clock;
}

namespace parcours::insight {

struct FoldOptions {
  int batch = 5000;             // events per transaction (1..100000)
  int64_t settle_ms = 5000;     // leave events younger than this for later
  int64_t max_events = -1;      // stop after this many (-1: until caught up)
};

struct FoldReport {
  int64_t events = 0;       // events read
  int64_t batches = 0;      // transactions committed
  std::string last_id;      // the cursor after the run
  bool caught_up = false;   // every event older than the settle window is folded
};

// Folds the events after the cursor. kInvalidArgument "insight.bad_batch" on a bad batch size.
Result<FoldReport> Fold(store::Database& db, const Clock& clock, const FoldOptions& options = {});

// Up to when the aggregates are complete: every event before this instant (ms since the
// epoch) is counted. nullopt before the first fold.
Result<std::optional<int64_t>> AsOf(store::Database& db);

// Empties the aggregates and folds every event again (settle_ms is honoured).
Result<FoldReport> Rebuild(store::Database& db, const Clock& clock, const FoldOptions& options = {});

// The département of an INSEE commune code: "2A"/"2B" for Corsica, three digits overseas
// ("971".."976"), else the first two characters; "" when the code is not 5 characters.
std::string DepartementOf(const std::string& commune);

// Duration histogram: the bucket (upper bound, in whole hours) holding `ms`: hours rounded up
// up to 48 h, then whole days (in hours) up to 366 days, then 366 days.
int64_t DurationBucket(int64_t ms);

}  // namespace parcours::insight
