// Triggers: the events that may change what a person is entitled to (a situation updated, a
// journey started, vault attributes changed, an agency's life-event signal) make the person
// considered again for every entitlement, off the request path.
//
// `RunTriggers` reads the event log after its cursor (table proactive_cursor, row "triggers"),
// leaving events younger than `settle_ms` for the next run so that a transaction that took its
// event id before committing is not passed over (see store/events.h), considers each person
// named by a triggering event once per batch, then moves the cursor. Considering is idempotent
// (one offer per person and entitlement), so a batch run twice after a crash, or by two nodes
// at once, makes each offer once.
// `TriggerWorker` runs it in a background thread of `parcours serve` every `poll_ms`.
//
// Thread-safety: RunTriggers may run concurrently (see above); a TriggerWorker is started and
// stopped by one thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "parcours/base/status.h"
#include "parcours/proactive/offers.h"

namespace parcours::proactive {

struct TriggerOptions {
  int batch = 500;            // events read per batch (1..10000)
  int64_t settle_ms = 2000;   // leave events younger than this for later
  int64_t poll_ms = 1000;     // the worker's pause when caught up
};

struct TriggerReport {
  int64_t events = 0;   // events read
  int64_t persons = 0;  // persons considered
  int64_t offered = 0;  // offers made
  std::string last_id;  // the cursor after the run
};

// True for the event types that trigger a new consideration of the person.
bool IsTrigger(std::string_view event_type);

// Reads the events after the cursor until caught up. A person whose consideration fails is
// logged and skipped (the batch still moves on), so one bad situation cannot stall the log.
Result<TriggerReport> RunTriggers(store::Database& db, OfferService& offers, const Clock& clock,
                                  const TriggerOptions& options = {});

class TriggerWorker {
 public:
  TriggerWorker(store::Database& db, OfferService& offers, const Clock& clock, TriggerOptions options = {});
  ~TriggerWorker();  // stops the thread

  void Start();
  // Asks the thread to stop after its current batch and joins it.
  void Stop();

 private:
  void Loop();

  store::Database& db_;
  OfferService& offers_;
  const Clock& clock_;
  TriggerOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace parcours::proactive
