// The person's complaint pages (see include/parcours/web/complaint_pages.h).
#include "parcours/web/complaint_pages.h"

#include <algorithm>
#include <set>

#include "complaint_view.h"
#include "parcours/api/complaints.h"
#include "parcours/api/vault.h"
#include "parcours/auth/principal.h"
#include "parcours/base/clock.h"
#include "parcours/catalog/catalog.h"
#include "parcours/complaints/complaints.h"
#include "parcours/exchange/outbox.h"
#include "parcours/journeys/journeys.h"
#include "parcours/web/auth_pages.h"
#include "parcours/web/page.h"
#include "vault_format.h"

namespace parcours::web {

void RegisterComplaintAgentPages(http::Router& router, const api::Services& services);

namespace {

using nlohmann::json;
using detail::FormField;

struct Form {
  std::string sujet, categorie, texte, reference;
};

// "service:caf", "dossier:<delivery id>", "step:<journey id>:<step id>".
std::optional<complaints::Subject> ParseSubject(const std::string& value) {
  complaints::Subject s;
  const auto colon = value.find(':');
  if (colon == std::string::npos) return std::nullopt;
  const std::string kind = value.substr(0, colon), rest = value.substr(colon + 1);
  if (rest.empty()) return std::nullopt;
  if (kind == "service") {
    s.about = complaints::About::kService;
    s.service = rest;
  } else if (kind == "dossier") {
    s.about = complaints::About::kDossier;
    s.dossier_id = rest;
  } else if (kind == "step") {
    const auto second = rest.find(':');
    if (second == std::string::npos) return std::nullopt;
    s.about = complaints::About::kStep;
    s.journey_id = rest.substr(0, second);
    s.step_id = rest.substr(second + 1);
  } else {
    return std::nullopt;
  }
  return s;
}

// The subjects a person may choose: administrations of the catalogue, their dossiers, the
// steps of their journeys; as option groups.
json SubjectGroups(const api::Services& s, const http::Request& r, const std::string& person,
                   const std::string& selected) {
  const std::string lang = PageLanguage(r);
  const catalog::Catalog& catalog = s.journeys->catalog();
  auto option = [&](std::string value, std::string label) {
    const bool sel = value == selected;
    return json{{"value", std::move(value)}, {"label", std::move(label)}, {"selected", sel}};
  };
  json groups = json::array();
  // Administrations that carry a step of some life event, by name.
  std::set<std::string> ids;
  for (const auto& e : catalog.events()) {
    for (const auto& step : e.steps) ids.insert(step.administration);
  }
  std::vector<std::pair<std::string, std::string>> names;
  for (const auto& id : ids) {
    if (const catalog::Administration* a = catalog.FindAdministration(id)) names.emplace_back(a->name.In(lang), id);
  }
  std::sort(names.begin(), names.end());
  json services = json::array();
  for (const auto& [name, id] : names) services.push_back(option("service:" + id, name));
  groups.push_back({{"label", Msg(s, r, "complaints.group_services")}, {"options", services}});

  if (s.outbox != nullptr) {
    auto declarations = s.outbox->ListForPerson(person, 20);
    json dossiers = json::array();
    if (declarations.ok()) {
      for (const auto& d : *declarations) {
        for (const auto& v : d.deliveries) {
          dossiers.push_back(option("dossier:" + v.id, v.ServiceName(lang) + " (" +
                                                           Msg(s, r, "complaints.declared_on") + " " +
                                                           detail::VaultDate(d.created_ms) + ")"));
        }
      }
    }
    if (!dossiers.empty()) groups.push_back({{"label", Msg(s, r, "complaints.group_dossiers")}, {"options", dossiers}});
  }
  auto journeys = s.journeys->List(person);
  if (journeys.ok()) {
    for (const auto& j : *journeys) {
      const catalog::Event* e = catalog.FindEvent(j.event_id);
      if (e == nullptr) continue;
      json steps = json::array();
      for (const auto& step : e->steps) steps.push_back(option("step:" + j.id + ":" + step.id, step.title.In(lang)));
      groups.push_back({{"label", Msg(s, r, "complaints.group_steps", {{"event", e->title.In(lang)}})},
                        {"options", steps}});
    }
  }
  return groups;
}

http::Response NewPage(const api::Services& s, const http::Request& r, const std::string& person, const Form& f,
                       const std::map<std::string, std::string>& errors, int status) {
  const auth::Principal* p = auth::PrincipalOf(r);
  auto error = [&](const std::string& k) {
    auto it = errors.find(k);
    return it == errors.end() ? json(false) : json(it->second);
  };
  json categories = json::array();
  for (const auto& c : complaints::Categories()) {
    categories.push_back({{"value", c},
                          {"label", Msg(s, r, "complaints.cat_" + c)},
                          {"checked", c == f.categorie},
                          {"option_hint", false}});
  }
  json radios = {{"id", "categorie"},     {"name", "categorie"}, {"legend", Msg(s, r, "complaints.category_legend")},
                 {"hint", false},         {"error", error("categorie")}, {"required", true},
                 {"options", categories}};
  json reference = {{"id", "reference"}, {"name", "reference"}, {"label", Msg(s, r, "complaints.reference_label")},
                    {"hint", Msg(s, r, "complaints.reference_hint")}, {"error", error("reference")},
                    {"value", f.reference}, {"type", false}, {"required", false}, {"autocomplete", false},
                    {"inputmode", false}, {"width", "medium"}};
  json summary = json::array();
  for (const char* k : {"sujet", "categorie", "texte", "reference"}) {
    if (auto it = errors.find(k); it != errors.end()) {
      summary.push_back({{"href", std::string("#") + (std::string(k) == "categorie" ? "categorie-delai" : k)},
                         {"message", it->second}});
    }
  }
  json data = {{"title", Msg(s, r, "complaints.new_title")},
               {"lead", Msg(s, r, "complaints.new_lead", {{"days", std::to_string(s.complaints->sla_days())}})},
               {"csrf_token", p ? p->csrf_token : ""},
               {"groups", SubjectGroups(s, r, person, f.sujet)},
               {"no_subject", f.sujet.empty()},
               {"sujet_error", error("sujet")},
               {"radios", radios},
               {"texte", f.texte},
               {"texte_error", error("texte")},
               {"max_chars", complaints::kMaxTextChars},
               {"reference", reference},
               {"submit", detail::PageButton(Msg(s, r, "complaints.submit"))}};
  if (!summary.empty()) data["errors"] = summary;
  return RenderPage(s, r, "complaint_new", std::move(data), status);
}

// The service's messages are in French: an English page gives its own, for the same field.
std::string FieldMessage(const api::Services& s, const http::Request& r, const std::string& key,
                         const std::string& french) {
  if (key == "sujet") return Msg(s, r, "complaints.error_subject");
  if (PageLanguage(r) == "fr") return french;
  return Msg(s, r, "complaints.error_" + key,
             {{"min", std::to_string(complaints::kMinTextChars)},
              {"max", std::to_string(key == "reference" ? complaints::kMaxReferenceChars : complaints::kMaxTextChars)}});
}

std::string FieldOfError(const std::string& field) {
  if (field == "category") return "categorie";
  if (field == "text") return "texte";
  if (field == "reference") return "reference";
  return "sujet";
}

}  // namespace

void RegisterComplaintPages(http::Router& router, const api::Services& services) {
  const api::Services& s = services;

  router.Add(
      "GET", "/mes-reclamations",
      [&s](http::Request& r) {
        auto person = api::OwnPersonId(r);
        if (!person.ok()) return RefusalPage(s, r, person.status());
        auto list = s.complaints->ListForPerson(*person);
        if (!list.ok()) return RefusalPage(s, r, list.status());
        const int64_t now = s.clock->NowMillis();
        json items = json::array();
        for (const auto& c : *list) items.push_back(detail::ComplaintView(s, r, c, now));
        json data = {{"title", Msg(s, r, "complaints.list_title")},
                     {"lead", Msg(s, r, "complaints.list_lead", {{"days", std::to_string(s.complaints->sla_days())}})},
                     {"complaints", items},
                     {"has_complaints", !items.empty()},
                     {"new_button", detail::PageLinkButton(Msg(s, r, "complaints.new_link"), "/mes-reclamations/nouvelle")}};
        return RenderPage(s, r, "complaints", std::move(data));
      },
      "web.complaints.list", "usager");

  router.Add(
      "GET", "/mes-reclamations/nouvelle",
      [&s](http::Request& r) {
        auto person = api::OwnPersonId(r);
        if (!person.ok()) return RefusalPage(s, r, person.status());
        Form f;
        f.sujet = r.Query("sujet").value_or("");
        return NewPage(s, r, *person, f, {}, 200);
      },
      "web.complaints.new", "usager");

  router.Add(
      "POST", "/mes-reclamations",
      [&s](http::Request& r) {
        auto person = api::OwnPersonId(r);
        if (!person.ok()) return RefusalPage(s, r, person.status());
        const auto fields = r.FormFields();
        Form f{FormField(fields, "sujet"), FormField(fields, "categorie"), FormField(fields, "texte"),
               FormField(fields, "reference")};
        std::map<std::string, std::string> errors;
        const auto subject = ParseSubject(f.sujet);
        if (!subject) errors["sujet"] = Msg(s, r, "complaints.error_subject");
        complaints::NewComplaint in;
        in.subject = subject.value_or(complaints::Subject{});
        in.category = f.categorie;
        in.text = f.texte;
        in.reference = f.reference;
        auto filed = s.complaints->File(api::ComplaintActor(r, true), *person, in);
        if (!filed.ok()) {
          const Status& st = filed.status();
          if (st.code() != StatusCode::kInvalidArgument && st.code() != StatusCode::kNotFound) {
            return RefusalPage(s, r, st);
          }
          for (const auto& fe : st.field_errors()) {
            const std::string key = FieldOfError(fe.field);
            if (key == "sujet" && !subject) continue;  // already said: choose one
            errors.emplace(key, FieldMessage(s, r, key, fe.message));
          }
          if (errors.empty()) {
            errors["sujet"] = PageLanguage(r) == "fr" ? st.message() : Msg(s, r, "complaints.error_subject");
          }
          return NewPage(s, r, *person, f, errors, 422);
        }
        if (!errors.empty()) return NewPage(s, r, *person, f, errors, 422);
        return http::Response::Redirect("/mes-reclamations/" + filed->id + "?deposee=1");
      },
      "web.complaints.create", "usager");

  router.Add(
      "GET", "/mes-reclamations/{complaint_id}",
      [&s](http::Request& r) {
        auto person = api::OwnPersonId(r);
        if (!person.ok()) return RefusalPage(s, r, person.status());
        auto c = s.complaints->GetForPerson(*person, r.Param("complaint_id"));
        if (!c.ok()) return RefusalPage(s, r, c.status());
        json data = detail::ComplaintView(s, r, *c, s.clock->NowMillis());
        data["title"] = Msg(s, r, "complaints.detail_title");
        if (r.Query("deposee")) {
          data["notice"] = detail::PageNotice(
              "success", Msg(s, r, "complaints.filed_notice",
                             {{"filed", detail::VaultDateTime(c->filed_ms, PageLanguage(r))},
                              {"due", detail::VaultDate(c->due_ms)},
                              {"reference", c->id}}));
        }
        data["back"] = detail::PageLinkButton(Msg(s, r, "complaints.back"), "/mes-reclamations");
        data["back"]["secondary"] = true;
        return RenderPage(s, r, "complaint", std::move(data));
      },
      "web.complaints.get", "usager");

  RegisterComplaintAgentPages(router, services);
}

}  // namespace parcours::web
