// JSON routes of module auth.
//   GET    /api/v1/auth/me                                            the caller (any principal)
//   GET    /api/v1/admin/organisations/{organisation_id}/api-keys       list keys (admin)
//   POST   /api/v1/admin/organisations/{organisation_id}/api-keys       create a key (admin);
//          body {"label", "services": [...]}; the secret is in the answer, once
//   DELETE /api/v1/admin/organisations/{organisation_id}/api-keys/{key_id}  revoke (admin)
//   GET    /api/v1/persons/{person_id}/mandates                       the person's mandates
//   POST   /api/v1/persons/{person_id}/mandates                       grant: {"holder_code",
//          "scopes": ["vault", "journeys", "declarations"] or ["*"], "duration_days"}
//   DELETE /api/v1/persons/{person_id}/mandates/{mandate_id}          revoke (policy person_self)
//   GET    /api/v1/admin/organisations                                organisations (admin)
//   GET    /api/v1/admin/organisations/{organisation_id}/users        their accounts (admin)
//   GET    /api/v1/admin/users                                        platform-wide staff (admin)
//   POST   /api/v1/admin/users/{user_id}/disable | /enable            (admin; sessions end)
// Thread-safety: register before the server starts; `services.auth` must be set.
#pragma once

#include "parcours/api/services.h"
#include "parcours/http/router.h"

namespace parcours::api {

void RegisterAuthRoutes(http::Router& router, const Services& services);

}  // namespace parcours::api
