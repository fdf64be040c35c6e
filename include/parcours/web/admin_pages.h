// Pages of account management (module auth's HTML face, beside auth_pages.h):
//   /compte/aidants                  "Mes aidants": the usager grants and ends mandates (usager)
//   /admin...                        organisations, their accounts and API keys, dead-letter
//                                    deliveries (admin)
//   /integrateur                     the intégrateur's organisation: services, keys and their
//                                    scopes, API documentation (integrateur)
// Every form carries the session's CSRF token; the logic is auth::Auth's (the JSON API calls
// the same methods).
// Thread-safety: register before the server starts.
#pragma once

#include "parcours/api/services.h"
#include "parcours/http/router.h"

namespace parcours::web {

void RegisterMandatePages(http::Router& router, const api::Services& services);
void RegisterAdminPages(http::Router& router, const api::Services& services);
void RegisterIntegratorPages(http::Router& router, const api::Services& services);

}  // namespace parcours::web
