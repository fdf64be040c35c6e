#include <nlohmann/json.hpp>

#include "auth_json.h"
#include "parcours/api/auth.h"
#include "parcours/auth/auth.h"
#include "parcours/base/clock.h"

namespace parcours::api {
namespace {

using nlohmann::json;

std::string Iso(int64_t ms) { return FormatRfc3339(TimePoint(std::chrono::milliseconds(ms))); }

json PrincipalJson(const auth::Principal& p) {
  json roles = json::array();
  for (const auto& g : p.grants) {
    roles.push_back({{"role", std::string(auth::RoleName(g.role))}, {"organisation_id", g.organisation_id}});
  }
  json out = {{"id", p.user_id},
              {"display_name", p.display_name},
              {"roles", roles},
              {"method", p.method == auth::AuthMethod::kApiKey ? "api_key" : "session"},
              {"provider", p.provider},
              {"demo", p.demo}};
  if (!p.person_id.empty()) out["person_id"] = p.person_id;
  if (!p.acr.empty()) out["acr"] = p.acr;
  if (!p.services.empty()) out["services"] = p.services;
  json mandates = json::array();
  for (const auto& m : p.mandates) {
    mandates.push_back({{"id", m.id}, {"person_id", m.person_id}, {"scopes", m.scopes}, {"ends_at", Iso(m.ends_ms)}});
  }
  out["mandates"] = mandates;
  return out;
}

json KeyJson(const auth::ApiKeyInfo& k) {
  json out = {{"id", k.id},           {"prefix", k.prefix},     {"label", k.label},
              {"organisation_id", k.organisation_id}, {"services", k.services},
              {"created_at", Iso(k.created_at_ms)}, {"revoked_at", nullptr}, {"last_used_at", nullptr}};
  if (k.revoked_at_ms) out["revoked_at"] = Iso(*k.revoked_at_ms);
  if (k.last_used_ms) out["last_used_at"] = Iso(*k.last_used_ms);
  return out;
}

Result<std::vector<std::string>> ServiceIds(const json& body) {
  std::vector<std::string> out;
  auto it = body.find("services");
  if (it == body.end()) return out;
  if (!it->is_array()) {
    return InvalidArgument("auth.api_key_invalid_input", "« services » doit être une liste d'identifiants.")
        .WithField("/services", "Liste d'identifiants de services attendue.");
  }
  for (const auto& v : *it) {
    if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().size() > 100) {
      return InvalidArgument("auth.api_key_invalid_input", "Identifiant de service invalide.")
          .WithField("/services", "Chaque service est un identifiant non vide.");
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

void RegisterAuthRoutes(http::Router& router, const Services& services) {
  const Services& s = services;
  router.Add(
      "GET", "/api/v1/auth/me",
      [&s](http::Request& r) {
        const auth::Principal& p = *auth::PrincipalOf(r);
        json out = PrincipalJson(p);
        if (p.method == auth::AuthMethod::kSession &&
            (p.HasRole(auth::Role::kAidant) || p.HasRole(auth::Role::kAgent))) {
          auto code = s.auth->HolderCode(p.user_id);
          if (!code.ok()) return http::Problem(code.status(), r.request_id);
          out["holder_code"] = *code;  // the code a person types to mandate this aidant or agent
        }
        return http::Response::Json(out);
      },
      "api.auth.me", "authenticated");

  router.Add(
      "GET", "/api/v1/admin/organisations/{organisation_id}/api-keys",
      [&s](http::Request& r) {
        auto keys = s.auth->ListApiKeys(r.Param("organisation_id"));
        if (!keys.ok()) return http::Problem(keys.status(), r.request_id);
        json items = json::array();
        for (const auto& k : *keys) items.push_back(KeyJson(k));
        return http::Response::Json({{"items", items}});
      },
      "api.auth.api_keys.list", "admin");

  router.Add(
      "POST", "/api/v1/admin/organisations/{organisation_id}/api-keys",
      [&s](http::Request& r) {
        auto body = r.JsonBody();
        if (!body.ok()) return http::Problem(body.status(), r.request_id);
        if (!body->is_object()) {
          return http::Problem(InvalidArgument("auth.api_key_invalid_input", "Objet JSON attendu."), r.request_id);
        }
        auto services_ids = ServiceIds(*body);
        if (!services_ids.ok()) return http::Problem(services_ids.status(), r.request_id);
        auto label_it = body->find("label");
        const std::string label = label_it != body->end() && label_it->is_string() ? label_it->get<std::string>() : "";
        auto key = s.auth->CreateApiKey(r.Param("organisation_id"), *services_ids, label,
                                        auth::PrincipalOf(r)->Actor());
        if (!key.ok()) return http::Problem(key.status(), r.request_id);
        http::Response resp = http::Response::Json(
            {{"id", key->id}, {"prefix", key->prefix}, {"secret", key->secret},
             {"organisation_id", r.Param("organisation_id")}, {"services", *services_ids}, {"label", label}},
            201);
        resp.SetHeader("Cache-Control", "no-store");
        return resp;
      },
      "api.auth.api_keys.create", "admin");

  router.Add(
      "DELETE", "/api/v1/admin/organisations/{organisation_id}/api-keys/{key_id}",
      [&s](http::Request& r) {
        Status st = s.auth->RevokeApiKey(r.Param("key_id"), r.Param("organisation_id"),
                                         auth::PrincipalOf(r)->Actor());
        if (!st.ok()) return http::Problem(st, r.request_id);
        return http::Response::NoContent();
      },
      "api.auth.api_keys.revoke", "admin");

  RegisterMandateAndAccountRoutes(router, services);
}

}  // namespace parcours::api
