// The person view of an agent or aidant acting under a mandate, and the aidant's home (see
// include/parcours/web/console_pages.h). Every read of the person's data goes through the vault
// as the helper, so the person sees it in "Qui a consulté mes données"; every action is an event
// whose actor and channel say who acted for whom.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "field_errors.h"
#include "console_format.h"
#include "exchange_format.h"
#include "parcours/api/console.h"
#include "parcours/auth/auth.h"
#include "parcours/auth/principal.h"
#include "parcours/base/clock.h"
#include "parcours/base/json.h"
#include "parcours/console/console.h"
#include "parcours/exchange/inbound.h"
#include "parcours/exchange/outbox.h"
#include "parcours/exchange/registry.h"
#include "parcours/journeys/journeys.h"
#include "parcours/vault/vault.h"
#include "parcours/web/auth_pages.h"
#include "parcours/web/console_pages.h"
#include "parcours/web/page.h"
#include "journey_forms.h"
#include "vault_format.h"

namespace parcours::web {
namespace {

using nlohmann::json;

constexpr const char* kNameAttributes[] = {"individu . prénoms", "individu . nom d'usage", "individu . nom"};
constexpr journeys::StepStatus kStepStatuses[] = {journeys::StepStatus::kTodo, journeys::StepStatus::kInProgress,
                                                  journeys::StepStatus::kSent, journeys::StepStatus::kDone,
                                                  journeys::StepStatus::kNotConcerned};

std::string Short(const std::string& id) { return id.substr(id.size() > 8 ? id.size() - 8 : 0); }

vault::Actor VaultActor(const api::Helper& h, const std::string& person) {
  return h.agent ? vault::Actor::Agent(h.user_id, person) : vault::Actor::Aidant(h.user_id, person);
}

vault::Purpose Accompaniment(const api::Helper& h) {
  std::string label = "Accompagnement par " + h.name;
  if (!h.organisation.empty()) label += " (" + h.organisation + ")";
  return {"accompagnement", label, "web"};
}

// "Prénoms Nom" from the records read, or "" when the vault holds no name.
std::string NameOf(const std::vector<vault::AttributeRecord>& records) {
  std::map<std::string, std::string> by_name;
  for (const auto& rec : records) by_name[rec.name] = rec.value;
  std::string family = by_name["individu . nom d'usage"].empty() ? by_name["individu . nom"] : by_name["individu . nom d'usage"];
  std::string given = by_name["individu . prénoms"];
  return given + (given.empty() || family.empty() ? "" : " ") + family;
}

std::string MandateEnd(const auth::Principal& p, const std::string& person, int64_t now) {
  int64_t end = 0;
  for (const auto& m : p.mandates) {
    if (m.person_id == person && m.ends_ms > now) end = std::max(end, m.ends_ms);
  }
  return end == 0 ? "" : detail::VaultDate(end);
}

json ChannelRadios(const api::Services& s, const http::Request& r, const std::string& id, const std::string& legend,
                   std::vector<std::string> channels, const std::string& chosen, const json& error) {
  json options = json::array();
  for (const auto& c : channels) {
    options.push_back({{"value", c}, {"label", Msg(s, r, "console.channel_" + c)}, {"checked", c == chosen},
                       {"option_hint", false}});
  }
  return {{"id", id}, {"name", "canal"}, {"legend", legend}, {"hint", false}, {"error", error},
          {"required", true}, {"options", options}};
}

// What the page shows of an event besides its label, in words rather than ids: the interaction's
// subject and note, the journey, the step and its new status, the declaration, the dossier's
// move, what a life-event signal did.
std::string EventDetail(const api::Services& s, const store::Event& e, const std::string& lang) {
  auto parsed = ParseJson(e.data_json);
  if (!parsed.ok() || !parsed->is_object()) return "";
  const json& d = *parsed;
  const catalog::Catalog* catalog = s.journeys != nullptr ? &s.journeys->catalog() : nullptr;
  auto event_title = [&](const std::string& id) {
    const catalog::Event* event = catalog != nullptr ? catalog->FindEvent(id) : nullptr;
    return event != nullptr ? event->title.In(lang) : id;
  };
  if (e.type == "fr.parcours.interaction.recorded") {
    std::string note = d.value("note", "");
    return d.value("subject", "") + (note.empty() ? "" : " : " + note);
  }
  if (e.type == "fr.parcours.journey.step.status_changed") {
    const std::string step_id = d.value("step_id", "");
    const catalog::Event* event = catalog != nullptr ? catalog->FindEvent(d.value("event_id", "")) : nullptr;
    const catalog::Step* step = event != nullptr ? event->FindStep(step_id) : nullptr;
    std::string to = d.value("to", "");
    auto status = journeys::ParseStepStatus(to);
    return (step != nullptr ? step->title.In(lang) : step_id) + " → " +
           (status ? journeys::StepStatusLabel(*status).In(lang) : to);
  }
  if (e.type == "fr.parcours.delivery.status_changed" || e.type == "fr.parcours.declaration.submitted") {
    auto tx = s.db->BeginRead();
    if (!tx.ok()) return "";
    if (e.type == "fr.parcours.declaration.submitted") {
      auto bundle = exchange::GetBundle(**tx, d.value("bundle", ""));
      return bundle.ok() ? (lang == "en" ? bundle->title_en : bundle->title_fr) : d.value("bundle", "");
    }
    auto service = exchange::GetService(**tx, d.value("service", ""));
    return (service.ok() ? (lang == "en" ? service->name_en : service->name_fr) : d.value("service", "")) + " : " +
           exchange::AgencyStatusLabel(d.value("from", ""), lang) + " → " +
           exchange::AgencyStatusLabel(d.value("to", ""), lang);
  }
  if (e.type == "fr.parcours.journey.started") return event_title(d.value("event_id", d.value("evenement", "")));
  if (e.type == "fr.parcours.signal.received" && catalog != nullptr) {
    // The steps it does (journeys/sync.h): "Déclarer la naissance".
    const std::string type = d.contains("signal") && d["signal"].is_object() ? d["signal"].value("type", "") : "";
    for (const catalog::Event& event : catalog->events()) {
      for (const catalog::Step& step : event.steps) {
        if (step.fulfilled_by && step.fulfilled_by->signal == type) return step.title.In(lang);
      }
    }
  }
  return "";
}

}  // namespace

json TimelineRows(const api::Services& s, const http::Request& r, const std::vector<store::Event>& events,
                  const std::string& person, const std::string& name) {
  const std::string lang = PageLanguage(r);
  json rows = json::array();
  api::ActorNamer namer(s, person, lang);
  for (const auto& e : events) {
    const api::ActorLabel& who = namer.Name(e.actor);
    const std::string someone = who.name.empty() ? Msg(s, r, "console.who_" + who.kind) : who.name;
    std::string by;
    if (name.empty()) {  // read by the person: "Vous", "Sophie Martin, pour vous"
      by = who.kind == "self" ? Msg(s, r, "vault.who_self") : Msg(s, r, "console.by_for_you", {{"who", someone}});
    } else {
      by = who.kind == "self" ? Msg(s, r, "console.by_self", {{"person", name}})
                              : Msg(s, r, "console.by_for", {{"who", someone}, {"person", name}});
    }
    const std::string channel_key = "console.channel_" + e.channel;
    std::string channel = Msg(s, r, channel_key);
    rows.push_back({{"when", detail::VaultDateTime(e.time_ms, lang)},
                    {"what", EventLabel(s, r, e.type)},
                    {"detail", EventDetail(s, e, lang)},
                    {"who", by},
                    {"channel", channel == channel_key ? e.channel : channel}});
  }
  return rows;
}

namespace {

struct FormState {
  json errors = json::array();
  std::string journey_id;       // the journey whose step form has an error
  std::string step_error;
  std::string interaction_channel;
  std::string subject, note;
  json channel_error = false, subject_error = false, note_error = false;
};

http::Response PersonPage(const api::Services& s, const http::Request& r, const api::Helper& h,
                          const std::string& person, const FormState& form, int status) {
  const std::string lang = PageLanguage(r);
  const auth::Principal& p = *auth::PrincipalOf(r);
  const int64_t now = s.clock->NowMillis();
  const vault::Actor actor = VaultActor(h, person);
  // Only what the mandate covers is read and shown (Mes aidants: vault, journeys, declarations).
  const bool see_vault = p.HasMandateFor(person, now, "vault");
  const bool see_journeys = p.HasMandateFor(person, now, "journeys");
  const bool see_declarations = p.HasMandateFor(person, now, "declarations");

  // The person's information, read through the vault as the helper (logged for the person).
  json records = json::array();
  std::string name;
  if (s.vault && see_vault) {
    if (Status st = s.vault->EnsurePerson(actor, person); !st.ok()) return RefusalPage(s, r, st);
    auto read = s.vault->Read(actor, person, {}, Accompaniment(h));
    if (!read.ok()) return RefusalPage(s, r, read.status());
    name = NameOf(*read);
    for (const auto& rec : *read) {
      const vault::AttributeDef* def = s.vault->registry().Find(rec.name);
      std::string display = def ? vault::DisplayValue(*def, rec.value) : rec.value;
      if (rec.sensitive) display = detail::MaskSensitive(display);
      records.push_back({{"label", def ? (lang == "en" ? def->label_en : def->label_fr) : rec.name},
                         {"display", display},
                         {"provenance", vault::DescribeProvenance(rec.provenance, lang, /*to_person=*/false)},
                         {"updated", detail::VaultDate(rec.collected_at_ms)}});
    }
  }
  if (name.empty()) name = Msg(s, r, "console.person_ref", {{"ref", Short(person)}});

  // Journeys and their steps, with a form per journey to update a step for the person.
  json journeys_out = json::array();
  if (s.journeys && see_journeys) {
    auto list = s.journeys->List(person);
    if (!list.ok()) return RefusalPage(s, r, list.status());
    int index = 0;
    for (const auto& j : *list) {
      auto view = s.journeys->Get(journeys::Actor{h.JourneysActor(), "web"}, person, j.id);
      if (!view.ok() || view->event == nullptr) continue;
      json steps = json::array();
      json step_options = json::array();
      for (const auto& sp : view->plan.steps) {
        if (sp.applicability == journeys::Applicability::kNotApplicable) continue;
        steps.push_back({{"title", sp.step->title.In(lang)},
                         {"tag", {{"label", journeys::StepStatusLabel(sp.status).In(lang)}, {"kind", detail::StepStatusKind(sp.status)}}}});
        step_options.push_back({{"value", sp.step->id}, {"label", sp.step->title.In(lang)}});
      }
      json status_options = json::array();
      for (auto st : kStepStatuses) {
        status_options.push_back({{"value", std::string(journeys::StepStatusName(st))},
                                  {"label", journeys::StepStatusLabel(st).In(lang)}});
      }
      const std::string idx = std::to_string(index++);
      const bool has_error = form.journey_id == j.id;
      journeys_out.push_back(
          {{"title", view->event->title.In(lang)},
           {"date", view->journey.event_date.ToFrench()},
           {"steps", steps},
           {"idx", idx},
           {"action", "/agent/personnes/" + person + "/parcours/" + j.id + "/etape"},
           {"step_options", step_options},
           {"status_options", status_options},
           {"step_error", has_error ? json(form.step_error) : json(false)},
           {"channel_radios", ChannelRadios(s, r, "canal-" + idx, Msg(s, r, "console.step_channel"), {"counter", "phone"},
                                            "counter", false)}});
    }
  }

  // Declarations and what each agency did with them.
  json declarations = json::array();
  if (s.outbox && see_declarations) {
    auto list = s.outbox->ListForPerson(person);
    if (!list.ok()) return RefusalPage(s, r, list.status());
    for (const auto& d : *list) declarations.push_back(detail::DeclarationView(s, d, lang));
  }

  // The timeline: the person's events the mandate covers, who acted, for whom, through which channel.
  auto events = console::Timeline(*s.db, person, 100,
                                  [&](std::string_view scope) { return p.HasMandateFor(person, now, scope); });
  if (!events.ok()) return RefusalPage(s, r, events.status());
  const json timeline = TimelineRows(s, r, *events, person, name);

  const std::string ends = MandateEnd(p, person, now);
  json data = {
      {"title", Msg(s, r, "console.person_title", {{"name", name}})},
      {"name", name},
      {"errors", form.errors},
      {"back", p.HasRole(auth::Role::kAgent) ? "/agent" : "/aidant"},
      {"acting", {{"title", false},
                  {"kind", "info"},
                  {"text", Msg(s, r, "console.acting_for", {{"who", h.name}, {"person", name}, {"date", ends}})}}},
      {"csrf_token", p.csrf_token},
      {"journeys", journeys_out},
      {"has_journeys", !journeys_out.empty()},
      {"journeys_empty", Msg(s, r, see_journeys ? "console.journeys_empty" : "console.out_of_mandate_journeys")},
      {"declarations", declarations},
      {"has_declarations", !declarations.empty()},
      {"declarations_empty",
       Msg(s, r, see_declarations ? "console.declarations_empty" : "console.out_of_mandate_declarations")},
      {"records", records},
      {"has_records", !records.empty()},
      {"records_empty", Msg(s, r, see_vault ? "console.records_empty" : "console.out_of_mandate_vault")},
      {"records_logged", see_vault},
      {"interaction_action", "/agent/personnes/" + person + "/echanges"},
      {"interaction_radios", ChannelRadios(s, r, "canal", Msg(s, r, "console.interaction_channel"),
                                           {"counter", "phone", "mail"},
                                           form.interaction_channel.empty() ? "counter" : form.interaction_channel,
                                           form.channel_error)},
      {"subject_field", {{"id", "objet"}, {"name", "objet"}, {"label", Msg(s, r, "console.interaction_subject")},
                         {"hint", false}, {"error", form.subject_error}, {"value", form.subject}, {"type", false},
                         {"required", true}, {"autocomplete", false}, {"inputmode", false}, {"width", false}}},
      {"note", form.note},
      {"note_error", form.note_error},
      {"timeline", timeline},
      {"has_timeline", !timeline.empty()}};
  if (r.Query("echange")) data["notice"] = {{"title", false}, {"kind", "success"}, {"text", Msg(s, r, "console.interaction_saved")}};
  if (r.Query("etape")) data["notice"] = {{"title", false}, {"kind", "success"}, {"text", Msg(s, r, "console.step_saved")}};
  return RenderPage(s, r, "person_view", std::move(data), status);
}

std::string FormValue(const std::multimap<std::string, std::string>& form, const char* key) {
  auto it = form.find(key);
  return it == form.end() ? std::string() : it->second;
}

// The refusal page (403, or 401 for a missing login), audited like the policy layer's refusals.
http::Response Refuse(const api::Services& s, const http::Request& r, const Status& st) {
  const auth::Principal* p = auth::PrincipalOf(r);
  if (s.auth) {
    s.auth->Audit("access.denied", p ? p->Actor() : "anonymous", r.path, "", {{"reason", st.reason()}});
  }
  return RefusalPage(s, r, st);
}

}  // namespace

namespace detail {

void RegisterPersonPages(http::Router& router, const api::Services& services) {
  const api::Services& s = services;

  router.Add(
      "GET", "/agent/personnes/{person_id}",
      [&s](http::Request& r) {
        const std::string& person = r.Param("person_id");
        const auth::Principal* p = auth::PrincipalOf(r);
        if (p && p->person_id == person) return http::Response::Redirect("/mon-espace");
        auto h = api::HelperFor(r, person, *s.clock);
        if (!h.ok()) return Refuse(s, r, h.status());
        return PersonPage(s, r, *h, person, FormState{}, 200);
      },
      "web.agent.person", "person");

  router.Add(
      "POST", "/agent/personnes/{person_id}/echanges",
      [&s](http::Request& r) {
        const std::string& person = r.Param("person_id");
        auto h = api::HelperFor(r, person, *s.clock);
        if (!h.ok()) return Refuse(s, r, h.status());
        const auto fields = r.FormFields();
        console::Interaction in{person, h->actor, h->name, h->organisation, FormValue(fields, "canal"),
                                FormValue(fields, "objet"), FormValue(fields, "note")};
        auto id = console::RecordInteraction(*s.db, *s.clock, in);
        if (id.ok()) return http::Response::Redirect("/agent/personnes/" + person + "?echange=1#chronologie");
        if (id.status().code() != StatusCode::kInvalidArgument) return RefusalPage(s, r, id.status());
        FormState form;
        form.interaction_channel = in.channel;
        form.subject = in.subject;
        form.note = in.note;
        for (const auto& fe : id.status().field_errors()) {
          const std::string href = fe.field == "canal" ? "#canal" : fe.field == "note" ? "#note" : "#objet";
          form.errors.push_back({{"href", href}, {"message", fe.message}});
          if (fe.field == "canal") form.channel_error = fe.message;
          if (fe.field == "objet") form.subject_error = fe.message;
          if (fe.field == "note") form.note_error = fe.message;
        }
        return PersonPage(s, r, *h, person, form, 422);
      },
      "web.agent.person_interaction", "person");

  router.Add(
      "POST", "/agent/personnes/{person_id}/parcours/{journey_id}/etape",
      [&s](http::Request& r) {
        const std::string& person = r.Param("person_id");
        auto h = api::HelperFor(r, person, *s.clock);
        if (!h.ok()) return Refuse(s, r, h.status());
        if (!auth::PrincipalOf(r)->HasMandateFor(person, s.clock->NowMillis(), "journeys")) {
          return Refuse(s, r,
                        PermissionDenied("console.out_of_mandate_journeys", Msg(s, r, "console.out_of_mandate_journeys")));
        }
        if (!s.journeys) return RefusalPage(s, r, Unavailable("journeys.unavailable", "Parcours indisponibles."));
        const auto fields = r.FormFields();
        const std::string channel = FormValue(fields, "canal");
        auto status = journeys::ParseStepStatus(FormValue(fields, "statut"));
        Status st = Status::Ok();
        if (!status) {
          st = InvalidArgument("journeys.invalid_status", Msg(s, r, "console.error_step_status"));
        } else if (channel != "counter" && channel != "phone") {
          st = InvalidArgument("console.bad_channel", Msg(s, r, "console.error_step_channel"));
        } else {
          st = s.journeys
                   ->SetStepStatus(journeys::Actor{h->JourneysActor(), channel}, person, r.Param("journey_id"),
                                   FormValue(fields, "etape"), *status)
                   .status();
        }
        if (st.ok()) return http::Response::Redirect("/agent/personnes/" + person + "?etape=1#parcours");
        if (st.code() == StatusCode::kNotFound && st.reason() == "journeys.not_found") {
          return RefusalPage(s, r, st);
        }
        if (st.code() != StatusCode::kInvalidArgument && st.code() != StatusCode::kConflict &&
            st.code() != StatusCode::kNotFound) {
          return RefusalPage(s, r, st);
        }
        FormState form;
        form.journey_id = r.Param("journey_id");
        form.step_error = detail::RefusalMessage(*s.renderer, PageLanguage(r), st);
        // The error summary links to the journey's step list (its index on the page).
        int index = 0;
        if (auto list = s.journeys->List(person); list.ok()) {
          for (std::size_t i = 0; i < list->size(); ++i) {
            if ((*list)[i].id == form.journey_id) index = static_cast<int>(i);
          }
        }
        form.errors.push_back({{"href", "#etape-" + std::to_string(index)}, {"message", form.step_error}});
        return PersonPage(s, r, *h, person, form, st.code() == StatusCode::kConflict ? 409 : 422);
      },
      "web.agent.person_step", "person");

  router.Add(
      "GET", "/aidant",
      [&s](http::Request& r) {
        const auth::Principal& p = *auth::PrincipalOf(r);
        const int64_t now = s.clock->NowMillis();
        json persons = json::array();
        for (const auto& m : p.mandates) {
          if (m.ends_ms <= now) continue;
          std::string name;
          if (s.vault) {
            api::Helper h{"aidant:" + p.user_id, p.user_id, p.display_name, "", false};
            auto read = s.vault->Read(VaultActor(h, m.person_id), m.person_id,
                                      {std::begin(kNameAttributes), std::end(kNameAttributes)}, Accompaniment(h));
            if (read.ok()) name = NameOf(*read);
          }
          std::string scopes;
          for (const auto& sc : m.scopes) {
            std::string slug = sc == "*" ? std::string("all") : sc;
            std::replace(slug.begin(), slug.end(), '.', '_');
            const std::string key = "console.scope_" + slug;
            std::string label = Msg(s, r, key);
            scopes += (scopes.empty() ? "" : ", ") + (label == key ? sc : label);
          }
          persons.push_back({{"href", "/agent/personnes/" + m.person_id},
                             {"name", name.empty() ? Msg(s, r, "console.person_ref", {{"ref", Short(m.person_id)}}) : name},
                             {"scopes", scopes},
                             {"ends", detail::VaultDate(m.ends_ms)}});
        }
        return RenderPage(s, r, "aidant_home",
                          {{"title", Msg(s, r, "console.aidant_title")},
                           {"persons", persons},
                           {"has_persons", !persons.empty()}});
      },
      "web.aidant.home", "aidant");
}

}  // namespace detail
}  // namespace parcours::web
