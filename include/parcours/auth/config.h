// Auth settings read from the environment at start-up (the app passes its own lookup):
//
//   PARCOURS_SESSION_IDLE_MINUTES      idle expiry of sessions (default 30)
//   PARCOURS_SESSION_MAX_HOURS         absolute expiry of sessions (default 12)
//   PARCOURS_MANDATE_MAX_DAYS          longest mandate a person may grant an aidant (default 365)
//   PARCOURS_OIDC_PROVIDERS            comma-separated provider ids, e.g. "franceconnect,proconnect"
//   PARCOURS_OIDC_<ID>_ISSUER          issuer URL (discovery at <issuer>/.well-known/openid-configuration)
//   PARCOURS_OIDC_<ID>_CLIENT_ID       client id registered at the provider
//   PARCOURS_OIDC_<ID>_CLIENT_SECRET   client secret (or _CLIENT_SECRET_FILE: a file holding it)
//   PARCOURS_OIDC_<ID>_LABEL           button label (default: the id)
//   PARCOURS_OIDC_<ID>_ROLE            role given to its users: usager (default) or agent, pilote...
//   PARCOURS_OIDC_<ID>_ORGANISATION    organisation granted with that role (agents)
//   PARCOURS_OIDC_<ID>_ACR             acr_values requested and required (default "eidas1" for
//                                      usager providers, none otherwise; "-" = none)
//   PARCOURS_OIDC_<ID>_SCOPES          space-separated scopes (default: openid and the
//                                      FranceConnect identity claims)
// <ID> is the id in upper case. Redirect URIs are <base_url>/auth/oidc/<id>/callback and
// <base_url>/deconnexion/fin.
// Thread-safety: pure function.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "parcours/auth/auth.h"
#include "parcours/base/status.h"

namespace parcours::auth {

using EnvFn = std::function<std::optional<std::string>(std::string_view name)>;

// Fails with InvalidArgument("auth.config_invalid") naming the variable at fault. Providers
// need a non-empty `base_url`.
Result<AuthOptions> OptionsFromEnvironment(const EnvFn& env, const std::string& base_url, bool behind_tls,
                                           bool demo);

}  // namespace parcours::auth
