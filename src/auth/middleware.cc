#include "parcours/auth/middleware.h"

#include "encoding.h"
#include "parcours/base/clock.h"
#include "parcours/http/message.h"

namespace parcours::auth {
namespace {

constexpr char kPreSessionCookie[] = "parcours_csrf";

bool IsUnsafe(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

std::string PreSessionCookieName(const Auth& auth) {
  return auth.options().secure_cookies ? std::string("__Host-") + kPreSessionCookie : kPreSessionCookie;
}

// The token presented by the request: header first, then the form field.
std::string PresentedToken(const http::Request& request) {
  if (auto h = request.Header("X-CSRF-Token"); !h.empty()) return std::string(h);
  std::string_view type = request.Header("Content-Type");
  if (type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    auto fields = request.FormFields();
    if (auto it = fields.find("csrf_token"); it != fields.end()) return it->second;
  }
  return "";
}

std::string BearerToken(const http::Request& request) {
  std::string_view h = request.Header("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (h.size() <= kBearer.size() || h.substr(0, kBearer.size()) != kBearer) return "";
  return std::string(h.substr(kBearer.size()));
}

}  // namespace

bool WantsJson(const http::Request& request) {
  if (request.path.rfind("/api/", 0) == 0) return true;
  std::string_view accept = request.Header("Accept");
  return accept.find("application/json") != std::string_view::npos &&
         accept.find("text/html") == std::string_view::npos;
}

ClientInfo ClientOf(const http::Request& request) {
  return {request.remote_address, std::string(request.Header("User-Agent").substr(0, 200))};
}

http::Middleware Authenticate(Auth& auth) {
  return [&auth](http::Request& request, const http::Handler& next) -> http::Response {
    if (!request.Header("Authorization").empty()) {
      const std::string bearer = BearerToken(request);
      auto principal = bearer.empty()
                           ? Result<std::shared_ptr<const Principal>>(Unauthenticated(
                                 "auth.api_key_invalid", "En-tête Authorization invalide."))
                           : auth.AuthenticateApiKey(bearer, ClientOf(request));
      if (!principal.ok()) {
        http::Response r = http::Problem(principal.status(), request.request_id);
        r.SetHeader("WWW-Authenticate", "Bearer realm=\"parcours\"");
        return r;
      }
      SetPrincipal(request, std::move(principal).value());
      return next(request);
    }
    auto cookie = request.Cookie(auth.SessionCookieName());
    if (!cookie) return next(request);
    auto principal = auth.ResumeSession(*cookie);
    if (principal.ok()) {
      SetPrincipal(request, std::move(principal).value());
      return next(request);
    }
    if (principal.status().code() != StatusCode::kUnauthenticated) {
      return http::Problem(principal.status(), request.request_id);  // the store is down
    }
    http::Response r = next(request);
    r.AddCookie(auth.ExpiredSessionCookie());
    return r;
  };
}

http::Middleware CsrfProtect(Auth& auth) {
  return [&auth](http::Request& request, const http::Handler& next) -> http::Response {
    if (!IsUnsafe(request.method)) return next(request);
    const Principal* p = PrincipalOf(request);
    if (p != nullptr && p->method == AuthMethod::kApiKey) return next(request);
    std::string expected;
    if (p != nullptr) {
      expected = p->csrf_token;
    } else {
      std::string_view type = request.Header("Content-Type");
      const bool form = type.rfind("application/x-www-form-urlencoded", 0) == 0 ||
                        type.rfind("multipart/form-data", 0) == 0 || type.rfind("text/plain", 0) == 0;
      if (!form && !request.Cookie(PreSessionCookieName(auth))) return next(request);
      expected = request.Cookie(PreSessionCookieName(auth)).value_or("");
    }
    const std::string presented = PresentedToken(request);
    if (!expected.empty() && detail::ConstantTimeEquals(presented, expected)) return next(request);
    Status refusal = PermissionDenied("auth.csrf_invalid",
                                      "Jeton de sécurité du formulaire absent ou invalide : rechargez la page.");
    auth.Audit("csrf.rejected", p ? p->Actor() : "anonymous", "", "",
               {{"method", request.method}, {"path", request.path}, {"address", request.remote_address},
                {"token_present", !presented.empty()}});
    return http::Problem(refusal, request.request_id);
  };
}

http::Middleware Authorize(Auth& auth, RefusalRenderer html_refusal) {
  return [&auth, html_refusal](http::Request& request, const http::Handler& next) -> http::Response {
    const http::RouteInfo* route = request.route_info;
    if (route == nullptr) return next(request);  // 404 / 405 answered by the router
    const Principal* p = PrincipalOf(request);
    Status decision = auth.authorizer().Decide(p, route->policy, request.path_params, auth.clock().NowMillis());
    if (decision.ok()) return next(request);
    const bool json = WantsJson(request);
    if (decision.code() == StatusCode::kUnauthenticated) {
      if (!json && request.method == "GET") {
        return http::Response::Redirect("/connexion?retour=" + detail::PercentEncode(request.target));
      }
      http::Response r = http::Problem(decision, request.request_id);
      r.SetHeader("WWW-Authenticate", "Bearer realm=\"parcours\"");
      return r;
    }
    if (decision.code() == StatusCode::kPermissionDenied || decision.code() == StatusCode::kInternal) {
      auth.Audit("access.denied", p ? p->Actor() : "anonymous", request.path, "",
                 {{"route", route->name.empty() ? route->pattern : route->name},
                  {"policy", route->policy}, {"method", request.method}, {"reason", decision.reason()},
                  {"address", request.remote_address}});
    }
    if (!json && html_refusal) return html_refusal(request, decision);
    return http::Problem(decision, request.request_id);
  };
}

std::string CsrfToken(const http::Request& request, http::Response& response, const Auth& auth) {
  if (const Principal* p = PrincipalOf(request); p != nullptr && p->method == AuthMethod::kSession) {
    return p->csrf_token;
  }
  const std::string name = PreSessionCookieName(auth);
  if (auto existing = request.Cookie(name); existing && existing->size() >= 32 && existing->size() <= 64) {
    return *existing;
  }
  std::string token = detail::RandomToken(32);
  response.AddCookie(name + "=" + token + "; Path=/; HttpOnly; SameSite=Lax" +
                     (auth.options().secure_cookies ? "; Secure" : ""));
  return token;
}

}  // namespace parcours::auth
