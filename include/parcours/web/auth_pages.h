// The login, logout and account pages (module auth's web face).
//   GET  /connexion                      login choices: OIDC providers, agent form, demo roles
//   POST /connexion/agent                local agent login (username, password, TOTP code)
//   POST /connexion/demo                 demo login as a chosen role (only when demo is on)
//   GET  /auth/oidc/{provider}/start     starts an OpenID Connect login (redirect)
//   GET  /auth/oidc/{provider}/callback  the provider's redirect back
//   POST /deconnexion                    ends the session (and the provider's, for OIDC)
//   GET  /deconnexion/fin                "you are logged out"
//   GET  /compte                         who is logged in, their roles and spaces
//   POST /compte/totp                    turns on TOTP for a local account
// Thread-safety: register before the server starts; `services.auth` must be set.
#pragma once

#include "parcours/api/services.h"
#include "parcours/base/status.h"
#include "parcours/http/message.h"
#include "parcours/http/router.h"

namespace parcours::web {

void RegisterAuthPages(http::Router& router, const api::Services& services);

// The HTML page a browser gets when the policy layer refuses a page (403, or 404 when the
// object does not exist): the refusal renderer of auth::Authorize.
http::Response RefusalPage(const api::Services& services, const http::Request& request, const Status& status);

}  // namespace parcours::web
