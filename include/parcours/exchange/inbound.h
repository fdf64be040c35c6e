// What agencies send back, through the API with their organisation's key: status updates of
// the deliveries they received, and life-event signals (a birth registered by the mairie, a
// contract ended) as CloudEvents 1.0.
//
// Status moves allowed (anything else is kConflict "exchange.illegal_transition"):
//   envoyee -> recue | en_instruction | informations_demandees | acceptee | refusee
//   recue -> en_instruction | informations_demandees | acceptee | refusee
//   en_instruction -> informations_demandees | acceptee | refusee
//   informations_demandees -> en_instruction | acceptee | refusee
//   acceptee -> payee
// Repeating the current status with the same message is accepted and changes nothing
// (agencies retry). An organisation sees only its own deliveries: another's id is NotFound.
// Thread-safety: free functions over a shared Database.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "parcours/base/status.h"

namespace parcours {
class Clock;
}
namespace parcours::store {
class Database;
}

namespace parcours::exchange {

// True when the agency status `to` may follow `from`.
bool IsAllowedTransition(const std::string& from, const std::string& to);
// French label of an agency status ("En cours d'instruction"); "" when unknown.
std::string AgencyStatusLabel(const std::string& status, const std::string& lang = "fr");

struct StatusUpdate {
  std::string status;     // see above
  std::string message;    // shown to the person, at most 2000 characters
  std::string reference;  // the agency's own case reference, optional, at most 100 characters
};

// Who moves a status, for the event. The default is the organisation's own system
// ("organisation:<id>", channel "api"); an agent of the organisation working the console
// passes {"agent:<user id>", "web"}.
struct StatusActor {
  std::string actor;            // "" = "organisation:<id>"
  std::string channel = "api";
};

// Applies an update from `organisation` to its delivery `delivery_id`, appending the event
// "fr.parcours.delivery.status_changed" (actor and channel from `by`). Returns whether
// anything changed. The agency API and the agent console both go through here, so the person
// sees one truth whichever side moved the status.
Result<bool> UpdateDeliveryStatus(store::Database& db, const Clock& clock, const std::string& organisation,
                                  const std::string& delivery_id, const StatusUpdate& update,
                                  const StatusActor& by = {});

struct SignalResult {
  std::string event_id;   // the Parcours event recording the signal
  bool duplicate = false; // the same (source, id) was accepted before: nothing new happened
};

// Validates a CloudEvent (specversion "1.0", id, source, type, subject = the person id, time
// optional, data an object, at most 64 KiB serialised) posted by `organisation`, records it
// once per (source, id) as the event "fr.parcours.signal.received" whose data carries the
// signal, so that journeys and proactive triggers react to it. A subject that is not a person
// of the vault (unknown or erased) is refused: exchange.unknown_person (NotFound).
Result<SignalResult> AcceptSignal(store::Database& db, const Clock& clock, const std::string& organisation,
                                  const nlohmann::json& cloud_event);

}  // namespace parcours::exchange
