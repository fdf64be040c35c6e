// JSON routes of the agent console and the aidants' space (DESIGN.md capability 7):
//   GET  /api/v1/agent/dossiers?status=                 agent: the work queue of the agent's
//                                                        organisation, oldest first, with age
//   GET  /api/v1/agent/dossiers/{dossier_id}            agent_dossier: one dossier
//        (statuses move through POST /api/v1/agency/deliveries/{dossier_id}/status, the same
//        state machine and events as the agencies' systems)
//   GET  /api/v1/aidant/persons                         aidant: the persons I hold a mandate for
//   GET  /api/v1/persons/{person_id}/timeline           person: the person's timeline, who acted
//   POST /api/v1/persons/{person_id}/interactions       person (agent or aidant under a mandate):
//                                                        record a counter, phone or mail exchange
//   PUT  /api/v1/persons/{person_id}/journeys/{journey_id}/steps/{step_id}/status
//                                                        person (agent or aidant under a mandate):
//                                                        update a step, channel counter or phone
// Thread-safety: register before serving; handlers run concurrently.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "parcours/api/services.h"
#include "parcours/base/status.h"
#include "parcours/http/message.h"
#include "parcours/http/router.h"

namespace parcours::auth {
class Authorizer;
struct Principal;
}  // namespace parcours::auth

namespace parcours::api {

void RegisterConsoleRoutes(http::Router& router, const Services& services);

// Registers the "agent_dossier" resolver: a delivery id -> the organisation that received it.
void RegisterConsoleResolvers(auth::Authorizer& authorizer, const Services& services);

// Someone acting for a person who is not themself: an agent or an aidant holding a mandate in
// force for the person.
struct Helper {
  std::string actor;         // "agent:<user id>" or "aidant:<user id>" (events)
  std::string user_id;
  std::string name;          // display name
  std::string organisation;  // the agent's organisation, "" for an aidant
  bool agent = false;
  // The journeys actor: "agent:<user id>", or "usager:<user id>" for an aidant (the journeys'
  // vault source reads an aidant as a usager acting for the person).
  std::string JourneysActor() const { return agent ? actor : "usager:" + user_id; }
};

// The helper acting for `person_id` in this request; PermissionDenied "console.not_a_helper"
// for the person themself or anyone else, "vault.no_mandate" without a mandate in force.
Result<Helper> HelperFor(const http::Request& request, const std::string& person_id, const Clock& clock);

// The organisations a principal works for as an agent (grants with an organisation).
std::vector<std::string> AgentOrganisations(const auth::Principal& principal);

// Who acted, as shown on a person's timeline.
struct ActorLabel {
  std::string kind;  // self | aidant | agent | organisation | service | platform
  std::string name;  // display name ("" for self: the page says "vous" / "la personne")
};

// Names the actors of `person_id`'s events (users through auth, organisations by the catalogue's
// name, services by the registry's, in `lang`), remembering each answer. One per request; not
// thread-safe.
class ActorNamer {
 public:
  ActorNamer(const Services& services, std::string person_id, std::string lang = "fr")
      : services_(services), person_id_(std::move(person_id)), lang_(std::move(lang)) {}
  const ActorLabel& Name(const std::string& actor);

 private:
  ActorLabel Resolve(const std::string& actor);
  const Services& services_;
  std::string person_id_;
  std::string lang_;
  std::map<std::string, ActorLabel> cache_;
};

// Whole days from `from_ms` to `now_ms` (0 for a future date).
int AgeInDays(int64_t from_ms, int64_t now_ms);

}  // namespace parcours::api
