#include <cstdlib>
#include <nlohmann/json.hpp>

#include "exchange_json.h"
#include "parcours/api/exchange_routes.h"
#include "parcours/api/vault.h"
#include "parcours/auth/policy.h"
#include "parcours/auth/principal.h"
#include "parcours/base/clock.h"
#include "parcours/exchange/delivery.h"
#include "parcours/exchange/inbound.h"
#include "parcours/exchange/outbox.h"
#include "parcours/exchange/registry.h"
#include "parcours/exchange/runtime.h"
#include "parcours/store/store.h"
#include "parcours/vault/actor.h"

namespace parcours::api {
namespace detail {

nlohmann::json DeliveryJson(const exchange::DeliveryView& d, const std::string& lang) {
  nlohmann::json j = {{"id", d.id},
            {"person_id", d.person_id},
            {"service", d.service_id},
            {"service_name", d.ServiceName(lang)},
            {"organisation", d.organisation},
            {"transport_state", d.state},
            {"attempts", d.attempts},
            {"status", d.agency_status},
            {"status_label", exchange::AgencyStatusLabel(d.agency_status, lang)},
            {"attributes", d.attributes},
            {"expected_delay_days", d.expected_delay_days},
            {"created", FormatRfc3339(TimePoint(std::chrono::milliseconds(d.created_ms)))},
            {"updated", FormatRfc3339(TimePoint(std::chrono::milliseconds(d.updated_ms)))}};
  if (d.agency_message) j["message"] = *d.agency_message;
  if (d.agency_reference) j["agency_reference"] = *d.agency_reference;
  if (d.delivered_ms) j["delivered"] = FormatRfc3339(TimePoint(std::chrono::milliseconds(*d.delivered_ms)));
  if (d.last_error) j["last_error"] = *d.last_error;
  return j;
}

}  // namespace detail

namespace {

using detail::DeliveryJson;

using nlohmann::json;

std::string ChannelFor(const auth::Principal& p, const http::Request& req) {
  if (p.HasRole(auth::Role::kAgent) && p.person_id.empty()) {
    const auto channel = req.Query("canal").value_or("counter");
    return channel == "phone" ? "phone" : channel == "mail" ? "mail" : "counter";
  }
  return p.method == auth::AuthMethod::kApiKey ? "api" : "web";
}

json DeclarationJson(const exchange::Declaration& d, const std::string& lang) {
  json deliveries = json::array();
  for (const auto& v : d.deliveries) deliveries.push_back(DeliveryJson(v, lang));
  return {{"id", d.id},
          {"person_id", d.person_id},
          {"bundle", d.bundle_id},
          {"channel", d.channel},
          {"actor", d.actor},
          {"created", FormatRfc3339(TimePoint(std::chrono::milliseconds(d.created_ms)))},
          {"deliveries", deliveries}};
}

json ServiceJson(const exchange::ServiceDef& s, bool with_endpoint) {
  json j = {{"id", s.id},
            {"organisation", s.organisation},
            {"name", {{"fr", s.name_fr}, {"en", s.name_en}}},
            {"purpose", s.purpose},
            {"purpose_label", s.purpose_label},
            {"purpose_label_en", s.purpose_label_en},
            {"legal_basis", s.legal_basis},
            {"attributes", s.attributes},
            {"expected_delay_days", s.expected_delay_days},
            {"active", s.active}};
  if (with_endpoint) j["endpoint"] = s.endpoint;
  return j;
}

const std::string& RequestId(const http::Request& r) { return r.request_id; }

// The policy layer runs before every handler; a handler still never dereferences a missing
// principal (a route mounted without the auth middleware answers 401).
http::Response NoPrincipal(const http::Request& r) {
  return http::Problem(Unauthenticated("auth.login_required", "Connexion requise."), RequestId(r));
}

}  // namespace

void RegisterExchangeRoutes(http::Router& router, const Services& s) {
  router.Add(
      "GET", "/api/v1/bundles",
      [&s](http::Request& req) {
        auto tx = s.db->BeginRead();
        if (!tx.ok()) return http::Problem(tx.status(), RequestId(req));
        auto bundles = exchange::ListBundles(**tx);
        if (!bundles.ok()) return http::Problem(bundles.status(), RequestId(req));
        json out = json::array();
        for (const auto& b : *bundles) {
          json services = json::array();
          for (const auto& sid : b.services) {
            auto svc = exchange::GetService(**tx, sid);
            if (svc.ok()) services.push_back(ServiceJson(*svc, false));
          }
          out.push_back({{"id", b.id}, {"title", {{"fr", b.title_fr}, {"en", b.title_en}}}, {"services", services}});
        }
        return http::Response::Json({{"bundles", out}});
      },
      "api.bundles.list", "public");

  router.Add(
      "POST", "/api/v1/persons/{person_id}/declarations",
      [&s](http::Request& req) {
        const auth::Principal* p = auth::PrincipalOf(req);
        if (!p) return NoPrincipal(req);
        auto body = req.JsonBody();
        if (!body.ok()) return http::Problem(body.status(), RequestId(req));
        if (!body->is_object() || !(*body)["bundle"].is_string()) {
          return http::Problem(InvalidArgument("exchange.bad_declaration", "Le champ « bundle » (texte) est requis.")
                                   .WithField("bundle", "Choisissez la démarche groupée à déclarer."),
                               RequestId(req));
        }
        const std::string& person = req.Param("person_id");
        exchange::SubmitInput in;
        in.person_id = person;
        in.bundle_id = (*body)["bundle"].get<std::string>();
        in.idempotency_key = std::string(req.Header("Idempotency-Key"));
        in.channel = ChannelFor(*p, req);
        if (body->contains("services")) {
          const json& list = (*body)["services"];
          bool ok = list.is_array();
          for (const auto& item : ok ? list : json::array()) ok = ok && item.is_string();
          if (!ok) {
            return http::Problem(InvalidArgument("exchange.bad_declaration", "« services » doit être une liste de textes.")
                                     .WithField("services", "Liste de services attendue."),
                                 RequestId(req));
          }
          in.services = list.get<std::vector<std::string>>();
        }
        auto actor = VaultActorFor(req, person, *s.clock);  // the person, or under a mandate
        if (!actor.ok()) return http::Problem(actor.status(), RequestId(req));
        auto decl = s.outbox->Submit(*actor, in);
        if (!decl.ok()) return http::Problem(decl.status(), RequestId(req));
        if (s.delivery_worker) s.delivery_worker->Wake();
        auto res = http::Response::Json(DeclarationJson(*decl, req.Language()), decl->replayed ? 200 : 201);
        res.SetHeader("Location", "/api/v1/persons/" + person + "/declarations/" + decl->id);
        return res;
      },
      "api.declarations.create", "person:declarations");

  router.Add(
      "GET", "/api/v1/persons/{person_id}/declarations",
      [&s](http::Request& req) {
        int limit = 50;
        if (auto text = req.Query("limit")) {
          char* end = nullptr;
          const long n = std::strtol(text->c_str(), &end, 10);
          if (text->empty() || *end != '\0' || n < 1 || n > 500) {
            return http::Problem(InvalidArgument("exchange.bad_limit", "« limit » doit être un entier de 1 à 500.")
                                     .WithField("limit", "Entier de 1 à 500."),
                                 RequestId(req));
          }
          limit = static_cast<int>(n);
        }
        auto list = s.outbox->ListForPerson(req.Param("person_id"), limit);
        if (!list.ok()) return http::Problem(list.status(), RequestId(req));
        json out = json::array();
        for (const auto& d : *list) out.push_back(DeclarationJson(d, req.Language()));
        return http::Response::Json({{"declarations", out}});
      },
      "api.declarations.list", "person:declarations");

  router.Add(
      "GET", "/api/v1/persons/{person_id}/declarations/{declaration_id}",
      [&s](http::Request& req) {
        auto d = s.outbox->Get(req.Param("declaration_id"));
        if (!d.ok() || d->person_id != req.Param("person_id")) {
          return http::Problem(NotFound("exchange.unknown_declaration", "Déclaration introuvable."), RequestId(req));
        }
        return http::Response::Json(DeclarationJson(*d, req.Language()));
      },
      "api.declarations.get", "person:declarations");

  router.Add(
      "POST", "/api/v1/agency/deliveries/{dossier_id}/status",
      [&s](http::Request& req) {
        const auth::Principal* p = auth::PrincipalOf(req);
        if (!p) return NoPrincipal(req);
        auto body = req.JsonBody();
        if (!body.ok()) return http::Problem(body.status(), RequestId(req));
        if (!body->is_object() || !(*body)["status"].is_string()) {
          return http::Problem(InvalidArgument("exchange.bad_status_update", "Le champ « status » (texte) est requis.")
                                   .WithField("status", "Statut requis."),
                               RequestId(req));
        }
        exchange::StatusUpdate update;
        update.status = (*body)["status"].get<std::string>();
        for (const char* key : {"message", "reference"}) {
          if (body->contains(key) && !(*body)[key].is_string()) {
            return http::Problem(InvalidArgument("exchange.bad_status_update", std::string("« ") + key +
                                                                                  " » doit être un texte."),
                                 RequestId(req));
          }
        }
        update.message = body->value("message", "");
        update.reference = body->value("reference", "");
        // Only the receiving organisation (its API key, or one of its agents) posts statuses.
        std::string organisation;
        for (const auto& g : p->grants) {
          if ((g.role == auth::Role::kIntegrateur || g.role == auth::Role::kAgent) && !g.organisation_id.empty()) {
            organisation = g.organisation_id;
          }
        }
        exchange::StatusActor by;
        if (p->method == auth::AuthMethod::kSession && p->HasRole(auth::Role::kAgent)) {
          by = {p->Actor(), "web"};  // an agent of the organisation, named on the person's timeline
        }
        if (organisation.empty()) {
          return http::Problem(
              PermissionDenied("exchange.not_an_agency", "Seule l'organisation destinataire peut donner un statut."),
              RequestId(req));
        }
        auto changed = exchange::UpdateDeliveryStatus(*s.db, *s.clock, organisation, req.Param("dossier_id"), update, by);
        if (!changed.ok()) return http::Problem(changed.status(), RequestId(req));
        return http::Response::Json({{"changed", *changed}});
      },
      "api.agency.delivery_status", "dossier");

  router.Add(
      "POST", "/api/v1/agency/events",
      [&s](http::Request& req) {
        const auth::Principal* p = auth::PrincipalOf(req);
        if (!p) return NoPrincipal(req);
        auto body = req.JsonBody();
        if (!body.ok()) return http::Problem(body.status(), RequestId(req));
        std::string organisation;
        for (const auto& g : p->grants) {
          if (g.role == auth::Role::kIntegrateur) organisation = g.organisation_id;
        }
        auto r = exchange::AcceptSignal(*s.db, *s.clock, organisation, *body);
        if (!r.ok()) return http::Problem(r.status(), RequestId(req));
        return http::Response::Json({{"event_id", r->event_id}, {"duplicate", r->duplicate}}, r->duplicate ? 200 : 202);
      },
      "api.agency.events", "integrateur");

  router.Add(
      "GET", "/api/v1/admin/deliveries",
      [&s](http::Request& req) {
        const std::string state = req.Query("state").value_or("");
        if (!state.empty() && state != "pending" && state != "delivered" && state != "dead" && state != "skipped") {
          return http::Problem(InvalidArgument("exchange.bad_filter", "État inconnu : pending, delivered, dead, skipped.")
                                   .WithField("state", "État inconnu."),
                               RequestId(req));
        }
        auto list = s.outbox->ListDeliveries(state, 200);
        if (!list.ok()) return http::Problem(list.status(), RequestId(req));
        json out = json::array();
        for (const auto& d : *list) out.push_back(DeliveryJson(d, req.Language()));
        return http::Response::Json({{"deliveries", out}});
      },
      "api.admin.deliveries", "admin");

  router.Add(
      "POST", "/api/v1/admin/deliveries/{delivery_id}/replay",
      [&s](http::Request& req) {
        const auth::Principal* p = auth::PrincipalOf(req);
        if (!p) return NoPrincipal(req);
        Status st = s.outbox->Replay(req.Param("delivery_id"), p->Actor());
        if (!st.ok()) return http::Problem(st, RequestId(req));
        if (s.delivery_worker) s.delivery_worker->Wake();
        return http::Response::Json({{"replayed", true}}, 202);
      },
      "api.admin.deliveries.replay", "admin");

  router.Add(
      "GET", "/api/v1/admin/services",
      [&s](http::Request& req) {
        auto tx = s.db->BeginRead();
        if (!tx.ok()) return http::Problem(tx.status(), RequestId(req));
        auto list = exchange::ListServices(**tx);
        if (!list.ok()) return http::Problem(list.status(), RequestId(req));
        json out = json::array();
        for (const auto& svc : *list) out.push_back(ServiceJson(svc, true));
        return http::Response::Json({{"services", out}});
      },
      "api.admin.services", "admin");

  router.Add(
      "PUT", "/api/v1/admin/services/{service_id}",
      [&s](http::Request& req) {
        auto body = req.JsonBody();
        if (!body.ok()) return http::Problem(body.status(), RequestId(req));
        exchange::ServiceDef def;
        def.id = req.Param("service_id");
        try {
          def.organisation = body->at("organisation").get<std::string>();
          def.name_fr = body->at("name").at("fr").get<std::string>();
          def.name_en = body->at("name").value("en", def.name_fr);
          def.endpoint = body->at("endpoint").get<std::string>();
          def.purpose = body->at("purpose").get<std::string>();
          def.purpose_label = body->value("purpose_label", def.purpose);
          def.purpose_label_en = body->value("purpose_label_en", "");
          def.legal_basis = body->at("legal_basis").get<std::string>();
          def.attributes = body->at("attributes").get<std::vector<std::string>>();
          def.expected_delay_days = body->value("expected_delay_days", 0);
          def.active = body->value("active", true);
        } catch (const json::exception&) {
          return http::Problem(
              InvalidArgument("exchange.bad_service",
                              "Service invalide : organisation, name.fr, endpoint, purpose, legal_basis et "
                              "attributes (liste de textes) sont requis."),
              RequestId(req));
        }
        // Declared to the vault first (which checks the attributes are ones it holds), so that
        // people can consent to the service as soon as it exists.
        if (Status valid = exchange::ValidateService(def); !valid.ok()) return http::Problem(valid, RequestId(req));
        if (s.vault) {
          Status declared = s.vault->RegisterService(vault::Actor::Platform("exchange"), exchange::VaultDeclaration(def));
          if (!declared.ok()) return http::Problem(declared, RequestId(req));
        }
        bool created = false;
        std::string secret;
        Status st = s.db->InTransaction([&](store::Transaction& tx) -> Status {
          created = !exchange::GetService(tx, def.id).ok();
          RETURN_IF_ERROR(exchange::UpsertService(tx, def, s.clock->NowMillis()));
          ASSIGN_OR_RETURN(exchange::ServiceDef saved, exchange::GetService(tx, def.id));
          secret = saved.secret;
          return Status::Ok();
        });
        if (!st.ok()) return http::Problem(st, RequestId(req));
        json out = ServiceJson(def, true);
        if (created) out["secret"] = secret;  // shown once, to configure the agency's verifier
        return http::Response::Json(out, created ? 201 : 200);
      },
      "api.admin.services.put", "admin");
}

void RegisterExchangeResolvers(auth::Authorizer& authorizer, const Services& s) {
  authorizer.AddResolver("dossier", [&s](std::string_view id) -> Result<auth::ObjectRef> {
    ASSIGN_OR_RETURN(auto tx, s.db->BeginRead());
    ASSIGN_OR_RETURN(store::Row row,
                     tx->QueryOne("SELECT d.person_id, s.organisation, d.service_id FROM exchange_deliveries d "
                                  "JOIN exchange_services s ON s.id = d.service_id WHERE d.id = $1",
                                  {std::string(id)}, "exchange.unknown_delivery", "Envoi introuvable."));
    return auth::ObjectRef{row.Text(0), row.Text(1), row.Text(2)};
  });
}

}  // namespace parcours::api
