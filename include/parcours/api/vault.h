// The vault's JSON API and the mapping from an authenticated request to the vault's Actor.
//
//   GET    /api/v1/me/vault                          my attributes, with provenance (policy usager)
//   PUT    /api/v1/me/vault/attributes               write {"attributes": {name: value}} as one batch
//   DELETE /api/v1/me/vault/attributes/{name}        erase one attribute and its history
//   GET    /api/v1/me/vault/history/{name}           previous values of an attribute
//   POST   /api/v1/me/vault/prefill                  {"attributes": [...], "purpose"}: known + missing
//   GET    /api/v1/me/vault/household                my household; POST creates it
//   POST   /api/v1/me/vault/household/members        add a member; DELETE .../members/{member_id}
//   GET    /api/v1/me/vault/consents                 my consents
//   POST   /api/v1/me/vault/consents                 grant {service_id, purpose, attributes?, expires_at?}
//   DELETE /api/v1/me/vault/consents/{consent_id}    revoke
//   GET    /api/v1/me/vault/access-log               who read or wrote my data, and why
//   GET    /api/v1/me/vault/export                   all my data as JSON (portability)
//   POST   /api/v1/me/vault/erasure                  erase what the law allows; the log is kept
//   GET    /api/v1/persons/{person_id}/vault         an aidant or agent acting for the person (policy person)
//   POST   /api/v1/services/{service_id}/persons/{person_id}/vault/read
//                                                    an agency service, through consent (policy service)
//   GET    /api/v1/vault/services                    what each service declares it needs, and why (public)
// Thread-safety: handlers are safe to run concurrently; `services` must outlive the router.
#pragma once

#include <string>

#include "parcours/api/services.h"
#include "parcours/base/status.h"
#include "parcours/http/message.h"
#include "parcours/http/router.h"
#include "parcours/vault/actor.h"

namespace parcours::api {

void RegisterVaultRoutes(http::Router& router, const Services& services);

// Who acts on `person_id`'s vault for this request: the person themself, an agent or an aidant
// acting under a mandate in force, else Unauthenticated / PermissionDenied.
Result<vault::Actor> VaultActorFor(const http::Request& request, const std::string& person_id, const Clock& clock);

// The person id of the logged-in usager, or Unauthenticated / PermissionDenied.
Result<std::string> OwnPersonId(const http::Request& request);

}  // namespace parcours::api
