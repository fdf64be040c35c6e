// The agent console's work queue and dossier pages (see include/parcours/web/console_pages.h).
#include <nlohmann/json.hpp>

#include "field_errors.h"
#include "console_format.h"
#include "exchange_format.h"
#include "parcours/api/console.h"
#include "parcours/auth/principal.h"
#include "parcours/base/clock.h"
#include "parcours/console/console.h"
#include "parcours/exchange/inbound.h"
#include "parcours/exchange/outbox.h"
#include "parcours/vault/vault.h"
#include "parcours/web/console_pages.h"
#include "parcours/web/auth_pages.h"
#include "parcours/web/page.h"
#include "vault_format.h"

namespace parcours::web {
namespace {

using nlohmann::json;

// The agency statuses an agent may give, in the order of the machine.
constexpr const char* kStatuses[] = {"recue", "en_instruction", "informations_demandees", "acceptee", "refusee",
                                     "payee"};

std::string Short(const std::string& id) { return id.substr(id.size() > 8 ? id.size() - 8 : 0); }

json PersonLink(const api::Services& s, const http::Request& r, const std::string& person) {
  const auth::Principal* p = auth::PrincipalOf(r);
  const bool mandate = p != nullptr && p->HasMandateFor(person, s.clock->NowMillis());
  return {{"href", mandate ? json("/agent/personnes/" + person) : json(false)},
          {"label", Msg(s, r, "console.person_ref", {{"ref", Short(person)}})},
          {"no_mandate", mandate ? json(false) : json(Msg(s, r, "console.no_mandate"))}};
}

}  // namespace

// "Déclaration envoyée" for "fr.parcours.declaration.submitted" (console.events.declaration_submitted),
// else the event type itself.
std::string EventLabel(const api::Services& s, const http::Request& r, const std::string& type) {
  std::string key = type.rfind("fr.parcours.", 0) == 0 ? type.substr(12) : type;
  for (char& c : key) {
    if (c == '.' || c == '-') c = '_';
  }
  key = "console.events." + key;
  std::string label = Msg(s, r, key);
  return label == key ? type : label;
}

namespace {

http::Response QueuePage(const api::Services& s, const http::Request& r) {
  const auth::Principal& p = *auth::PrincipalOf(r);
  const std::string lang = PageLanguage(r);
  const std::string filter = r.Query("statut").value_or("");
  json options = json::array({{{"value", ""}, {"label", Msg(s, r, "console.filter_open")}, {"selected", filter.empty()}},
                              {{"value", "envoyee"},
                               {"label", exchange::AgencyStatusLabel("envoyee", lang)},
                               {"selected", filter == "envoyee"}}});
  bool known = filter.empty() || filter == "envoyee" || filter == "toutes";
  for (const char* st : kStatuses) {
    options.push_back({{"value", st}, {"label", exchange::AgencyStatusLabel(st, lang)}, {"selected", filter == st}});
    known = known || filter == st;
  }
  options.push_back({{"value", "toutes"}, {"label", Msg(s, r, "console.filter_all")}, {"selected", filter == "toutes"}});
  json errors = json::array();
  if (!known) errors.push_back({{"href", "#statut"}, {"message", Msg(s, r, "console.filter_unknown")}});

  const int64_t now = s.clock->NowMillis();
  const auto orgs = api::AgentOrganisations(p);
  json rows = json::array();
  for (const auto& org : orgs) {
    if (!known || !s.outbox) break;
    auto list = s.outbox->ListForOrganisation(org, filter);
    if (!list.ok()) return RefusalPage(s, r, list.status());
    for (const auto& d : *list) {
      const int age = api::AgeInDays(d.created_ms, now);
      const bool overdue = d.expected_delay_days > 0 && age > d.expected_delay_days;
      rows.push_back({{"href", "/agent/dossiers/" + d.id},
                      {"service", d.ServiceName(lang)},
                      {"reference", Short(d.id)},
                      {"received", detail::VaultDate(d.created_ms)},
                      {"age", Msg(s, r, "console.age_days", {{"n", std::to_string(age)}})},
                      {"overdue", overdue ? json(Msg(s, r, "console.overdue")) : json(false)},
                      {"tag", detail::DeliveryTag(d, lang)},
                      {"person", PersonLink(s, r, d.person_id)}});
    }
  }
  json persons = json::array();
  for (const auto& m : p.mandates) {
    if (m.ends_ms <= now) continue;
    persons.push_back({{"href", "/agent/personnes/" + m.person_id},
                       {"label", Msg(s, r, "console.person_ref", {{"ref", Short(m.person_id)}})},
                       {"ends", detail::VaultDate(m.ends_ms)}});
  }
  std::string org_list;
  for (const auto& o : orgs) org_list += (org_list.empty() ? "" : ", ") + OrganisationName(s, o, lang);
  json data = {{"title", Msg(s, r, "console.queue_title")},
               {"organisation", org_list.empty() ? json(false) : json(org_list)},
               {"filter_options", options},
               {"errors", errors},
               {"filter_error", known ? json(false) : json(Msg(s, r, "console.filter_unknown"))},
               {"dossiers", rows},
               {"has_dossiers", !rows.empty()},
               {"count", Msg(s, r, "console.queue_count", {{"n", std::to_string(rows.size())}})},
               {"persons", persons},
               {"has_persons", !persons.empty()}};
  return RenderPage(s, r, "agent_queue", std::move(data), known ? 200 : 422);
}

http::Response DossierPage(const api::Services& s, const http::Request& r, const exchange::DeliveryView& d,
                           const json& form_errors, const std::string& chosen, const std::string& message,
                           const std::string& reference, int status) {
  const std::string lang = PageLanguage(r);
  const auth::Principal& p = *auth::PrincipalOf(r);
  const int64_t now = s.clock->NowMillis();
  const int age = api::AgeInDays(d.created_ms, now);

  json options = json::array();
  for (const char* st : kStatuses) {
    if (!exchange::IsAllowedTransition(d.agency_status, st)) continue;
    options.push_back({{"value", st},
                       {"label", exchange::AgencyStatusLabel(st, lang)},
                       {"checked", chosen == st},
                       {"option_hint", false}});
  }
  auto field_error = [&](const std::string& field) -> json {
    for (const auto& e : form_errors) {
      if (e.value("field", "") == field) return e["message"];
    }
    return false;
  };
  json summary = json::array(
      {{{"label", Msg(s, r, "console.col_service")}, {"value", d.ServiceName(lang)}},
       {{"label", Msg(s, r, "console.col_reference")}, {"value", d.id}},
       {{"label", Msg(s, r, "console.col_received")}, {"value", detail::VaultDateTime(d.created_ms, lang)}},
       {{"label", Msg(s, r, "console.col_age")},
        {"value", Msg(s, r, "console.age_days", {{"n", std::to_string(age)}}) +
                      (d.expected_delay_days > 0
                           ? " (" + Msg(s, r, "console.expected_delay", {{"n", std::to_string(d.expected_delay_days)}}) + ")"
                           : "")}},
       {{"label", Msg(s, r, "console.col_sent")},
        {"value", s.vault ? detail::AttributeLabels(*s.vault, d.attributes, lang) : ""}},
       {{"label", Msg(s, r, "console.col_message")}, {"value", d.agency_message.value_or("")}},
       {{"label", Msg(s, r, "console.col_agency_reference")}, {"value", d.agency_reference.value_or("")}}});

  // The dossier's history: who moved it, from the person's event log.
  json history = json::array();
  if (auto events = console::Timeline(*s.db, d.person_id, 500); events.ok()) {
    api::ActorNamer namer(s, d.person_id);
    for (const auto& e : *events) {
      if (e.subject != d.id) continue;
      auto data = json::parse(e.data_json, nullptr, false);
      std::string what = EventLabel(s, r, e.type);
      if (e.type == "fr.parcours.delivery.status_changed" && data.is_object()) {
        what = Msg(s, r, "console.status_moved",
                   {{"from", exchange::AgencyStatusLabel(data.value("from", ""), lang)},
                    {"to", exchange::AgencyStatusLabel(data.value("to", ""), lang)}});
      }
      const api::ActorLabel& who = namer.Name(e.actor);
      history.push_back({{"when", detail::VaultDateTime(e.time_ms, lang)},
                         {"what", what},
                         {"who", who.name.empty() ? Msg(s, r, "console.who_" + who.kind) : who.name}});
    }
  }
  json data = {{"title", Msg(s, r, "console.dossier_title", {{"service", d.ServiceName(lang)}})},
               {"service", d.ServiceName(lang)},
               {"action", "/agent/dossiers/" + d.id + "/statut"},
               {"csrf_token", p.csrf_token},
               {"tag", detail::DeliveryTag(d, lang)},
               {"summary", summary},
               {"person", PersonLink(s, r, d.person_id)},
               {"errors", form_errors},
               {"can_move", !options.empty()},
               {"status_radios",
                {{"id", "statut"},
                 {"name", "statut"},
                 {"legend", Msg(s, r, "console.new_status")},
                 {"hint", Msg(s, r, "console.new_status_hint")},
                 {"error", field_error("statut")},
                 {"required", true},
                 {"options", options}}},
               {"message", message},
               {"message_error", field_error("message")},
               {"reference_field",
                {{"id", "reference"},
                 {"name", "reference"},
                 {"label", Msg(s, r, "console.agency_reference")},
                 {"hint", false},
                 {"error", field_error("reference")},
                 {"value", reference},
                 {"type", false},
                 {"required", false},
                 {"autocomplete", false},
                 {"inputmode", false},
                 {"width", "medium"}}},
               {"history", history},
               {"has_history", !history.empty()}};
  if (r.Query("modifie")) data["notice"] = {{"text", Msg(s, r, "console.status_saved")}, {"kind", "success"}, {"title", false}};
  return RenderPage(s, r, "agent_dossier", std::move(data), status);
}

}  // namespace

namespace detail {

void RegisterAgentQueuePages(http::Router& router, const api::Services& services) {
  const api::Services& s = services;

  router.Add("GET", "/agent", [&s](http::Request& r) { return QueuePage(s, r); }, "web.agent.queue", "agent");

  router.Add(
      "GET", "/agent/dossiers/{dossier_id}",
      [&s](http::Request& r) {
        auto d = s.outbox->GetDelivery(r.Param("dossier_id"));
        if (!d.ok()) return RefusalPage(s, r, d.status());
        return DossierPage(s, r, *d, json::array(), "", "", "", 200);
      },
      "web.agent.dossier", "agent_dossier");

  router.Add(
      "POST", "/agent/dossiers/{dossier_id}/statut",
      [&s](http::Request& r) {
        const auth::Principal& p = *auth::PrincipalOf(r);
        auto d = s.outbox->GetDelivery(r.Param("dossier_id"));
        if (!d.ok()) return RefusalPage(s, r, d.status());
        const auto form = r.FormFields();
        auto value = [&form](const char* k) {
          auto it = form.find(k);
          return it == form.end() ? std::string() : it->second;
        };
        exchange::StatusUpdate update{value("statut"), value("message"), value("reference")};
        json errors = json::array();
        if (update.status.empty()) {
          errors.push_back({{"field", "statut"}, {"href", "#statut"}, {"message", Msg(s, r, "console.error_status")}});
          return DossierPage(s, r, *d, errors, "", update.message, update.reference, 422);
        }
        // The same machine as the agencies' API: the dossier's own organisation moves it.
        auto changed = exchange::UpdateDeliveryStatus(*s.db, *s.clock, d->organisation, d->id, update,
                                                      {p.Actor(), "web"});
        if (!changed.ok()) {
          const Status& st = changed.status();
          if (st.code() != StatusCode::kInvalidArgument && st.code() != StatusCode::kConflict) {
            return RefusalPage(s, r, st);
          }
          std::string field = st.field_errors().empty() ? "statut" : st.field_errors()[0].field;
          if (field != "message" && field != "reference") field = "statut";
          errors.push_back({{"field", field},
                            {"href", "#" + field},
                            {"message", detail::RefusalMessage(*s.renderer, PageLanguage(r), st)}});
          return DossierPage(s, r, *d, errors, update.status, update.message, update.reference,
                             st.code() == StatusCode::kConflict ? 409 : 422);
        }
        return http::Response::Redirect("/agent/dossiers/" + d->id + "?modifie=1");
      },
      "web.agent.dossier_status", "agent_dossier");
}

}  // namespace detail

void RegisterConsolePages(http::Router& router, const api::Services& services) {
  detail::RegisterAgentQueuePages(router, services);
  detail::RegisterPersonPages(router, services);
}

}  // namespace parcours::web
