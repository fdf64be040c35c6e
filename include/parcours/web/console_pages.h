// The agent console and the aidants' space (DESIGN.md capability 7), server-rendered:
//   GET  /agent                                   agent: the work queue of the agent's organisation
//                                                  (?statut= filter), oldest first, with age
//   GET  /agent/dossiers/{dossier_id}             agent_dossier: one dossier and its status form
//   POST /agent/dossiers/{dossier_id}/statut      agent_dossier: move the status (the agency
//                                                  state machine of exchange/inbound.h)
//   GET  /agent/personnes/{person_id}             person: the person view of an agent or aidant
//                                                  holding a mandate (journeys, declarations, vault
//                                                  information read as the helper, timeline)
//   POST /agent/personnes/{person_id}/echanges    person: record a counter, phone or mail exchange
//   POST /agent/personnes/{person_id}/parcours/{journey_id}/etape
//                                                  person: update a journey step (counter, phone)
//   GET  /aidant                                  aidant: the persons I hold a mandate for
// Thread-safety: register before serving; handlers run concurrently.
#pragma once

#include "parcours/api/services.h"
#include "parcours/http/router.h"

namespace parcours::web {

void RegisterConsolePages(http::Router& router, const api::Services& services);

namespace detail {
void RegisterAgentQueuePages(http::Router& router, const api::Services& services);
void RegisterPersonPages(http::Router& router, const api::Services& services);
}  // namespace detail

}  // namespace parcours::web
