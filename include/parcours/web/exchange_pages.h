// The citizen's declaration pages (one declaration, every agency concerned):
//   GET  /mes-declarations                       my declarations, each recipient's status
//   GET  /mes-declarations/nouvelle?demarche=ID  what each agency will receive and why; consent
//   POST /mes-declarations                       consents for the checked agencies, then declare
//   GET  /mes-declarations/{declaration_id}      one declaration, recipient by recipient
// Thread-safety: register before the server starts; `services` must outlive the router.
#pragma once

#include "parcours/api/services.h"
#include "parcours/http/router.h"

namespace parcours::web {

void RegisterExchangePages(http::Router& router, const api::Services& services);

}  // namespace parcours::web
