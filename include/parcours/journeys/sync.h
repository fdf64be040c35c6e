// The journeys' sync with the exchange: a step the catalogue says is fulfilled elsewhere
// (catalog::Fulfilment) moves forward when the event log records it, so that the plan, the
// agent's view and the indicators show what the person already did through Parcours:
//   fr.parcours.declaration.submitted  the bundle's step is done; each service sent data: sent
//   fr.parcours.delivery.status_changed  recue, en_instruction, informations_demandees: sent;
//                                        acceptee, payee: done (refusee moves nothing)
//   fr.parcours.signal.received        the signal type's step is done (a birth registered)
// in every journey of the person started before the event. Steps only move forward (à faire <
// en cours < envoyée < faite), never past what the person recorded, and never when the person
// said a step does not concern them or it does not apply; each move is a
// fr.parcours.journey.step.status_changed by "platform:journeys" on the "system" channel.
//
// `RunJourneySync` follows the event log (store/follow.h, cursor "journeys"); moving forward is
// idempotent, so a batch handled twice changes nothing more. A journey that fails to update is
// logged and skipped, so that one person cannot stall the log. `parcours serve` runs it in a
// background thread (store::FollowingThread) every `poll_ms`.
// Thread-safety: as FollowEvents.
#pragma once

#include <cstdint>
#include <string>

#include "parcours/base/status.h"
#include "parcours/journeys/journeys.h"
#include "parcours/store/follow.h"

namespace parcours::journeys {

struct SyncReport {
  int64_t events = 0;  // events read
  int64_t moved = 0;   // steps moved forward
  std::string last_id;
};

Result<SyncReport> RunJourneySync(store::Database& db, JourneyService& journeys, const Clock& clock,
                                  const store::FollowOptions& options = {});

}  // namespace parcours::journeys
