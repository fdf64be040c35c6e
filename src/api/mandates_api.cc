// JSON routes of the mandates a person controls (policy person_self: the person only; a
// mandate never lets its holder manage mandates) and of account administration (admin).
#include <nlohmann/json.hpp>

#include "auth_json.h"
#include "parcours/api/auth.h"
#include "parcours/auth/auth.h"
#include "parcours/base/clock.h"

namespace parcours::api {
namespace {

using nlohmann::json;

Status BadMandate(std::string message, std::string field, std::string field_message) {
  return InvalidArgument("auth.mandate_invalid", std::move(message)).WithField(std::move(field), std::move(field_message));
}

struct MandateRequest {
  std::string holder_code;
  std::vector<std::string> scopes;
  int duration_days = 0;
};

Result<MandateRequest> ParseMandateRequest(const json& body) {
  if (!body.is_object()) return InvalidArgument("auth.mandate_invalid", "Objet JSON attendu.");
  MandateRequest m;
  auto code = body.find("holder_code");
  if (code == body.end() || !code->is_string() || code->get<std::string>().empty()) {
    return BadMandate("Indiquez le code aidant de la personne qui vous aide.", "/holder_code", "Code aidant requis.");
  }
  m.holder_code = code->get<std::string>();
  auto scopes = body.find("scopes");
  if (scopes == body.end() || !scopes->is_array() || scopes->empty() || scopes->size() > 10) {
    return BadMandate("Indiquez ce que le mandat permet (scopes).", "/scopes", "Liste de démarches requise.");
  }
  for (const auto& s : *scopes) {
    if (!s.is_string()) return BadMandate("Démarche inconnue.", "/scopes", "Chaque démarche est un texte.");
    m.scopes.push_back(s.get<std::string>());
  }
  auto days = body.find("duration_days");
  if (days == body.end() || !days->is_number_integer()) {
    return BadMandate("Indiquez la durée du mandat en jours.", "/duration_days", "Nombre de jours requis.");
  }
  const int64_t n = days->get<int64_t>();
  m.duration_days = n < 0 || n > 100000 ? -1 : static_cast<int>(n);
  return m;
}

void RegisterMandateRoutes(http::Router& router, const Services& s) {
  router.Add(
      "GET", "/api/v1/persons/{person_id}/mandates",
      [&s](http::Request& r) {
        auto list = s.auth->ListMandates(r.Param("person_id"));
        if (!list.ok()) return http::Problem(list.status(), r.request_id);
        const int64_t now = s.clock->NowMillis();
        json items = json::array();
        for (const auto& m : *list) items.push_back(detail::MandateJson(m, now));
        return http::Response::Json({{"items", items}});
      },
      "api.mandates.list", "person_self");

  router.Add(
      "POST", "/api/v1/persons/{person_id}/mandates",
      [&s](http::Request& r) {
        auto body = r.JsonBody();
        if (!body.ok()) return http::Problem(body.status(), r.request_id);
        auto in = ParseMandateRequest(*body);
        if (!in.ok()) return http::Problem(in.status(), r.request_id);
        auto m = s.auth->GrantMandateByCode(r.Param("person_id"), in->holder_code, in->scopes, in->duration_days,
                                            auth::PrincipalOf(r)->Actor());
        if (!m.ok()) return http::Problem(m.status(), r.request_id);
        return http::Response::Json(detail::MandateJson(*m, s.clock->NowMillis()), 201);
      },
      "api.mandates.create", "person_self");

  router.Add(
      "DELETE", "/api/v1/persons/{person_id}/mandates/{mandate_id}",
      [&s](http::Request& r) {
        Status st = s.auth->RevokeMandate(r.Param("mandate_id"), r.Param("person_id"), auth::PrincipalOf(r)->Actor());
        if (!st.ok()) return http::Problem(st, r.request_id);
        return http::Response::NoContent();
      },
      "api.mandates.revoke", "person_self");
}

void RegisterAccountRoutes(http::Router& router, const Services& s) {
  router.Add(
      "GET", "/api/v1/admin/organisations",
      [&s](http::Request& r) {
        auto orgs = s.auth->ListOrganisations();
        if (!orgs.ok()) return http::Problem(orgs.status(), r.request_id);
        json items = json::array();
        for (const auto& o : *orgs) {
          items.push_back({{"id", o.id}, {"users", o.users}, {"active_api_keys", o.active_keys}});
        }
        return http::Response::Json({{"items", items}});
      },
      "api.admin.organisations", "admin");

  router.Add(
      "GET", "/api/v1/admin/organisations/{organisation_id}/users",
      [&s](http::Request& r) {
        auto users = s.auth->ListUsers(r.Param("organisation_id"));
        if (!users.ok()) return http::Problem(users.status(), r.request_id);
        json items = json::array();
        for (const auto& u : *users) items.push_back(detail::UserJson(u));
        return http::Response::Json({{"items", items}});
      },
      "api.admin.organisation_users", "admin");

  router.Add(
      "GET", "/api/v1/admin/users",
      [&s](http::Request& r) {
        auto users = s.auth->ListUsers("");
        if (!users.ok()) return http::Problem(users.status(), r.request_id);
        json items = json::array();
        for (const auto& u : *users) items.push_back(detail::UserJson(u));
        return http::Response::Json({{"items", items}});
      },
      "api.admin.users", "admin");

  for (const bool disable : {true, false}) {
    router.Add(
        "POST", disable ? "/api/v1/admin/users/{user_id}/disable" : "/api/v1/admin/users/{user_id}/enable",
        [&s, disable](http::Request& r) {
          const auth::Principal& p = *auth::PrincipalOf(r);
          Status st = s.auth->SetUserDisabled(r.Param("user_id"), disable, p.user_id, p.Actor());
          if (!st.ok()) return http::Problem(st, r.request_id);
          auto user = s.auth->GetUser(r.Param("user_id"));
          if (!user.ok()) return http::Problem(user.status(), r.request_id);
          return http::Response::Json(detail::UserJson(*user));
        },
        disable ? "api.admin.users.disable" : "api.admin.users.enable", "admin");
  }
}

}  // namespace

void RegisterMandateAndAccountRoutes(http::Router& router, const Services& services) {
  RegisterMandateRoutes(router, services);
  RegisterAccountRoutes(router, services);
}

}  // namespace parcours::api
