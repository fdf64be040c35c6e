// The HTTP face of auth: three middleware every node installs after the security headers,
// in this order (outermost first):
//
//   router.Use(auth::Authenticate(auth));          // session cookie or API key -> principal
//   router.Use(auth::CsrfProtect(auth));           // unsafe methods need the CSRF token
//   router.Use(auth::Authorize(auth));             // the route's policy (policy.h)
//
// Authenticate: a valid session cookie or "Authorization: Bearer pk_..." sets
// Request::principal; an expired or unknown session cookie is cleared and the request goes
// on anonymously; an invalid API key is answered 401 at once.
// CsrfProtect: POST/PUT/PATCH/DELETE from a session must carry the session's token (form
// field `csrf_token` or header `X-CSRF-Token`); anonymous form posts (login forms) must carry
// the pre-session token, which equals the `parcours_csrf` cookie (double submit). API-key
// requests carry no ambient credential and are not checked. Refusals are 403
// "auth.csrf_invalid", audited.
// Authorize: runs Authorizer::Decide for the matched route. Anonymous users of pages are
// redirected to /connexion?retour=<path>; API callers get 401 problem+json. Refusals (403)
// are audited with the route and policy.
// Thread-safety: the middleware are thread-safe; `auth` must outlive them.
#pragma once

#include <functional>
#include <string>

#include "parcours/auth/auth.h"
#include "parcours/http/router.h"

namespace parcours::auth {

// Renders a refusal for a browser (an HTML error page); the default is problem+json.
using RefusalRenderer = std::function<http::Response(const http::Request&, const Status&)>;

http::Middleware Authenticate(Auth& auth);
http::Middleware CsrfProtect(Auth& auth);
http::Middleware Authorize(Auth& auth, RefusalRenderer html_refusal = {});

// The CSRF token a form on this page must carry: the session's token, or the pre-session
// token for anonymous visitors (then a `parcours_csrf` cookie is added to `response` when the
// browser does not have one yet).
std::string CsrfToken(const http::Request& request, http::Response& response, const Auth& auth);

// True for requests that expect JSON (path under /api/ or Accept preferring JSON).
bool WantsJson(const http::Request& request);

// The client address and user agent of a request, for audit events.
ClientInfo ClientOf(const http::Request& request);

}  // namespace parcours::auth
