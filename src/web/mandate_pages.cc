// "Mes aidants": the usager grants a time-limited, scoped mandate to an aidant or a counter
// agent (named by their code aidant) and ends it. Same logic as the JSON API
// (/api/v1/persons/{person_id}/mandates): both call auth::Auth.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "parcours/auth/auth.h"
#include "parcours/base/clock.h"
#include "parcours/web/auth_pages.h"
#include "parcours/web/page.h"
#include "vault_format.h"

namespace parcours::web {
namespace {

using nlohmann::json;

constexpr int kDurations[] = {1, 7, 30, 90, 182, 365};

std::string First(const std::multimap<std::string, std::string>& form, const char* name) {
  auto it = form.find(name);
  return it == form.end() ? "" : it->second.substr(0, 200);
}

std::string ScopeLabels(const api::Services& s, const http::Request& r, const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& scope : scopes) {
    if (!out.empty()) out += ", ";
    out += Msg(s, r, scope == "*" ? "mandates.scope_all" : "mandates.scope_" + scope);
  }
  return out;
}

struct FormState {
  std::string code;
  std::vector<std::string> scopes;
  std::string duration;
};

http::Response MandatesPage(const api::Services& s, const http::Request& r, const FormState& in,
                            json errors = json::array(), int status = 200) {
  const auth::Principal& p = *auth::PrincipalOf(r);
  const int64_t now = s.clock->NowMillis();
  auto list = s.auth->ListMandates(p.person_id);
  json rows = json::array();
  if (list.ok()) {
    for (const auto& m : *list) {
      const bool active = m.InForce(now);
      const char* state = m.revoked_ms ? "revoked" : active ? "active" : "expired";
      std::string holder = m.holder_name;
      if (!m.holder_organisation.empty()) holder += " (" + m.holder_organisation + ")";
      rows.push_back({{"id", m.id},
                      {"holder", holder},
                      {"scopes", ScopeLabels(s, r, m.scopes)},
                      {"since", detail::VaultDate(m.starts_ms)},
                      {"until", detail::VaultDate(m.revoked_ms.value_or(m.ends_ms))},
                      {"tag", {{"label", Msg(s, r, std::string("mandates.status_") + state)},
                               {"kind", active ? "done" : "not_concerned"}}},
                      {"active", active},
                      {"revoke_label", Msg(s, r, "mandates.revoke_label", {{"holder", m.holder_name}})}});
    }
  }
  auto field_error = [&](const char* field) -> json {
    for (const auto& e : errors) {
      if (e.value("field", "") == field) return e["message"];
    }
    return false;
  };
  json scope_options = json::array();
  for (std::string_view scope : auth::kMandateScopes) {
    const std::string id(scope);
    scope_options.push_back({{"value", id},
                             {"label", Msg(s, r, "mandates.scope_" + id)},
                             {"hint", Msg(s, r, "mandates.scope_" + id + "_hint")},
                             {"checked", std::find(in.scopes.begin(), in.scopes.end(), id) != in.scopes.end()}});
  }
  json durations = json::array();
  for (int days : kDurations) {
    if (days > s.auth->options().mandate_max_days) continue;
    const std::string value = std::to_string(days);
    durations.push_back({{"value", value},
                         {"label", Msg(s, r, "mandates.duration_" + value)},
                         {"checked", in.duration == value},
                         {"option_hint", false}});
  }
  json data = {
      {"title", Msg(s, r, "mandates.title")},
      {"errors", errors},
      {"csrf", p.csrf_token},
      {"mandates", rows},
      {"has_mandates", !rows.empty()},
      {"max_days", std::to_string(s.auth->options().mandate_max_days)},
      {"code_field",
       {{"id", "holder_code"}, {"name", "holder_code"}, {"label", Msg(s, r, "mandates.code_label")},
        {"hint", Msg(s, r, "mandates.code_hint")}, {"error", field_error("holder_code")}, {"value", in.code},
        {"type", false}, {"required", true}, {"autocomplete", "off"}, {"inputmode", false}, {"width", "medium"}}},
      {"scope_options", scope_options},
      {"scope_error", field_error("scopes")},
      {"duration",
       {{"id", "duration_days"}, {"name", "duration_days"}, {"legend", Msg(s, r, "mandates.duration_legend")},
        {"hint", Msg(s, r, "mandates.duration_hint", {{"max", std::to_string(s.auth->options().mandate_max_days)}})},
        {"error", field_error("duration_days")}, {"required", true}, {"options", durations}}},
      {"submit", {{"label", Msg(s, r, "mandates.submit")}, {"href", false}, {"type", false}, {"name", false},
                  {"value", false}, {"id", false}, {"secondary", false}}},
  };
  const std::string done = r.Query("fait").value_or("");
  if (done == "accorde" || done == "revoque") {
    data["notice"] = {{"kind", "success"}, {"title", false},
                      {"text", Msg(s, r, done == "accorde" ? "mandates.granted" : "mandates.revoked")}};
  }
  return RenderPage(s, r, "mandates", std::move(data), status);
}

json ErrorsOf(const api::Services& s, const http::Request& r, const Status& st) {
  json errors = json::array();
  auto add = [&](const char* field, const std::string& key) {
    errors.push_back({{"field", field}, {"href", std::string("#") + field}, {"message", Msg(s, r, key)}});
  };
  const std::string reason(st.reason());
  const bool duration =
      reason == "auth.mandate_too_long" || reason == "auth.mandate_too_short" || reason == "auth.mandate_invalid";
  if (reason == "auth.holder_unknown") add("holder_code", "mandates.error_code");
  else if (reason == "auth.mandate_scope") add("scopes", "mandates.error_scopes");
  else if (duration) add("duration_days", "mandates.error_duration");
  return errors;
}

}  // namespace

void RegisterMandatePages(http::Router& router, const api::Services& services) {
  const api::Services& s = services;
  router.Add("GET", "/compte/aidants", [&s](http::Request& r) { return MandatesPage(s, r, {}); },
             "web.mandates", "usager");

  router.Add(
      "POST", "/compte/aidants",
      [&s](http::Request& r) {
        const auth::Principal& p = *auth::PrincipalOf(r);
        auto form = r.FormFields();
        FormState in{First(form, "holder_code"), {}, First(form, "duration_days")};
        for (auto [it, end] = form.equal_range("scope"); it != end; ++it) in.scopes.push_back(it->second.substr(0, 40));
        json errors = json::array();
        auto add = [&](const char* field, const char* key) {
          errors.push_back({{"field", field}, {"href", std::string("#") + field}, {"message", Msg(s, r, key)}});
        };
        if (in.code.empty()) add("holder_code", "mandates.error_code_missing");
        if (in.scopes.empty()) add("scopes", "mandates.error_scopes");
        int days = 0;
        if (in.duration.empty() || in.duration.size() > 4 ||
            in.duration.find_first_not_of("0123456789") != std::string::npos) {
          add("duration_days", "mandates.error_duration");
        } else {
          days = std::stoi(in.duration);
        }
        if (!errors.empty()) return MandatesPage(s, r, in, errors, 400);
        auto granted = s.auth->GrantMandateByCode(p.person_id, in.code, in.scopes, days, p.Actor());
        if (!granted.ok()) {
          json e = ErrorsOf(s, r, granted.status());
          if (e.empty()) return RefusalPage(s, r, granted.status());
          return MandatesPage(s, r, in, e, http::HttpStatusFor(granted.status().code()));
        }
        return http::Response::Redirect("/compte/aidants?fait=accorde");
      },
      "web.mandates.grant", "usager");

  router.Add(
      "POST", "/compte/aidants/{mandate_id}/fin",
      [&s](http::Request& r) {
        const auth::Principal& p = *auth::PrincipalOf(r);
        Status st = s.auth->RevokeMandate(r.Param("mandate_id"), p.person_id, p.Actor());
        if (!st.ok()) return RefusalPage(s, r, st);
        return http::Response::Redirect("/compte/aidants?fait=revoque");
      },
      "web.mandates.revoke", "usager");
}

}  // namespace parcours::web
