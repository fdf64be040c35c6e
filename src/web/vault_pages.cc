// The citizen's vault pages (see include/parcours/web/vault_pages.h).
#include "parcours/web/vault_pages.h"

#include <map>
#include <nlohmann/json.hpp>

#include "parcours/api/console.h"
#include "parcours/api/vault.h"
#include "parcours/auth/principal.h"
#include "parcours/base/clock.h"
#include "parcours/console/console.h"
#include "parcours/vault/vault.h"
#include "parcours/web/auth_pages.h"
#include "parcours/web/page.h"
#include "console_format.h"
#include "field_errors.h"
#include "vault_format.h"

namespace parcours::web {
namespace {

using nlohmann::json;

const vault::Purpose kSelf{"self", "Consultation de vos informations", "web"};

struct Context {
  vault::Vault* vault = nullptr;
  std::string person;
  vault::Actor actor;
  std::string csrf;
  std::string lang;
};

// Resolves the logged-in usager, or the refusal to show when it cannot.
Result<Context> Resolve(const api::Services& s, const http::Request& r) {
  if (!s.vault) return Unavailable("vault.unavailable", "Le coffre de données n'est pas disponible.");
  ASSIGN_OR_RETURN(std::string person, api::OwnPersonId(r));
  Context c{s.vault, person, vault::Actor::Usager(person), "", PageLanguage(r)};
  if (const auth::Principal* p = auth::PrincipalOf(r)) c.csrf = p->csrf_token;
  RETURN_IF_ERROR(s.vault->EnsurePerson(c.actor, person));
  return c;
}

// Refusals answer a page with a way back to the person's information.
http::Response Refuse(const api::Services& s, const http::Request& r, const Status& status) {
  return RefusalPage(s, r, status, {"vault.back", "/mes-informations"});
}

json Nav(const api::Services& s, const http::Request& r, const std::string& current) {
  json nav = json::array();
  for (const auto& [href, key] : std::vector<std::pair<std::string, std::string>>{
           {"/mes-informations", "vault.nav_info"}, {"/mes-consentements", "vault.nav_consents"},
           {"/qui-a-consulte", "vault.nav_log"}, {"/mon-historique", "vault.nav_timeline"}}) {
    nav.push_back({{"href", href}, {"label", Msg(s, r, key)}, {"current", href == current}});
  }
  return nav;
}

std::string Label(const vault::Vault& v, const std::string& name, const std::string& lang) {
  const vault::AttributeDef* def = v.registry().Find(name);
  if (!def) return name == "ménage" ? (lang == "en" ? "Household" : "Composition du foyer") : name;
  return lang == "en" ? def->label_en : def->label_fr;
}

std::string Labels(const vault::Vault& v, const std::vector<std::string>& names, const std::string& lang) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + Label(v, n, lang);
  return out;
}

std::map<std::string, vault::ServicePurpose> ServicesById(vault::Vault& v) {
  std::map<std::string, vault::ServicePurpose> out;
  auto list = v.ListServices();
  if (list.ok()) {
    for (auto& d : *list) out[d.service_id + "\n" + d.purpose] = d;
  }
  return out;
}

// The purpose a service declared, in the page's language when it gave one.
const std::string& PurposeLabel(const vault::ServicePurpose& d, const std::string& lang) {
  return lang == "en" && !d.purpose_label_en.empty() ? d.purpose_label_en : d.purpose_label;
}

// A service's name in the page's language when it gave one, with its organisation.
std::string ServiceName(const vault::ServicePurpose& d, const std::string& lang) {
  return (lang == "en" && !d.service_name_en.empty() ? d.service_name_en : d.service_name) + " (" + d.agency + ")";
}

std::string ServiceName(const std::map<std::string, vault::ServicePurpose>& services, const std::string& id,
                        const std::string& lang) {
  for (const auto& [key, d] : services) {
    if (d.service_id == id) return ServiceName(d, lang);
  }
  return id;
}

http::Response InfoPage(const api::Services& s, const http::Request& r, const Context& c, json form, int status) {
  vault::Vault& v = *c.vault;
  auto records = v.Read(c.actor, c.person, {}, kSelf);
  if (!records.ok()) return Refuse(s, r, records.status());
  const int64_t now = s.clock ? s.clock->NowMillis() : SystemClock::Get().NowMillis();
  json rows = json::array();
  bool sensitive = false;
  for (const auto& rec : *records) {
    const vault::AttributeDef* def = v.registry().Find(rec.name);
    std::string display = def ? vault::DisplayValue(*def, rec.value) : rec.value;
    if (rec.sensitive) {
      display = detail::MaskSensitive(display);
      sensitive = true;
    }
    const bool expired = rec.valid_until_ms && *rec.valid_until_ms <= now;
    json tag = expired ? json{{"label", Msg(s, r, "vault.expired")}, {"kind", "error"}}
               : rec.verification == vault::Verification::kVerified
                   ? json{{"label", Msg(s, r, "vault.verified")}, {"kind", "done"}}
                   : json{{"label", Msg(s, r, "vault.unverified")}, {"kind", "todo"}};
    rows.push_back({{"label", Label(v, rec.name, c.lang)},
                    {"display", display},
                    {"provenance", vault::DescribeProvenance(rec.provenance, c.lang)},
                    {"tag", tag},
                    {"updated", detail::VaultDate(rec.collected_at_ms)}});
  }
  json household = nullptr;
  auto hh = v.GetHousehold(c.actor, c.person, kSelf);
  if (hh.ok() && hh->has_value()) {
    json members = json::array();
    for (const auto& m : (*hh)->members) {
      const vault::AttributeDef* date = v.registry().Find("individu . date de naissance");
      std::string birth = !m.birth_date ? "" : date ? vault::DisplayValue(*date, *m.birth_date) : *m.birth_date;
      members.push_back({{"first_name", m.first_name.empty() ? (c.lang == "en" ? "(you)" : "(vous)") : m.first_name},
                         {"role", Msg(s, r, "vault.role_" + std::string(vault::MemberRoleName(m.role)))},
                         {"birth_date", birth}});
    }
    household = {{"members", members}};
  }
  const std::string selected = form.value("nom", "");
  json choices = json::array();
  for (const vault::AttributeDef* def : v.registry().All()) {
    choices.push_back({{"name", def->name}, {"label", c.lang == "en" ? def->label_en : def->label_fr},
                       {"selected", def->name == selected}});
  }
  json value_field = {{"id", "valeur"},
                      {"name", "valeur"},
                      {"label", Msg(s, r, "vault.edit_value")},
                      {"hint", Msg(s, r, "vault.edit_value_hint")},
                      {"value", form.value("valeur", "")},
                      {"required", true},
                      {"autocomplete", "off"}};
  if (form.contains("value_error")) value_field["error"] = form["value_error"];
  json data = {{"title", Msg(s, r, "vault.info_title")},
               {"vault_nav", Nav(s, r, "/mes-informations")},
               {"records", rows},
               {"has_records", !rows.empty()},
               {"has_sensitive", sensitive},
               {"household", household},
               {"choices", choices},
               {"value_field", value_field},
               {"save", {{"label", Msg(s, r, "common.save")}}},
               {"csrf_token", c.csrf},
               {"saved", r.Query("enregistre").has_value()},
               {"notice", {{"text", Msg(s, r, "vault.saved")}, {"kind", "success"}}}};
  json roles = json::array();
  for (const char* role : {"conjoint", "enfant", "autre"}) {
    roles.push_back({{"value", role},
                     {"label", Msg(s, r, std::string("vault.role_") + role)},
                     {"checked", form.value("member_role", "") == role}});
  }
  json first_name = {{"id", "prenom"}, {"name", "prenom"}, {"label", Msg(s, r, "vault.member_first_name")},
                     {"value", form.value("prenom", "")}, {"required", true}, {"autocomplete", "off"}};
  json role_field = {{"id", "role"}, {"name", "role"}, {"legend", Msg(s, r, "vault.member_role")},
                     {"required", true}, {"options", roles}};
  json birth = {{"id", "naissance"}, {"name", "naissance"}, {"label", Msg(s, r, "vault.member_birth")},
                {"hint", Msg(s, r, "vault.member_birth_hint")}, {"value", form.value("naissance", "")},
                {"width", "medium"}, {"autocomplete", "off"}};
  for (auto* f : {&first_name, &role_field, &birth}) {
    const std::string key = (*f)["id"].get<std::string>() + "_error";
    if (form.contains(key)) (*f)["error"] = form[key];
  }
  data["member_first_name"] = first_name;
  data["member_role"] = role_field;
  data["member_birth"] = birth;
  data["member_add"] = {{"label", Msg(s, r, "vault.member_add")}, {"secondary", true}};
  if (r.Query("membre")) data["notice"] = {{"text", Msg(s, r, "vault.member_added")}, {"kind", "success"}};
  if (r.Query("membre")) data["saved"] = true;
  if (form.contains("attribute_error")) data["attribute_error"] = form["attribute_error"];
  if (form.contains("errors")) data["errors"] = form["errors"];
  return RenderPage(s, r, "vault_info", std::move(data), status);
}

std::string FirstField(const std::multimap<std::string, std::string>& fields, const std::string& name) {
  auto it = fields.find(name);
  return it == fields.end() ? "" : it->second;
}

void RegisterInfoPages(http::Router& router, const api::Services& s) {
  router.Add(
      "GET", "/mes-informations",
      [&s](http::Request& r) {
        auto c = Resolve(s, r);
        if (!c.ok()) return Refuse(s, r, c.status());
        return InfoPage(s, r, *c, json::object(), 200);
      },
      "web.vault.info", "usager");

  router.Add(
      "POST", "/mes-informations",
      [&s](http::Request& r) {
        auto c = Resolve(s, r);
        if (!c.ok()) return Refuse(s, r, c.status());
        const auto fields = r.FormFields();
        const std::string name = FirstField(fields, "nom");
        const std::string value = FirstField(fields, "valeur");
        vault::AttributeWrite w;
        w.name = name;
        w.value = value;
        Status st = c->vault->Write(c->actor, c->person, {w}, {"self", "Mise à jour de vos informations", "web"});
        if (st.ok()) return http::Response::Redirect("/mes-informations?enregistre=1#modifier");
        if (st.code() != StatusCode::kInvalidArgument) return Refuse(s, r, st);
        const std::string message = detail::FieldErrorMessage(
            *s.renderer, c->lang, "vault",
            st.field_errors().empty() ? FieldError{"", st.message(), {}, {}} : st.field_errors()[0]);
        json form = {{"nom", name}, {"valeur", value}};
        if (c->vault->registry().Find(name) == nullptr) {
          form["attribute_error"] = message;
          form["errors"] = json::array({{{"href", "#nom"}, {"message", message}}});
        } else {
          form["value_error"] = message;
          form["errors"] = json::array({{{"href", "#valeur"}, {"message", message}}});
        }
        return InfoPage(s, r, *c, form, 422);
      },
      "web.vault.info_save", "usager");

  router.Add(
      "POST", "/mes-informations/foyer",
      [&s](http::Request& r) {
        auto c = Resolve(s, r);
        if (!c.ok()) return Refuse(s, r, c.status());
        const auto fields = r.FormFields();
        json form = {{"prenom", FirstField(fields, "prenom")}, {"member_role", FirstField(fields, "role")},
                     {"naissance", FirstField(fields, "naissance")}};
        json errors = json::array();
        auto role = vault::ParseMemberRole(FirstField(fields, "role"));
        if (!role.ok() || *role == vault::MemberRole::kDemandeur) {
          form["role_error"] = Msg(s, r, "vault.member_role_error");
          errors.push_back({{"href", "#role"}, {"message", Msg(s, r, "vault.member_role_error")}});
        }
        Status st = Status::Ok();
        if (errors.empty()) {
          auto household = c->vault->GetHousehold(c->actor, c->person, kSelf);
          if (!household.ok()) return Refuse(s, r, household.status());
          if (!household->has_value()) {
            auto created = c->vault->CreateHousehold(c->actor, c->person, "", vault::MemberRole::kDemandeur);
            if (!created.ok()) return Refuse(s, r, created.status());
          }
          auto added = c->vault->AddMember(
              c->actor, c->person, {std::nullopt, *role, FirstField(fields, "prenom"), FirstField(fields, "naissance")});
          if (added.ok()) return http::Response::Redirect("/mes-informations?membre=1#ajouter-membre");
          st = added.status();
          if (st.code() != StatusCode::kInvalidArgument) return Refuse(s, r, st);
          for (const auto& fe : st.field_errors()) {
            const std::string id = fe.field == "first_name" ? "prenom" : fe.field == "birth_date" ? "naissance" : "role";
            const std::string message = detail::FieldErrorMessage(*s.renderer, c->lang, "vault", fe);
            form[id + "_error"] = message;
            errors.push_back({{"href", "#" + id}, {"message", message}});
          }
        }
        form["errors"] = errors;
        return InfoPage(s, r, *c, form, 422);
      },
      "web.vault.household_add", "usager");

  router.Add(
      "GET", "/mes-informations/export",
      [&s](http::Request& r) {
        auto c = Resolve(s, r);
        if (!c.ok()) return Refuse(s, r, c.status());
        auto doc = c->vault->Export(c->actor, c->person);
        if (!doc.ok()) return Refuse(s, r, doc.status());
        http::Response resp = http::Response::Json(*doc);
        resp.SetHeader("Content-Disposition", "attachment; filename=\"mes-donnees-parcours.json\"");
        resp.SetHeader("Cache-Control", "no-store");
        return resp;
      },
      "web.vault.export", "usager");

  auto kept = [&s](const http::Request& r) {
    return json::array({Msg(s, r, "vault.kept_log"), Msg(s, r, "vault.kept_consents"), Msg(s, r, "vault.kept_requests")});
  };
  router.Add(
      "GET", "/mes-informations/effacement",
      [&s, kept](http::Request& r) {
        auto c = Resolve(s, r);
        if (!c.ok()) return Refuse(s, r, c.status());
        return RenderPage(s, r, "vault_erase",
                          {{"title", Msg(s, r, "vault.erase_title")},
                           {"vault_nav", Nav(s, r, "")},
                           {"kept", kept(r)},
                           {"csrf_token", c->csrf},
                           {"confirm", {{"label", Msg(s, r, "vault.erase_confirm")}}}});
      },
      "web.vault.erase_confirm", "usager");

  router.Add(
      "POST", "/mes-informations/effacement",
      [&s, kept](http::Request& r) {
        auto c = Resolve(s, r);
        if (!c.ok()) return Refuse(s, r, c.status());
        auto report = c->vault->Erase(c->actor, c->person);
        if (!report.ok()) return Refuse(s, r, report.status());
        return RenderPage(
            s, r, "vault_erase",
            {{"title", Msg(s, r, "vault.erased_title")},
             {"done", true},
             {"erased_count", Msg(s, r, "vault.erased_count", {{"count", std::to_string(report->erased.size())}})},
             {"kept", kept(r)}});
      },
      "web.vault.erase", "usager");
}

void RegisterConsentAndLogPages(http::Router& router, const api::Services& s) {
  router.Add(
      "GET", "/mes-consentements",
      [&s](http::Request& r) {
        auto c = Resolve(s, r);
        if (!c.ok()) return Refuse(s, r, c.status());
        auto consents = c->vault->ListConsents(c->actor, c->person);
        if (!consents.ok()) return Refuse(s, r, consents.status());
        const auto services = ServicesById(*c->vault);
        json rows = json::array();
        std::map<std::string, bool> active_keys;
        for (const auto& k : *consents) {
          auto it = services.find(k.service_id + "\n" + k.purpose);
          const std::string service = ServiceName(services, k.service_id, c->lang);
          if (k.active) active_keys[k.service_id + "\n" + k.purpose] = true;
          json tag = k.active ? json{{"label", Msg(s, r, "vault.active")}, {"kind", "done"}}
                     : k.revoked_at_ms ? json{{"label", Msg(s, r, "vault.revoked")}, {"kind", "not_concerned"}}
                                       : json{{"label", Msg(s, r, "vault.expired_consent")}, {"kind", "not_concerned"}};
          rows.push_back({{"id", k.id},
                          {"service", service},
                          {"purpose", it == services.end() ? k.purpose : PurposeLabel(it->second, c->lang)},
                          {"shared", Labels(*c->vault, k.attributes, c->lang)},
                          {"since", detail::VaultDate(k.granted_at_ms)},
                          {"until", k.expires_at_ms ? detail::VaultDate(*k.expires_at_ms) : Msg(s, r, "vault.no_end")},
                          {"tag", tag},
                          {"active", k.active},
                          {"csrf_token", c->csrf},
                          {"revoke_label", Msg(s, r, "vault.revoke_for", {{"service", service}})}});
        }
        json offers = json::array();
        for (const auto& [key, d] : services) {
          if (active_keys.count(key)) continue;
          const std::string name = ServiceName(d, c->lang);
          offers.push_back({{"service", name},
                            {"service_id", d.service_id},
                            {"purpose_code", d.purpose},
                            {"purpose", PurposeLabel(d, c->lang)},
                            {"needs", Labels(*c->vault, d.attributes, c->lang)},
                            {"basis", d.legal_basis},
                            {"csrf_token", c->csrf},
                            {"grant_label", Msg(s, r, "vault.grant_button", {{"service", name}})}});
        }
        json data = {{"title", Msg(s, r, "vault.consents_title")},
                     {"vault_nav", Nav(s, r, "/mes-consentements")},
                     {"consents", rows},
                     {"has_consents", !rows.empty()},
                     {"offers", offers},
                     {"has_offers", !offers.empty()}};
        if (r.Query("retire")) data["notice"] = {{"text", Msg(s, r, "vault.revoked_notice")}, {"kind", "success"}};
        if (r.Query("accorde")) data["notice"] = {{"text", Msg(s, r, "vault.granted_notice")}, {"kind", "success"}};
        return RenderPage(s, r, "vault_consents", std::move(data));
      },
      "web.vault.consents", "usager");

  router.Add(
      "POST", "/mes-consentements",
      [&s](http::Request& r) {
        auto c = Resolve(s, r);
        if (!c.ok()) return Refuse(s, r, c.status());
        const auto fields = r.FormFields();
        vault::ConsentGrant g{FirstField(fields, "service_id"), FirstField(fields, "purpose"), {}, std::nullopt, "web"};
        auto id = c->vault->GrantConsent(c->actor, c->person, g);
        if (!id.ok()) return Refuse(s, r, id.status());
        return http::Response::Redirect("/mes-consentements?accorde=1");
      },
      "web.vault.consent_grant", "usager");

  router.Add(
      "POST", "/mes-consentements/{consent_id}/retrait",
      [&s](http::Request& r) {
        auto c = Resolve(s, r);
        if (!c.ok()) return Refuse(s, r, c.status());
        Status st = c->vault->RevokeConsent(c->actor, c->person, r.Param("consent_id"));
        if (!st.ok()) return Refuse(s, r, st);
        return http::Response::Redirect("/mes-consentements?retire=1");
      },
      "web.vault.consent_revoke", "usager");

  router.Add(
      "GET", "/qui-a-consulte",
      [&s](http::Request& r) {
        auto c = Resolve(s, r);
        if (!c.ok()) return Refuse(s, r, c.status());
        auto log = c->vault->AccessLog(c->actor, c->person, 500);
        if (!log.ok()) return Refuse(s, r, log.status());
        const auto services = ServicesById(*c->vault);
        api::ActorNamer namer(s, c->person);  // agents and aidants by their name, not their id
        json rows = json::array();
        for (const auto& e : *log) {
          std::string who;
          switch (e.actor.kind) {
            case vault::ActorKind::kService:
              who = Msg(s, r, "vault.who_service", {{"service", ServiceName(services, e.actor.id, c->lang)}});
              break;
            case vault::ActorKind::kAgent:
              who = Msg(s, r, "vault.who_agent", {{"name", namer.Name("agent:" + e.actor.id).name}});
              break;
            case vault::ActorKind::kUsager: {
              const api::ActorLabel& label = namer.Name("usager:" + e.actor.id);
              who = label.kind == "self" ? Msg(s, r, "vault.who_self")
                                         : Msg(s, r, "vault.who_aidant", {{"name", label.name}});
              break;
            }
            case vault::ActorKind::kPlatform: who = Msg(s, r, "vault.who_platform"); break;  // the purpose says why
          }
          const std::string action = Msg(s, r, "vault.action_" + std::string(vault::AccessActionName(e.action)));
          rows.push_back({{"when", detail::VaultDateTime(e.time_ms, c->lang)},
                          {"who", who},
                          {"what", action + " " + Labels(*c->vault, e.attributes, c->lang)},
                          {"why", e.purpose},
                          {"basis", e.legal_basis}});
        }
        return RenderPage(s, r, "vault_access_log",
                          {{"title", Msg(s, r, "vault.log_title")},
                           {"vault_nav", Nav(s, r, "/qui-a-consulte")},
                           {"entries", rows},
                           {"has_entries", !rows.empty()}});
      },
      "web.vault.access_log", "usager");

  // What happened, on every channel: what an agent noted at the counter, a step an aidant moved.
  router.Add(
      "GET", "/mon-historique",
      [&s](http::Request& r) {
        auto c = Resolve(s, r);
        if (!c.ok()) return Refuse(s, r, c.status());
        auto events = console::Timeline(*s.db, c->person, 200, [](std::string_view) { return true; });
        if (!events.ok()) return Refuse(s, r, events.status());
        const json timeline = TimelineRows(s, r, *events, c->person, "");
        return RenderPage(s, r, "my_timeline",
                          {{"title", Msg(s, r, "vault.timeline_title")},
                           {"vault_nav", Nav(s, r, "/mon-historique")},
                           {"timeline", timeline},
                           {"has_timeline", !timeline.empty()}});
      },
      "web.vault.timeline", "usager");
}

}  // namespace

void RegisterVaultPages(http::Router& router, const api::Services& services) {
  RegisterInfoPages(router, services);
  RegisterConsentAndLogPages(router, services);
}

}  // namespace parcours::web
