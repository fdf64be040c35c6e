// The JSON routes of the agent console and the aidants' space (see include/parcours/api/console.h).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "exchange_json.h"
#include "journeys_json.h"
#include "parcours/api/console.h"
#include "parcours/api/vault.h"
#include "parcours/auth/auth.h"
#include "parcours/auth/policy.h"
#include "parcours/auth/principal.h"
#include "parcours/base/clock.h"
#include "parcours/base/json.h"
#include "parcours/console/console.h"
#include "parcours/exchange/inbound.h"
#include "parcours/exchange/outbox.h"
#include "parcours/exchange/registry.h"
#include "parcours/journeys/journeys.h"
#include "parcours/store/store.h"

namespace parcours::api {
namespace {

using nlohmann::json;

http::Response Fail(const Status& s, const http::Request& r) { return http::Problem(s, r.request_id); }

// A refusal by a handler (past the policy layer), audited as the policy layer audits its own.
http::Response Refused(const Services& s, const http::Request& r, const Status& st) {
  const auth::Principal* p = auth::PrincipalOf(r);
  if (s.auth) s.auth->Audit("access.denied", p ? p->Actor() : "anonymous", r.path, "", {{"reason", st.reason()}});
  return Fail(st, r);
}

std::string Rfc3339(int64_t ms) { return FormatRfc3339(TimePoint(std::chrono::milliseconds(ms))); }

json QueueItemJson(const exchange::DeliveryView& d, int64_t now, const std::string& lang) {
  json j = detail::DeliveryJson(d, lang);
  const int age = AgeInDays(d.created_ms, now);
  j["age_days"] = age;
  j["overdue"] = d.expected_delay_days > 0 && age > d.expected_delay_days;
  return j;
}

bool IsAgencyStatus(const std::string& s) {
  return s == "envoyee" || s == "recue" || s == "en_instruction" || s == "informations_demandees" ||
         s == "acceptee" || s == "refusee" || s == "payee";
}

json TimelineJson(const Services& s, const std::string& person, const std::vector<store::Event>& events) {
  ActorNamer namer(s, person);
  json out = json::array();
  for (const auto& e : events) {
    const ActorLabel& who = namer.Name(e.actor);
    json item = {{"id", e.id},     {"type", e.type},       {"time", Rfc3339(e.time_ms)},
                 {"actor", e.actor}, {"actor_kind", who.kind}, {"channel", e.channel},
                 {"subject", e.subject}};
    if (!who.name.empty()) item["actor_name"] = who.name;
    if (who.kind != "self") item["on_behalf_of"] = person;  // who acted for whom
    auto data = ParseJson(e.data_json);
    item["data"] = data.ok() ? *data : json::object();
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace

int AgeInDays(int64_t from_ms, int64_t now_ms) {
  return now_ms <= from_ms ? 0 : static_cast<int>((now_ms - from_ms) / (int64_t{24} * 3600 * 1000));
}

std::vector<std::string> AgentOrganisations(const auth::Principal& p) {
  std::vector<std::string> out;
  for (const auto& g : p.grants) {
    if (g.role == auth::Role::kAgent && !g.organisation_id.empty() &&
        std::find(out.begin(), out.end(), g.organisation_id) == out.end()) {
      out.push_back(g.organisation_id);
    }
  }
  return out;
}

Result<Helper> HelperFor(const http::Request& request, const std::string& person_id, const Clock& clock) {
  const auth::Principal* p = auth::PrincipalOf(request);
  if (!p) return Unauthenticated("auth.login_required", "Connectez-vous pour accéder à cette page.");
  const bool agent = p->HasRole(auth::Role::kAgent);
  if ((!agent && !p->HasRole(auth::Role::kAidant)) || p->person_id == person_id) {
    return PermissionDenied("console.not_a_helper",
                            "Seul un agent ou un aidant agissant pour la personne peut faire cela.");
  }
  if (!p->HasMandateFor(person_id, clock.NowMillis())) {
    return PermissionDenied("vault.no_mandate", "Aucun mandat en cours ne vous permet d'agir pour cette personne.");
  }
  Helper h;
  h.agent = agent;
  h.user_id = p->user_id;
  h.actor = std::string(agent ? "agent:" : "aidant:") + p->user_id;
  h.name = p->display_name;
  if (agent) {
    auto orgs = AgentOrganisations(*p);
    if (!orgs.empty()) h.organisation = orgs.front();
  }
  return h;
}

const ActorLabel& ActorNamer::Name(const std::string& actor) {
  auto it = cache_.find(actor);
  if (it == cache_.end()) it = cache_.emplace(actor, Resolve(actor)).first;
  return it->second;
}

ActorLabel ActorNamer::Resolve(const std::string& actor) {
  const auto colon = actor.find(':');
  const std::string kind = colon == std::string::npos ? actor : actor.substr(0, colon);
  const std::string id = colon == std::string::npos ? "" : actor.substr(colon + 1);
  if (kind == "organisation") {
    const catalog::Administration* a =
        services_.journeys != nullptr ? services_.journeys->catalog().FindAdministration(id) : nullptr;
    return {"organisation", a != nullptr ? a->name.In(lang_) : id};
  }
  if (kind == "service" && services_.db != nullptr) {
    if (auto tx = services_.db->BeginRead(); tx.ok()) {
      if (auto service = exchange::GetService(**tx, id); service.ok()) {
        return {"service", lang_ == "en" ? service->name_en : service->name_fr};
      }
    }
  }
  if (kind == "service") return {"service", id};
  if (kind == "system" || kind == "platform") return {"platform", "Parcours"};
  if (kind == "usager" && id == person_id_) return {"self", ""};
  // A user: the person's own account, an aidant (the vault names aidants "usager:<user id>"),
  // or an agent.
  if (services_.auth != nullptr && !id.empty()) {
    if (auto p = services_.auth->LoadPrincipal(id); p.ok()) {
      if (!(*p)->person_id.empty() && (*p)->person_id == person_id_) return {"self", ""};
      if ((*p)->HasRole(auth::Role::kAgent)) return {"agent", (*p)->display_name};
      if ((*p)->HasRole(auth::Role::kAidant)) return {"aidant", (*p)->display_name};
      return {kind == "agent" ? "agent" : "aidant", (*p)->display_name};
    }
  }
  if (kind == "agent" || kind == "aidant") return {kind, id};
  return {"self", ""};
}

void RegisterConsoleResolvers(auth::Authorizer& authorizer, const Services& s) {
  authorizer.AddResolver("agent_dossier", [&s](std::string_view id) -> Result<auth::ObjectRef> {
    ASSIGN_OR_RETURN(auto tx, s.db->BeginRead());
    ASSIGN_OR_RETURN(store::Row row,
                     tx->QueryOne("SELECT s.organisation FROM exchange_deliveries d "
                                  "JOIN exchange_services s ON s.id = d.service_id WHERE d.id = $1 "
                                  "AND d.state <> 'skipped'",
                                  {std::string(id)}, "exchange.unknown_delivery", "Dossier introuvable."));
    return auth::ObjectRef{"", row.Text(0), ""};  // the receiving organisation only, not a mandate
  });
}

void RegisterConsoleRoutes(http::Router& router, const Services& services) {
  const Services& s = services;

  router.Add(
      "GET", "/api/v1/agent/dossiers",
      [&s](http::Request& r) {
        const auth::Principal* p = auth::PrincipalOf(r);
        if (!p || !s.outbox) return Fail(Unavailable("exchange.unavailable", "Les échanges ne sont pas disponibles."), r);
        const std::string status = r.Query("status").value_or("");
        if (!status.empty() && status != "toutes" && !IsAgencyStatus(status)) {
          return Fail(InvalidArgument("console.bad_filter", "Statut inconnu.").WithField("status", "Statut inconnu."), r);
        }
        const int64_t now = s.clock->NowMillis();
        json items = json::array();
        const auto orgs = AgentOrganisations(*p);
        for (const auto& org : orgs) {
          auto list = s.outbox->ListForOrganisation(org, status);
          if (!list.ok()) return Fail(list.status(), r);
          for (const auto& d : *list) items.push_back(QueueItemJson(d, now, r.Language()));
        }
        return http::Response::Json({{"organisations", orgs}, {"dossiers", items}});
      },
      "api.agent.dossiers", "agent");

  router.Add(
      "GET", "/api/v1/agent/dossiers/{dossier_id}",
      [&s](http::Request& r) {
        if (!s.outbox) return Fail(Unavailable("exchange.unavailable", "Les échanges ne sont pas disponibles."), r);
        auto d = s.outbox->GetDelivery(r.Param("dossier_id"));
        if (!d.ok()) return Fail(d.status(), r);
        return http::Response::Json(QueueItemJson(*d, s.clock->NowMillis(), r.Language()));
      },
      "api.agent.dossier", "agent_dossier");

  router.Add(
      "GET", "/api/v1/aidant/persons",
      [&s](http::Request& r) {
        const auth::Principal* p = auth::PrincipalOf(r);
        if (!p) return Fail(Unauthenticated("auth.login_required", "Connexion requise."), r);
        json out = json::array();
        for (const auto& m : p->mandates) {
          if (m.ends_ms <= s.clock->NowMillis()) continue;
          out.push_back({{"person_id", m.person_id}, {"mandate_id", m.id}, {"scopes", m.scopes},
                         {"ends", Rfc3339(m.ends_ms)}});
        }
        return http::Response::Json({{"persons", out}});
      },
      "api.aidant.persons", "aidant");

  router.Add(
      "GET", "/api/v1/persons/{person_id}/timeline",
      [&s](http::Request& r) {
        int limit = 100;
        if (auto text = r.Query("limit")) {
          try {
            std::size_t used = 0;
            limit = std::stoi(*text, &used);
            if (used != text->size()) limit = 0;
          } catch (const std::exception&) {
            limit = 0;
          }
        }
        const std::string& person = r.Param("person_id");
        // The person sees every event; a helper what its mandate covers.
        const auth::Principal* p = auth::PrincipalOf(r);
        const int64_t now = s.clock->NowMillis();
        auto events = console::Timeline(*s.db, person, limit, [&](std::string_view scope) {
          return p != nullptr && (p->person_id == person || p->HasMandateFor(person, now, scope));
        });
        if (!events.ok()) return Fail(events.status(), r);
        return http::Response::Json({{"person_id", person}, {"events", TimelineJson(s, person, *events)}});
      },
      "api.persons.timeline", "person");

  router.Add(
      "POST", "/api/v1/persons/{person_id}/interactions",
      [&s](http::Request& r) {
        const std::string& person = r.Param("person_id");
        auto helper = HelperFor(r, person, *s.clock);
        if (!helper.ok()) return Refused(s, r, helper.status());
        auto body = r.JsonBody();
        if (!body.ok()) return Fail(body.status(), r);
        if (!body->is_object()) {
          return Fail(InvalidArgument("console.bad_interaction", "Un objet JSON est attendu.").WithField("/", "Objet attendu."), r);
        }
        auto text = [&](const char* key) {
          auto it = body->find(key);
          return it != body->end() && it->is_string() ? it->get<std::string>() : std::string();
        };
        console::Interaction in{person, helper->actor, helper->name, helper->organisation,
                                text("channel"), text("subject"), text("note")};
        auto id = console::RecordInteraction(*s.db, *s.clock, in);
        if (!id.ok()) return Fail(id.status(), r);
        return http::Response::Json({{"event_id", *id}, {"person_id", person}, {"actor", helper->actor},
                                     {"channel", in.channel}},
                                    201);
      },
      "api.persons.interactions", "person");

  router.Add(
      "PUT", "/api/v1/persons/{person_id}/journeys/{journey_id}/steps/{step_id}/status",
      [&s](http::Request& r) {
        if (!s.journeys) return Fail(Unavailable("journeys.unavailable", "Le service des parcours n'est pas disponible."), r);
        const std::string& person = r.Param("person_id");
        auto helper = HelperFor(r, person, *s.clock);
        if (!helper.ok()) return Refused(s, r, helper.status());
        auto body = r.JsonBody();
        if (!body.ok()) return Fail(body.status(), r);
        std::optional<journeys::StepStatus> parsed;
        std::string channel = "counter";
        if (body->is_object()) {
          if ((*body)["status"].is_string()) parsed = journeys::ParseStepStatus((*body)["status"].get<std::string>());
          if (body->contains("channel")) channel = (*body)["channel"].is_string() ? (*body)["channel"].get<std::string>() : "";
        }
        if (!parsed) {
          const std::string message = "Statut attendu : a_faire, en_cours, envoyee, terminee ou non_concernee.";
          return Fail(InvalidArgument("journeys.invalid_status", message).WithField("/status", message), r);
        }
        if (channel != "counter" && channel != "phone") {
          return Fail(InvalidArgument("console.bad_channel", "Canal attendu : counter ou phone.")
                          .WithField("/channel", "counter ou phone."),
                      r);
        }
        auto view = s.journeys->SetStepStatus(journeys::Actor{helper->JourneysActor(), channel}, person, r.Param("journey_id"),
                                              r.Param("step_id"), *parsed);
        if (!view.ok()) return Fail(view.status(), r);
        const journeys::StepPlan* step = view->plan.Find(r.Param("step_id"));
        return http::Response::Json(detail::StepPlanJson(*step, s.journeys->catalog(), r.Language()));
      },
      "api.persons.step_status", "person");
}

}  // namespace parcours::api
