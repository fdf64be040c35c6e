// The vault's JSON API (see include/parcours/api/vault.h).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "parcours/api/vault.h"
#include "parcours/auth/policy.h"
#include "parcours/auth/principal.h"
#include "parcours/base/clock.h"
#include "parcours/vault/vault.h"
#include "vault_handlers.h"
#include "vault_json.h"

namespace parcours::api {
namespace {

using nlohmann::json;
using detail::Fail;
using detail::NoVault;
using detail::Own;

vault::Purpose PurposeOf(const http::Request& r, const json& body, std::string fallback_code,
                         std::string fallback_label) {
  vault::Purpose p{std::move(fallback_code), std::move(fallback_label), "api"};
  if (body.is_object() && body.contains("purpose") && body["purpose"].is_string()) {
    p.code = body["purpose"].get<std::string>();
    p.label = body.value("purpose_label", p.code);
  } else if (auto q = r.Query("purpose")) {
    p.code = *q;
    p.label = r.Query("purpose_label").value_or(*q);
  }
  return p;
}

Result<std::vector<std::string>> StringList(const json& body, const char* key) {
  std::vector<std::string> out;
  if (!body.contains(key)) return out;
  if (!body[key].is_array()) {
    return InvalidArgument("vault.bad_body", std::string("« ") + key + " » doit être une liste de noms.")
        .WithField(key, "Liste de noms attendue.");
  }
  for (const auto& v : body[key]) {
    if (!v.is_string()) {
      return InvalidArgument("vault.bad_body", std::string("« ") + key + " » doit être une liste de noms.")
          .WithField(key, "Liste de noms attendue.");
    }
    out.push_back(v.get<std::string>());
  }
  if (out.size() > 500) return ResourceExhausted("vault.too_many", "Trop d'informations demandées à la fois.");
  return out;
}

json Records(const vault::Vault& v, const std::vector<vault::AttributeRecord>& records, const std::string& lang) {
  json out = json::array();
  for (const auto& r : records) out.push_back(detail::VaultRecordJson(v.registry(), r, lang));
  return out;
}

void RegisterOwnRoutes(http::Router& router, const Services& s) {
  router.Add("GET", "/api/v1/me/vault", Own(s, [](http::Request& r, vault::Vault& v, const vault::Actor& a,
                                                  const std::string& person) {
               auto records = v.Read(a, person, {}, {"self", "Consultation de vos informations", "api"});
               if (!records.ok()) return Fail(records.status(), r);
               return http::Response::Json({{"person_id", person}, {"attributes", Records(v, *records, r.Language())}});
             }),
             "vault.me", "usager");

  router.Add("PUT", "/api/v1/me/vault/attributes", Own(s, [](http::Request& r, vault::Vault& v, const vault::Actor& a,
                                                             const std::string& person) {
               auto body = r.JsonBody();
               if (!body.ok()) return Fail(body.status(), r);
               if (!body->is_object() || !(*body)["attributes"].is_object()) {
                 return Fail(InvalidArgument("vault.bad_body", "Corps attendu : {\"attributes\": {nom: valeur}}."), r);
               }
               std::vector<vault::AttributeWrite> writes;
               Status wrong_types =
                   InvalidArgument("vault.invalid_values", "Certaines informations ne sont pas valides.");
               for (const auto& [name, value] : (*body)["attributes"].items()) {
                 if (!value.is_string() && !value.is_number() && !value.is_boolean()) {
                   return Fail(InvalidArgument("vault.bad_body", "Chaque valeur est un texte, un nombre ou un booléen.")
                                   .WithField(name, "Valeur attendue."),
                               r);
                 }
                 // A number or a boolean only where the attribute is one (a text may always be given).
                 const vault::AttributeDef* def = v.registry().Find(name);
                 const bool number = def != nullptr && def->type == vault::AttributeType::kNumber;
                 const bool boolean = def != nullptr && def->type == vault::AttributeType::kBoolean;
                 if (def != nullptr && ((value.is_number() && !number) || (value.is_boolean() && !boolean))) {
                   wrong_types.WithField(FieldError{
                       name,
                       std::string("Type invalide : ") +
                           (number ? "un nombre" : boolean ? "un booléen" : "un texte") + " est attendu.",
                       "wrong_type",
                       {{"expected", number ? "number" : boolean ? "boolean" : "string"}}});
                   continue;
                 }
                 vault::AttributeWrite w;
                 w.name = name;
                 w.value = value.is_string() ? value.get<std::string>() : value.is_boolean() ? (value.get<bool>() ? "oui" : "non") : value.dump();
                 writes.push_back(std::move(w));
               }
               if (!wrong_types.field_errors().empty()) return Fail(wrong_types, r);
               Status st = v.Write(a, person, writes, PurposeOf(r, *body, "self", "Mise à jour de vos informations"));
               if (!st.ok()) return Fail(st, r);
               auto records = v.Read(a, person, {}, {"self", "", "api"});
               if (!records.ok()) return Fail(records.status(), r);
               return http::Response::Json({{"person_id", person}, {"attributes", Records(v, *records, r.Language())}});
             }),
             "vault.me.write", "usager");

  router.Add("DELETE", "/api/v1/me/vault/attributes/{name}",
             Own(s, [](http::Request& r, vault::Vault& v, const vault::Actor& a, const std::string& person) {
               Status st = v.Delete(a, person, r.Param("name"));
               return st.ok() ? http::Response::NoContent() : Fail(st, r);
             }),
             "vault.me.delete", "usager");

  router.Add("GET", "/api/v1/me/vault/history/{name}",
             Own(s, [](http::Request& r, vault::Vault& v, const vault::Actor& a, const std::string& person) {
               auto h = v.History(a, person, r.Param("name"));
               if (!h.ok()) return Fail(h.status(), r);
               return http::Response::Json({{"name", r.Param("name")}, {"history", Records(v, *h, r.Language())}});
             }),
             "vault.me.history", "usager");

  router.Add("POST", "/api/v1/me/vault/prefill",
             Own(s, [](http::Request& r, vault::Vault& v, const vault::Actor& a, const std::string& person) {
               auto body = r.JsonBody();
               if (!body.ok()) return Fail(body.status(), r);
               if (!body->is_object()) return Fail(InvalidArgument("vault.bad_body", "Objet JSON attendu."), r);
               auto names = StringList(*body, "attributes");
               if (!names.ok()) return Fail(names.status(), r);
               auto result = v.Prefill(a, person, *names, PurposeOf(r, *body, "prefill", "Préremplissage d'un formulaire"));
               if (!result.ok()) return Fail(result.status(), r);
               json known = json::array();
               for (const auto& k : result->known) {
                 known.push_back({{"name", k.name},
                                  {"value", k.value},
                                  {"display", k.display},
                                  {"provenance", {{"kind", vault::ProvenanceKindName(k.provenance.kind)},
                                                  {"label", vault::DescribeProvenance(k.provenance, r.Language())}}},
                                  {"verification", vault::VerificationName(k.verification)}});
               }
               return http::Response::Json({{"known", known}, {"missing", result->missing}});
             }),
             "vault.me.prefill", "usager");

  router.Add("GET", "/api/v1/me/vault/consents",
             Own(s, [](http::Request& r, vault::Vault& v, const vault::Actor& a, const std::string& person) {
               auto consents = v.ListConsents(a, person);
               if (!consents.ok()) return Fail(consents.status(), r);
               json out = json::array();
               for (const auto& c : *consents) out.push_back(detail::VaultConsentJson(c));
               return http::Response::Json({{"consents", out}});
             }),
             "vault.me.consents", "usager");

  router.Add("POST", "/api/v1/me/vault/consents",
             Own(s, [](http::Request& r, vault::Vault& v, const vault::Actor& a, const std::string& person) {
               auto body = r.JsonBody();
               if (!body.ok()) return Fail(body.status(), r);
               if (!body->is_object() || !(*body)["service_id"].is_string() || !(*body)["purpose"].is_string()) {
                 return Fail(InvalidArgument("vault.bad_body", "Indiquez service_id et purpose.")
                                 .WithField("service_id", "Obligatoire."),
                             r);
               }
               auto names = StringList(*body, "attributes");
               if (!names.ok()) return Fail(names.status(), r);
               vault::ConsentGrant g{(*body)["service_id"].get<std::string>(), (*body)["purpose"].get<std::string>(),
                                     *names, std::nullopt, "api"};
               if (body->contains("expires_at")) {
                 TimePoint t;
                 if (!(*body)["expires_at"].is_string() || !ParseRfc3339((*body)["expires_at"].get<std::string>(), &t)) {
                   return Fail(InvalidArgument("vault.bad_body", "expires_at : date RFC 3339 attendue.")
                                   .WithField("expires_at", "Date invalide."),
                               r);
                 }
                 g.expires_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
               }
               auto id = v.GrantConsent(a, person, g);
               if (!id.ok()) return Fail(id.status(), r);
               return http::Response::Json({{"id", *id}}, 201);
             }),
             "vault.me.consent_grant", "usager");

  router.Add("DELETE", "/api/v1/me/vault/consents/{consent_id}",
             Own(s, [](http::Request& r, vault::Vault& v, const vault::Actor& a, const std::string& person) {
               Status st = v.RevokeConsent(a, person, r.Param("consent_id"));
               return st.ok() ? http::Response::NoContent() : Fail(st, r);
             }),
             "vault.me.consent_revoke", "usager");

  router.Add("GET", "/api/v1/me/vault/access-log",
             Own(s, [](http::Request& r, vault::Vault& v, const vault::Actor& a, const std::string& person) {
               auto log = v.AccessLog(a, person, 500);
               if (!log.ok()) return Fail(log.status(), r);
               json out = json::array();
               for (const auto& e : *log) out.push_back(detail::VaultAccessJson(e));
               return http::Response::Json({{"entries", out}});
             }),
             "vault.me.access_log", "usager");

  router.Add("GET", "/api/v1/me/vault/export",
             Own(s, [](http::Request& r, vault::Vault& v, const vault::Actor& a, const std::string& person) {
               auto doc = v.Export(a, person);
               if (!doc.ok()) return Fail(doc.status(), r);
               http::Response resp = http::Response::Json(*doc);
               resp.SetHeader("Content-Disposition", "attachment; filename=\"mes-donnees-parcours.json\"");
               resp.SetHeader("Cache-Control", "no-store");
               return resp;
             }),
             "vault.me.export", "usager");

  router.Add("POST", "/api/v1/me/vault/erasure",
             Own(s, [](http::Request& r, vault::Vault& v, const vault::Actor& a, const std::string& person) {
               auto report = v.Erase(a, person);
               if (!report.ok()) return Fail(report.status(), r);
               return http::Response::Json({{"erased", report->erased}, {"kept", report->kept}});
             }),
             "vault.me.erase", "usager");
}

}  // namespace

Result<std::string> OwnPersonId(const http::Request& request) {
  const auth::Principal* p = auth::PrincipalOf(request);
  if (!p) return Unauthenticated("auth.required", "Connectez-vous pour accéder à vos données.");
  if (p->person_id.empty()) {
    return PermissionDenied("vault.not_a_person", "Ce compte n'est pas celui d'un usager.");
  }
  return p->person_id;
}

Result<vault::Actor> VaultActorFor(const http::Request& request, const std::string& person_id, const Clock& clock) {
  const auth::Principal* p = auth::PrincipalOf(request);
  if (!p) return Unauthenticated("auth.required", "Connectez-vous pour accéder à ces données.");
  if (!p->person_id.empty() && p->person_id == person_id) return vault::Actor::Usager(person_id);
  if (!auth::CanActForPerson(*p, person_id, clock.NowMillis())) {
    return PermissionDenied("vault.no_mandate", "Aucun mandat en cours ne vous permet d'agir pour cette personne.");
  }
  if (p->HasRole(auth::Role::kAgent)) return vault::Actor::Agent(p->user_id, person_id);
  return vault::Actor::Aidant(p->user_id, person_id);
}

void RegisterVaultRoutes(http::Router& router, const Services& s) {
  RegisterOwnRoutes(router, s);
  detail::RegisterVaultHouseholdRoutes(router, s);

  router.Add(
      "GET", "/api/v1/persons/{person_id}/vault",
      [&s](http::Request& r) {
        if (!s.vault || !s.clock) return Fail(NoVault(), r);
        const std::string& person = r.Param("person_id");
        auto actor = VaultActorFor(r, person, *s.clock);
        if (!actor.ok()) return Fail(actor.status(), r);
        auto records = s.vault->Read(*actor, person, {}, PurposeOf(r, json(), "accompagnement", "Accompagnement de l'usager"));
        if (!records.ok()) return Fail(records.status(), r);
        return http::Response::Json({{"person_id", person}, {"attributes", Records(*s.vault, *records, r.Language())}});
      },
      "vault.person", "person:vault");

  router.Add(
      "POST", "/api/v1/services/{service_id}/persons/{person_id}/vault/read",
      [&s](http::Request& r) {
        if (!s.vault) return Fail(NoVault(), r);
        const auth::Principal* p = auth::PrincipalOf(r);
        const std::string& service = r.Param("service_id");
        if (!p) return Fail(Unauthenticated("auth.required", "Clé d'API requise."), r);
        if (std::find(p->services.begin(), p->services.end(), service) == p->services.end() &&
            !p->HasRole(auth::Role::kAdmin)) {
          return Fail(PermissionDenied("vault.not_this_service", "Cette clé n'agit pas pour ce service."), r);
        }
        auto body = r.JsonBody();
        if (!body.ok()) return Fail(body.status(), r);
        if (!body->is_object() || !(*body)["purpose"].is_string()) {
          return Fail(InvalidArgument("vault.bad_body", "Indiquez la finalité (purpose).").WithField("purpose", "Obligatoire."), r);
        }
        auto names = StringList(*body, "attributes");
        if (!names.ok()) return Fail(names.status(), r);
        auto records = s.vault->Read(vault::Actor::Service(service), r.Param("person_id"), *names,
                                     PurposeOf(r, *body, "", ""));
        if (!records.ok()) return Fail(records.status(), r);
        return http::Response::Json({{"person_id", r.Param("person_id")}, {"attributes", Records(*s.vault, *records, "fr")}});
      },
      "vault.service_read", "service");

  router.Add(
      "GET", "/api/v1/vault/services",
      [&s](http::Request& r) {
        if (!s.vault) return Fail(NoVault(), r);
        auto list = s.vault->ListServices();
        if (!list.ok()) return Fail(list.status(), r);
        json out = json::array();
        for (const auto& d : *list) out.push_back(detail::VaultServiceJson(d));
        return http::Response::Json({{"services", out}});
      },
      "vault.services", "public");
}

}  // namespace parcours::api
