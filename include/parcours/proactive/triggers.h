// Triggers: the events that may change what a person is entitled to (a situation updated, a
// journey started, vault attributes changed, an agency's life-event signal) make the person
// considered again for every entitlement, off the request path.
//
// `RunTriggers` follows the event log (store/follow.h, cursor "triggers") and considers each
// person named by a triggering event once per batch. Considering is idempotent (one offer per
// person and entitlement), so a batch handled twice after a crash, or by two nodes at once,
// makes each offer once.
// `TriggerWorker` runs it in a background thread of `parcours serve` every `poll_ms`.
//
// Thread-safety: RunTriggers may run concurrently (see above); a TriggerWorker is started and
// stopped by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "parcours/base/status.h"
#include "parcours/proactive/offers.h"
#include "parcours/store/follow.h"

namespace parcours::proactive {

using TriggerOptions = store::FollowOptions;

struct TriggerReport {
  int64_t events = 0;   // events handled
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

  void Start() { thread_.Start(); }
  // Asks the thread to stop after its current run and joins it (also on destruction).
  void Stop() { thread_.Stop(); }

 private:
  store::FollowingThread thread_;
};

}  // namespace parcours::proactive
