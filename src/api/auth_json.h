// JSON shapes of module auth's routes (private to src/api): mandates, accounts.
#pragma once

#include <nlohmann/json.hpp>

#include "parcours/auth/auth.h"
#include "parcours/http/router.h"
#include "parcours/api/services.h"

namespace parcours::api {

// Mandates a person controls and account administration (mandates_api.cc); called by
// RegisterAuthRoutes.
void RegisterMandateAndAccountRoutes(http::Router& router, const Services& services);

namespace detail {

std::string IsoTime(int64_t ms);
// {id, holder: {id, name, organisation_id}, scopes, starts_at, ends_at, revoked_at, status}
// status: "active" | "revoked" | "expired".
nlohmann::json MandateJson(const auth::MandateInfo& m, int64_t now_ms);
// {id, display_name, email, username, roles: [{role, organisation_id}], created_at,
//  disabled_at, last_login_at}
nlohmann::json UserJson(const auth::UserInfo& u);

}  // namespace detail
}  // namespace parcours::api
