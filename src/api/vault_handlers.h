// Shared pieces of the vault's JSON handlers (vault_routes.cc, vault_household.cc).
#pragma once

#include <functional>
#include <string>

#include "parcours/api/services.h"
#include "parcours/api/vault.h"
#include "parcours/http/router.h"
#include "parcours/vault/vault.h"

namespace parcours::api::detail {

inline http::Response Fail(const Status& s, const http::Request& r) { return http::Problem(s, r.request_id); }

inline Status NoVault() { return Unavailable("vault.unavailable", "Le coffre de données n'est pas disponible."); }

// A handler for the logged-in usager's own vault: (request, vault, actor, person id).
using OwnHandler = std::function<http::Response(http::Request&, vault::Vault&, const vault::Actor&, const std::string&)>;

// Wraps a handler for the logged-in usager's own vault (the person is created on first use).
inline http::Handler Own(const Services& s, OwnHandler fn) {
  return [&s, fn = std::move(fn)](http::Request& r) {
    if (!s.vault) return Fail(NoVault(), r);
    auto person = OwnPersonId(r);
    if (!person.ok()) return Fail(person.status(), r);
    const vault::Actor actor = vault::Actor::Usager(*person);
    Status ensured = s.vault->EnsurePerson(actor, *person);
    if (!ensured.ok()) return Fail(ensured, r);
    return fn(r, *s.vault, actor, *person);
  };
}

// /api/v1/me/vault/household...
void RegisterVaultHouseholdRoutes(http::Router& router, const Services& s);

}  // namespace parcours::api::detail
