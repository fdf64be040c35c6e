// The citizen's pages of the once-only data vault (policy "usager"; each works without
// JavaScript, French first then English):
//   GET  /mes-informations                 each value with where it came from, household, add/correct form
//   POST /mes-informations                 add or correct one value (errors re-render the form)
//   POST /mes-informations/foyer           add a person to my household (created on first use)
//   GET  /mes-informations/export          all my data as a JSON download
//   GET  /mes-informations/effacement      what erasure removes and what it keeps; confirmation
//   POST /mes-informations/effacement      erase
//   GET  /mes-consentements                my consents, and the services that may ask for one
//   POST /mes-consentements                grant a consent (service_id, purpose)
//   POST /mes-consentements/{consent_id}/retrait   withdraw it
//   GET  /qui-a-consulte                   the access log in plain language
// Thread-safety: register before the server starts; `services` must outlive the router.
#pragma once

#include "parcours/api/services.h"
#include "parcours/http/router.h"

namespace parcours::web {

void RegisterVaultPages(http::Router& router, const api::Services& services);

}  // namespace parcours::web
