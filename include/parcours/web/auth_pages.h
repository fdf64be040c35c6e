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

#include <string>

#include "parcours/api/services.h"
#include "parcours/base/status.h"
#include "parcours/http/message.h"
#include "parcours/http/router.h"

namespace parcours::web {

void RegisterAuthPages(http::Router& router, const api::Services& services);

// The way out of a refusal page: a message key for its label, and where it leads.
struct BackLink {
  std::string label_key = "auth.refused_back";
  std::string href = "/compte";
};

// The HTML page a browser gets when a page or an action is refused: by the policy layer (the
// refusal renderer of auth::Authorize: 403 and 401 with a generic text, 404 when the object
// does not exist) or by a service, whose refusal is worded in the page's language from its
// reason (field_errors.h RefusalMessage; an internal error's message is never shown). Pages
// answer this, never the API's problem+json document.
http::Response RefusalPage(const api::Services& services, const http::Request& request, const Status& status,
                           const BackLink& back = {});

}  // namespace parcours::web
