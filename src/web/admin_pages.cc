// The administrator's pages (policy admin): organisations and their accounts with roles,
// disabling and re-enabling an account, API keys per organisation (created with the secret
// shown once, listed with their last use, revoked), and dead-letter deliveries to replay.
// Each action calls the same auth::Auth / exchange::Outbox method as the JSON API
// (/api/v1/admin/...), so the audit events are the same.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "parcours/auth/auth.h"
#include "parcours/base/clock.h"
#include "parcours/catalog/catalog.h"
#include "parcours/exchange/delivery.h"
#include "parcours/exchange/outbox.h"
#include "parcours/exchange/registry.h"
#include "parcours/journeys/journeys.h"
#include "parcours/web/admin_pages.h"
#include "console_format.h"
#include "parcours/web/auth_pages.h"
#include "parcours/web/page.h"
#include "vault_format.h"

namespace parcours::web {

std::string OrganisationName(const api::Services& s, const std::string& id, const std::string& lang) {
  if (s.journeys != nullptr) {
    if (const catalog::Administration* a = s.journeys->catalog().FindAdministration(id)) return a->name.In(lang);
  }
  return id;
}

namespace {

using nlohmann::json;

std::string First(const std::multimap<std::string, std::string>& form, const char* name) {
  auto it = form.find(name);
  return it == form.end() ? "" : it->second.substr(0, 200);
}

// A local path to come back to after an action (never another site).
std::string Back(const std::multimap<std::string, std::string>& form, const std::string& fallback) {
  const std::string target = First(form, "retour");
  if (target.size() < 2 || target[0] != '/' || target[1] == '/' || target[1] == '\\') return fallback;
  return target;
}

std::vector<exchange::ServiceDef> ServicesOf(const api::Services& s, const std::string& organisation_id) {
  std::vector<exchange::ServiceDef> out;
  auto tx = s.db->BeginRead();
  if (!tx.ok()) return out;
  auto list = exchange::ListServices(**tx);
  if (!list.ok()) return out;
  for (auto& svc : *list) {
    if (organisation_id.empty() || svc.organisation == organisation_id) out.push_back(std::move(svc));
  }
  return out;
}

std::string Roles(const api::Services& s, const http::Request& r, const std::vector<auth::RoleGrant>& roles) {
  std::string out;
  const std::string lang = PageLanguage(r);
  for (const auto& g : roles) {
    if (!out.empty()) out += ", ";
    out += Msg(s, r, "admin.role_" + std::string(auth::RoleName(g.role)));
    if (!g.organisation_id.empty()) out += " (" + OrganisationName(s, g.organisation_id, lang) + ")";
  }
  return out;
}

json UserRows(const api::Services& s, const http::Request& r, const std::vector<auth::UserInfo>& users,
              const std::string& back) {
  const auth::Principal& me = *auth::PrincipalOf(r);
  const std::string lang = PageLanguage(r);
  json rows = json::array();
  for (const auto& u : users) {
    const bool disabled = u.disabled_at_ms.has_value();
    std::string login = u.username.empty() ? u.email : u.username;
    rows.push_back({{"id", u.id},
                    {"name", u.display_name.empty() ? u.id : u.display_name},
                    {"login", login.empty() ? "—" : login},
                    {"roles", Roles(s, r, u.roles)},
                    {"last_login", u.last_login_ms ? detail::VaultDateTime(*u.last_login_ms, lang) : "—"},
                    {"tag", {{"label", Msg(s, r, disabled ? "admin.user_disabled" : "admin.user_active")},
                             {"kind", disabled ? "error" : "done"}}},
                    {"disabled", disabled},
                    {"is_me", u.id == me.user_id},
                    {"back", back},
                    {"action_label", Msg(s, r, disabled ? "admin.enable_label" : "admin.disable_label",
                                         {{"name", u.display_name}})}});
  }
  return rows;
}

json DoneNotice(const api::Services& s, const http::Request& r) {
  static const char* kDone[] = {"compte_desactive", "compte_reactive", "cle_revoquee", "envoi_relance"};
  const std::string done = r.Query("fait").value_or("");
  for (const char* d : kDone) {
    if (done == d) return {{"kind", "success"}, {"title", false}, {"text", Msg(s, r, std::string("admin.done_") + d)}};
  }
  return false;
}

http::Response HomePage(const api::Services& s, const http::Request& r) {
  const std::string lang = PageLanguage(r);
  std::vector<std::string> known;
  for (const auto& svc : ServicesOf(s, "")) known.push_back(svc.organisation);
  auto orgs = s.auth->ListOrganisations(known);
  if (!orgs.ok()) return RefusalPage(s, r, orgs.status());
  json org_rows = json::array();
  for (const auto& o : *orgs) {
    org_rows.push_back({{"id", o.id},
                        {"name", OrganisationName(s, o.id, lang)},
                        {"users", std::to_string(o.users)},
                        {"keys", std::to_string(o.active_keys)},
                        {"link_label", Msg(s, r, "admin.manage_label", {{"name", OrganisationName(s, o.id, lang)}})}});
  }
  auto staff = s.auth->ListUsers("");
  if (!staff.ok()) return RefusalPage(s, r, staff.status());
  json users = UserRows(s, r, *staff, "/admin");
  return RenderPage(s, r, "admin_home",
                    {{"title", Msg(s, r, "admin.title")},
                     {"notice", DoneNotice(s, r)},
                     {"organisations", org_rows},
                     {"users", users},
                     {"has_users", !users.empty()},
                     {"csrf", auth::PrincipalOf(r)->csrf_token}});
}

http::Response OrganisationPage(const api::Services& s, const http::Request& r, json created = nullptr,
                                json errors = json::array(), int status = 200) {
  const std::string org = r.Param("organisation_id");
  const std::string lang = PageLanguage(r);
  const std::string here = "/admin/organisations/" + http::UrlEncode(org);
  auto users = s.auth->ListUsers(org);
  if (!users.ok()) return RefusalPage(s, r, users.status());
  auto keys = s.auth->ListApiKeys(org);
  if (!keys.ok()) return RefusalPage(s, r, keys.status());
  json key_rows = json::array();
  for (const auto& k : *keys) {
    const bool revoked = k.revoked_at_ms.has_value();
    std::string services;
    for (const auto& id : k.services) services += (services.empty() ? "" : ", ") + id;
    key_rows.push_back({{"id", k.id},
                        {"label", k.label.empty() ? "—" : k.label},
                        {"prefix", "pk_" + k.prefix + "_…"},
                        {"services", services.empty() ? Msg(s, r, "admin.no_services") : services},
                        {"created", detail::VaultDate(k.created_at_ms)},
                        {"last_used", k.last_used_ms ? detail::VaultDateTime(*k.last_used_ms, lang)
                                                     : Msg(s, r, "admin.never_used")},
                        {"tag", {{"label", Msg(s, r, revoked ? "admin.key_revoked" : "admin.key_active")},
                                 {"kind", revoked ? "not_concerned" : "done"}}},
                        {"active", !revoked},
                        {"revoke_label", Msg(s, r, "admin.revoke_key_label", {{"prefix", k.prefix}})}});
  }
  json service_options = json::array();
  for (const auto& svc : ServicesOf(s, org)) {
    service_options.push_back({{"value", svc.id}, {"label", lang == "en" ? svc.name_en : svc.name_fr},
                               {"index", std::to_string(service_options.size())}});
  }
  json user_rows = UserRows(s, r, *users, here);
  json data = {
      {"title", Msg(s, r, "admin.organisation_title", {{"name", OrganisationName(s, org, lang)}})},
      {"name", OrganisationName(s, org, lang)},
      {"organisation_id", org},
      {"here", here},
      {"errors", errors},
      {"notice", DoneNotice(s, r)},
      {"created", created},
      {"users", user_rows},
      {"has_users", !user_rows.empty()},
      {"keys", key_rows},
      {"has_keys", !key_rows.empty()},
      {"service_options", service_options},
      {"has_service_options", !service_options.empty()},
      {"label_field",
       {{"id", "label"}, {"name", "label"}, {"label", Msg(s, r, "admin.key_label")}, {"hint", Msg(s, r, "admin.key_label_hint")},
        {"error", errors.empty() ? json(false) : errors[0]["message"]}, {"value", ""}, {"type", false},
        {"required", true}, {"autocomplete", "off"}, {"inputmode", false}, {"width", false}}},
      {"csrf", auth::PrincipalOf(r)->csrf_token},
  };
  http::Response resp = RenderPage(s, r, "admin_organisation", std::move(data), status);
  resp.SetHeader("Cache-Control", "no-store");
  return resp;
}

http::Response DeliveriesPage(const api::Services& s, const http::Request& r) {
  const std::string lang = PageLanguage(r);
  json rows = json::array();
  if (s.outbox != nullptr) {
    auto dead = s.outbox->ListDeliveries("dead", 200);
    if (!dead.ok()) return RefusalPage(s, r, dead.status());
    for (const auto& d : *dead) {
      rows.push_back({{"id", d.id},
                      {"service", d.service_name.empty() ? d.service_id : d.service_name},
                      {"organisation", OrganisationName(s, d.organisation, lang)},
                      {"attempts", std::to_string(d.attempts)},
                      {"error", d.last_error.value_or("—")},
                      {"updated", detail::VaultDateTime(d.updated_ms, lang)},
                      {"replay_label", Msg(s, r, "admin.replay_label", {{"service", d.service_id}})}});
    }
  }
  return RenderPage(s, r, "admin_deliveries",
                    {{"title", Msg(s, r, "admin.deliveries_title")},
                     {"notice", DoneNotice(s, r)},
                     {"deliveries", rows},
                     {"has_deliveries", !rows.empty()},
                     {"csrf", auth::PrincipalOf(r)->csrf_token}});
}

}  // namespace

void RegisterAdminPages(http::Router& router, const api::Services& services) {
  const api::Services& s = services;
  router.Add("GET", "/admin", [&s](http::Request& r) { return HomePage(s, r); }, "web.admin.home", "admin");

  router.Add("GET", "/admin/organisations/{organisation_id}",
             [&s](http::Request& r) { return OrganisationPage(s, r); }, "web.admin.organisation", "admin");

  router.Add(
      "POST", "/admin/organisations/{organisation_id}/cles",
      [&s](http::Request& r) {
        auto form = r.FormFields();
        const std::string label = First(form, "label");
        if (label.empty()) {
          json errors = json::array({{{"field", "label"}, {"href", "#label"}, {"message", Msg(s, r, "admin.error_key_label")}}});
          return OrganisationPage(s, r, nullptr, errors, 400);
        }
        // Only the organisation's own services can be chosen.
        std::vector<std::string> chosen;
        const auto offered = ServicesOf(s, r.Param("organisation_id"));
        for (auto [it, end] = form.equal_range("service"); it != end; ++it) {
          if (std::any_of(offered.begin(), offered.end(), [&](const auto& svc) { return svc.id == it->second; })) {
            chosen.push_back(it->second);
          }
        }
        auto key = s.auth->CreateApiKey(r.Param("organisation_id"), chosen, label, auth::PrincipalOf(r)->Actor());
        if (!key.ok()) return RefusalPage(s, r, key.status());
        return OrganisationPage(s, r, {{"secret", key->secret}, {"label", label}}, json::array(), 201);
      },
      "web.admin.api_keys.create", "admin");

  router.Add(
      "POST", "/admin/organisations/{organisation_id}/cles/{key_id}/revocation",
      [&s](http::Request& r) {
        Status st = s.auth->RevokeApiKey(r.Param("key_id"), r.Param("organisation_id"), auth::PrincipalOf(r)->Actor());
        if (!st.ok()) return RefusalPage(s, r, st);
        return http::Response::Redirect("/admin/organisations/" + http::UrlEncode(r.Param("organisation_id")) +
                                        "?fait=cle_revoquee");
      },
      "web.admin.api_keys.revoke", "admin");

  for (const bool disable : {true, false}) {
    router.Add(
        "POST", disable ? "/admin/comptes/{user_id}/desactivation" : "/admin/comptes/{user_id}/reactivation",
        [&s, disable](http::Request& r) {
          const auth::Principal& me = *auth::PrincipalOf(r);
          Status st = s.auth->SetUserDisabled(r.Param("user_id"), disable, me.user_id, me.Actor());
          if (!st.ok()) return RefusalPage(s, r, st);
          const std::string back = Back(r.FormFields(), "/admin");
          return http::Response::Redirect(back + (disable ? "?fait=compte_desactive" : "?fait=compte_reactive"));
        },
        disable ? "web.admin.users.disable" : "web.admin.users.enable", "admin");
  }

  router.Add("GET", "/admin/envois", [&s](http::Request& r) { return DeliveriesPage(s, r); },
             "web.admin.deliveries", "admin");

  router.Add(
      "POST", "/admin/envois/{delivery_id}/relance",
      [&s](http::Request& r) {
        if (s.outbox == nullptr) return RefusalPage(s, r, NotFound("exchange.unavailable", "Échanges indisponibles."));
        Status st = s.outbox->Replay(r.Param("delivery_id"), auth::PrincipalOf(r)->Actor());
        if (!st.ok()) return RefusalPage(s, r, st);
        if (s.delivery_worker) s.delivery_worker->Wake();
        return http::Response::Redirect("/admin/envois?fait=envoi_relance");
      },
      "web.admin.deliveries.replay", "admin");
}

}  // namespace parcours::web
