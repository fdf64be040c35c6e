// JSON routes of the exchange with agencies (see include/parcours/exchange/*.h):
//   GET  /api/v1/bundles                                        public: what can be declared, to whom, why
//   POST /api/v1/persons/{person_id}/declarations               person: declare once, fan out
//   GET  /api/v1/persons/{person_id}/declarations               person: every declaration with per-recipient status
//   GET  /api/v1/persons/{person_id}/declarations/{declaration_id}
//   POST /api/v1/agency/deliveries/{dossier_id}/status          dossier: an agency posts a status
//   POST /api/v1/agency/events                                  integrateur: a life-event signal (CloudEvents)
//   GET  /api/v1/admin/deliveries?state=dead                    admin: delivery console
//   POST /api/v1/admin/deliveries/{delivery_id}/replay          admin: replay a dead letter
//   GET  /api/v1/admin/services, PUT /api/v1/admin/services/{service_id}   admin: registry
// Thread-safety: register before serving; handlers run concurrently.
#pragma once

#include "parcours/api/services.h"
#include "parcours/http/router.h"

namespace parcours::auth {
class Authorizer;
}

namespace parcours::api {

void RegisterExchangeRoutes(http::Router& router, const Services& services);

// Registers the "dossier" resolver (a delivery id -> its person, organisation and service).
void RegisterExchangeResolvers(auth::Authorizer& authorizer, const Services& services);

}  // namespace parcours::api
