// The one place where a Status becomes an HTTP status and an RFC 9457 problem+json body.
#include <nlohmann/json.hpp>

#include "parcours/base/log.h"
#include "parcours/http/message.h"

namespace parcours::http {
namespace {

constexpr std::string_view kProblemTypeBase = "https://parcours.example/problems/";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// French titles, one per HTTP status we produce.
std::string_view TitleFor(int http_status) {
  switch (http_status) {
    case 400: return "Requête invalide";
    case 401: return "Authentification requise";
    case 403: return "Accès refusé";
    case 404: return "Ressource introuvable";
    case 405: return "Méthode non autorisée";
    case 409: return "Conflit";
    case 413: return "Contenu trop volumineux";
    case 415: return "Type de contenu non pris en charge";
    case 422: return "Données invalides";
    case 429: return "Trop de requêtes";
    case 431: return "En-têtes trop volumineux";
    case 503: return "Service indisponible";
    default: return http_status >= 500 ? "Erreur interne" : "Requête refusée";
  }
}

}  // namespace

int HttpStatusFor(StatusCode code, bool unprocessable) {
  switch (code) {
    case StatusCode::kInvalidArgument: return unprocessable ? 422 : 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kConflict: return 409;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kOk:
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

int HttpStatusFor(const Status& status) {
  const std::string& reason = status.reason();
  if (reason == "http.method_not_allowed") return 405;
  if (reason == "http.unsupported_media_type") return 415;
  if (reason == "http.header_too_large") return 431;
  if (status.code() == StatusCode::kResourceExhausted && EndsWith(reason, "too_large")) {
    return 413;
  }
  return HttpStatusFor(status.code(), !status.field_errors().empty());
}

Response Problem(const Status& status, std::string_view request_id) {
  const int http_status = HttpStatusFor(status);
  const bool internal = status.ok() || status.code() == StatusCode::kInternal;
  std::string reason = status.reason();
  if (reason.empty()) reason = internal ? "internal" : std::string(StatusCodeName(status.code()));

  nlohmann::json body = {
      {"type", std::string(kProblemTypeBase) + reason},
      {"title", TitleFor(http_status)},
      {"status", http_status},
      {"code", reason},
  };
  if (internal) {
    // The message of an internal error may name tables, files or drivers: keep it in the log.
    log::Error("internal error answered as problem",
               {{"reason", reason}, {"message", status.message()}});
    body["detail"] =
        "Une erreur interne est survenue. Réessayez plus tard ; si elle persiste, "
        "communiquez l'identifiant de la requête au support.";
  } else {
    body["detail"] = status.message();
  }
  if (!request_id.empty()) body["request_id"] = request_id;
  if (!status.field_errors().empty()) {
    nlohmann::json errors = nlohmann::json::array();
    for (const FieldError& e : status.field_errors()) {
      nlohmann::json error = {{"field", e.field}, {"message", e.message}};
      if (!e.reason.empty()) error["reason"] = e.reason;
      if (!e.params.empty()) error["params"] = e.params;
      errors.push_back(std::move(error));
    }
    body["errors"] = std::move(errors);
  }

  Response r;
  r.status = http_status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.headers.emplace("Content-Type", "application/problem+json");
  r.headers.emplace("Content-Language", "fr");
  r.headers.emplace("Cache-Control", "no-store");
  return r;
}

}  // namespace parcours::http
