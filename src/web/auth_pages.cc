#include "parcours/web/auth_pages.h"

#include <nlohmann/json.hpp>

#include "parcours/auth/auth.h"
#include "parcours/auth/middleware.h"
#include "parcours/base/clock.h"
#include "parcours/base/id.h"
#include "parcours/web/page.h"
#include "console_format.h"
#include "field_errors.h"

namespace parcours::web {
namespace {

using nlohmann::json;

constexpr char kFlowCookie[] = "parcours_oidc";

// Component data with every optional key present (false when unused: kainjow mustache treats
// an empty string as true), so that mustache does not pick a value of the same name from the
// enclosing page data.
json Button(std::string label, bool secondary = false) {
  return {{"label", std::move(label)}, {"href", false}, {"type", false}, {"name", false},
          {"value", false}, {"id", false}, {"secondary", secondary}};
}
json LinkButton(std::string label, std::string href) {
  json b = Button(std::move(label));
  b["href"] = std::move(href);
  return b;
}
const BackLink kBackToLogin{"auth.login_again", "/connexion"};

json Notice(std::string kind, std::string title, std::string text) {
  return {{"kind", std::move(kind)}, {"title", title.empty() ? json(false) : json(title)}, {"text", std::move(text)}};
}
json Field(std::string id, std::string label) {
  return {{"id", id}, {"name", id}, {"label", std::move(label)}, {"hint", false}, {"error", false},
          {"value", ""}, {"type", false}, {"required", false}, {"autocomplete", false}, {"inputmode", false},
          {"width", false}};
}

// The page to go to after login: a local path only.
std::string ReturnTo(std::string_view target) {
  if (target.empty() || target[0] != '/' || (target.size() > 1 && (target[1] == '/' || target[1] == '\\'))) {
    return "/compte";
  }
  return std::string(target);
}

std::string FormValue(const std::multimap<std::string, std::string>& form, const char* name) {
  auto it = form.find(name);
  return it == form.end() ? "" : it->second.substr(0, 512);
}

std::string FlowCookieName(const auth::Auth& a) {
  return a.options().secure_cookies ? std::string("__Host-") + kFlowCookie : kFlowCookie;
}

std::string FlowCookie(const auth::Auth& a, const std::string& value, bool expire) {
  return FlowCookieName(a) + "=" + value + "; Path=/; HttpOnly; SameSite=Lax" +
         (expire ? "; Max-Age=0" : "; Max-Age=600") + (a.options().secure_cookies ? "; Secure" : "");
}

// Starting a session replaces any previous one (fixation: the old id dies with the login).
http::Response LoggedIn(const api::Services& s, const http::Request& request, const auth::NewSession& session,
                        const std::string& return_to) {
  if (const auth::Principal* previous = auth::PrincipalOf(request); previous != nullptr &&
                                                                    previous->method == auth::AuthMethod::kSession) {
    (void)s.auth->EndSession(previous->session_id, previous->Actor(), auth::ClientOf(request));
  }
  http::Response r = http::Response::Redirect(return_to);
  r.AddCookie(s.auth->SessionCookie(session.cookie_value));
  return r;
}

http::Response LoginPage(const api::Services& s, const http::Request& request, json errors = json::array(),
                         const std::string& username = "", int status = 200) {
  http::Response scratch;
  const std::string csrf = auth::CsrfToken(request, scratch, *s.auth);
  const std::string retour = ReturnTo(request.Query("retour").value_or("/compte"));
  json providers = json::array();
  for (const auth::ProviderConfig* p : s.auth->ProviderConfigs()) {
    providers.push_back(LinkButton(Msg(s, request, "auth.login_with", {{"provider", p->label}}),
                                   "/auth/oidc/" + p->id + "/start?retour=" + http::UrlEncode(retour)));
  }
  auto field_error = [&](const char* field) -> json {
    for (const auto& e : errors) {
      if (e.value("field", "") == field) return e["message"];
    }
    return false;
  };
  json data = {
      {"title", Msg(s, request, "auth.login_title")},
      {"errors", errors},
      {"csrf", csrf},
      {"retour", retour},
      {"providers", providers},
      {"has_providers", !providers.empty()},
  };
  data["username_field"] = Field("username", Msg(s, request, "auth.username"));
  data["username_field"].update({{"value", username}, {"required", true}, {"autocomplete", "username"},
                                 {"error", field_error("username")}});
  data["password_field"] = Field("password", Msg(s, request, "auth.password"));
  data["password_field"].update({{"type", "password"}, {"required", true}, {"autocomplete", "current-password"}});
  data["totp_field"] = Field("totp", Msg(s, request, "auth.totp"));
  data["totp_field"].update({{"hint", Msg(s, request, "auth.totp_hint")}, {"inputmode", "numeric"},
                             {"autocomplete", "one-time-code"}, {"width", "short"}});
  data["agent_submit"] = Button(Msg(s, request, "auth.agent_submit"));
  if (s.auth->options().demo) {
    json options = json::array();
    for (auth::Role role : auth::kAllRoles) {
      const std::string name(auth::RoleName(role));
      options.push_back({{"value", name}, {"label", Msg(s, request, "admin.role_" + name)}, {"checked", false},
                         {"hint", Msg(s, request, "auth.role_" + name + "_hint")}});
    }
    data["demo"] = {
        {"csrf", csrf},
        {"notice", Notice("warning", Msg(s, request, "auth.demo_heading"), Msg(s, request, "auth.demo_warning"))},
        {"roles", {{"id", "role"}, {"name", "role"}, {"legend", Msg(s, request, "auth.demo_legend")},
                   {"required", true}, {"options", options}, {"error", field_error("role")}, {"hint", false}}},
        {"submit", Button(Msg(s, request, "auth.demo_submit"))}};
  }
  http::Response r = RenderPage(s, request, "login", std::move(data), status);
  for (const auto& [name, value] : scratch.headers) r.headers.emplace(name, value);
  return r;
}

json ErrorFor(const api::Services& s, const http::Request& request, const Status& status, const char* field) {
  std::string message;
  if (status.reason() == "auth.too_many_attempts") {
    message = Msg(s, request, "auth.error_too_many");
  } else if (status.reason() == "auth.bad_credentials") {
    message = Msg(s, request, "auth.error_credentials");
  } else {
    // The provider's refusal in the page's language; a token that fails its checks reads as one
    // verification failure (its details are for the logs).
    const std::string lang = PageLanguage(request);
    const std::string& reason = status.reason();
    const bool verification = reason.rfind("auth.token_", 0) == 0 || reason.rfind("auth.jwks_", 0) == 0;
    message = Msg(s, request, "auth.error_provider",
                  {{"reason", verification && lang != "fr" ? Msg(s, request, "auth.error_verification")
                                                           : detail::RefusalMessage(*s.renderer, lang, status)}});
  }
  return json::array({{{"field", field}, {"href", std::string("#") + field}, {"message", message}}});
}

json RoleSpaces(const api::Services& s, const http::Request& request, const auth::Principal& p) {
  json spaces = json::array();
  auto add = [&](const char* href, const char* key) {
    spaces.push_back({{"href", href}, {"label", Msg(s, request, key)}});
  };
  if (p.HasRole(auth::Role::kUsager)) {
    add("/mes-parcours", "auth.space_journeys");
    add("/mes-informations", "auth.space_information");
    add("/mes-declarations", "auth.space_declarations");
    add("/mes-reclamations", "auth.space_complaints");
    add("/compte/aidants", "auth.space_mandates");
    add("/mes-droits", "auth.space_rights");
  }
  if (p.HasRole(auth::Role::kAgent)) add("/agent", "auth.space_agent");
  if (p.HasRole(auth::Role::kAgent)) add("/agent/reclamations", "auth.space_complaints_agent");
  if (p.HasRole(auth::Role::kAidant)) add("/aidant", "auth.space_aidant");
  if (p.HasRole(auth::Role::kPilote) || p.HasRole(auth::Role::kAdmin)) add("/pilote", "auth.space_pilote");
  if (p.HasRole(auth::Role::kAdmin)) add("/admin", "auth.space_admin");
  if (p.HasRole(auth::Role::kIntegrateur)) add("/integrateur", "auth.space_integrateur");
  return spaces;
}

http::Response AccountPage(const api::Services& s, const http::Request& request, json totp = nullptr) {
  const auth::Principal& p = *auth::PrincipalOf(request);
  json roles = json::array();
  for (const auto& g : p.grants) {
    roles.push_back({{"label", Msg(s, request, "admin.role_" + std::string(auth::RoleName(g.role)))},
                     {"organisation", g.organisation_id.empty()
                                          ? json(false)
                                          : json(OrganisationName(s, g.organisation_id, PageLanguage(request)))}});
  }
  json mandates = json::array();
  for (const auto& m : p.mandates) {
    mandates.push_back({{"text", Msg(s, request, "auth.mandate_for",
                                     {{"person", m.person_id},
                                      {"date", FormatRfc3339(TimePoint(std::chrono::milliseconds(m.ends_ms))).substr(0, 10)}})}});
  }
  json spaces = RoleSpaces(s, request, p);
  // Aidants and agents give their code aidant to the people who mandate them (Mes aidants).
  json holder_code = false;
  if (p.method == auth::AuthMethod::kSession &&
      (p.HasRole(auth::Role::kAidant) || p.HasRole(auth::Role::kAgent))) {
    if (auto code = s.auth->HolderCode(p.user_id); code.ok()) holder_code = *code;
  }
  json data = {{"title", Msg(s, request, "auth.account_title")},
               {"name", p.display_name},
               {"roles", roles},
               {"provider", p.provider},
               {"csrf", p.csrf_token},
               {"spaces", spaces},
               {"has_spaces", !spaces.empty()},
               {"mandates", mandates},
               {"has_mandates", !mandates.empty()},
               {"holder_code", holder_code},
               {"totp", totp},
               {"can_enable_totp", p.provider == "local" && totp.is_null()},
               {"totp_button", Button(Msg(s, request, "auth.totp_enable"), true)},
               {"logout_button", Button(Msg(s, request, "auth.logout"))}};
  if (p.demo) {
    data["demo_notice"] = Notice("warning", "", Msg(s, request, "auth.account_demo"));
  }
  http::Response r = RenderPage(s, request, "account", std::move(data));
  // The logout form ends at the provider's end-session endpoint: allow its origin as a form target.
  std::string form_action = "form-action 'self'";
  for (const auth::ProviderConfig* provider : s.auth->ProviderConfigs()) {
    const std::string& issuer = provider->issuer;
    const auto scheme_end = issuer.find("://");
    if (scheme_end == std::string::npos) continue;
    form_action += " " + issuer.substr(0, issuer.find('/', scheme_end + 3));
  }
  r.SetHeader("Content-Security-Policy",
              "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; " + form_action);
  return r;
}

}  // namespace

http::Response RefusalPage(const api::Services& services, const http::Request& request, const Status& status,
                           const BackLink& back) {
  if (services.renderer == nullptr) return http::Problem(status, request.request_id);
  const int code = http::HttpStatusFor(status);
  const bool policy = status.code() == StatusCode::kPermissionDenied || status.code() == StatusCode::kUnauthenticated;
  const char* title = policy ? "auth.refused_title" : code == 404 ? "auth.not_found_title" : "errors.request_failed_title";
  return RenderPage(services, request, "refused",
                    {{"title", Msg(services, request, title)},
                     {"text", policy ? Msg(services, request, "auth.refused_text")
                                     : detail::RefusalMessage(*services.renderer, PageLanguage(request), status)},
                     {"reference", request.request_id},
                     {"back", LinkButton(Msg(services, request, back.label_key), back.href)}},
                    code);
}

void RegisterAuthPages(http::Router& router, const api::Services& services) {
  const api::Services& s = services;
  router.Add("GET", "/connexion", [&s](http::Request& r) { return LoginPage(s, r); }, "web.auth.login", "public");

  router.Add(
      "POST", "/connexion/agent",
      [&s](http::Request& r) {
        auto form = r.FormFields();
        const std::string username = FormValue(form, "username");
        auto session = s.auth->LocalLogin(username, FormValue(form, "password"), FormValue(form, "totp"), auth::ClientOf(r));
        if (!session.ok()) {
          const int status = session.status().code() == StatusCode::kResourceExhausted ? 429 : 401;
          return LoginPage(s, r, ErrorFor(s, r, session.status(), "username"), username, status);
        }
        return LoggedIn(s, r, *session, ReturnTo(FormValue(form, "retour")));
      },
      "web.auth.login_agent", "public");

  router.Add(
      "POST", "/connexion/demo",
      [&s](http::Request& r) {
        auto form = r.FormFields();
        auto role = auth::ParseRole(FormValue(form, "role"));
        if (!role) {
          json errors = json::array({{{"field", "role"}, {"href", "#role"}, {"message", Msg(s, r, "auth.error_role")}}});
          return LoginPage(s, r, errors, "", s.auth->options().demo ? 400 : 403);
        }
        auto session = s.auth->DemoLogin(*role, auth::ClientOf(r));
        if (!session.ok() && session.status().reason() == "auth.user_disabled") {
          return LoginPage(s, r, ErrorFor(s, r, session.status(), "role"), "", 403);
        }
        if (!session.ok()) return RefusalPage(s, r, session.status(), kBackToLogin);
        return LoggedIn(s, r, *session, ReturnTo(FormValue(form, "retour")));
      },
      "web.auth.login_demo", "public");

  router.Add(
      "GET", "/auth/oidc/{provider}/start",
      [&s](http::Request& r) {
        auto flow = s.auth->BeginOidcLogin(r.Param("provider"), ReturnTo(r.Query("retour").value_or("/compte")));
        if (!flow.ok()) return RefusalPage(s, r, flow.status(), kBackToLogin);
        http::Response resp = http::Response::Redirect(flow->url, 302);
        resp.AddCookie(FlowCookie(*s.auth, flow->state, false));
        return resp;
      },
      "web.auth.oidc_start", "public");

  router.Add(
      "GET", "/auth/oidc/{provider}/callback",
      [&s](http::Request& r) {
        auto login = s.auth->FinishOidcLogin(r.Param("provider"), r.Query("state").value_or(""),
                                             r.Cookie(FlowCookieName(*s.auth)).value_or(""),
                                             r.Query("code").value_or(""), r.Query("error").value_or(""),
                                             auth::ClientOf(r));
        http::Response resp = login.ok()
                                  ? LoggedIn(s, r, login->session, login->return_to)
                                  : LoginPage(s, r, ErrorFor(s, r, login.status(), "login-citizens"), "",
                                              http::HttpStatusFor(login.status().code()));
        resp.AddCookie(FlowCookie(*s.auth, "", true));
        return resp;
      },
      "web.auth.oidc_callback", "public");

  router.Add(
      "POST", "/deconnexion",
      [&s](http::Request& r) {
        const auth::Principal& p = *auth::PrincipalOf(r);
        std::string target = "/deconnexion/fin";
        if (p.method == auth::AuthMethod::kSession) {
          auto ended = s.auth->EndSession(p.session_id, p.Actor(), auth::ClientOf(r));
          if (!ended.ok()) return RefusalPage(s, r, ended.status());
          if (auth::OidcClient* oidc = s.auth->Provider(ended->provider); oidc != nullptr && !ended->id_token.empty()) {
            std::string url = oidc->LogoutUrl(ended->id_token, RandomHex(16));
            if (!url.empty()) target = url;
          }
        }
        http::Response resp = http::Response::Redirect(target);
        resp.AddCookie(s.auth->ExpiredSessionCookie());
        return resp;
      },
      "web.auth.logout", "authenticated");

  router.Add(
      "GET", "/deconnexion/fin",
      [&s](http::Request& r) {
        return RenderPage(s, r, "logged_out",
                          {{"title", Msg(s, r, "auth.logged_out_title")},
                           {"login", LinkButton(Msg(s, r, "auth.login_again"), "/connexion")}});
      },
      "web.auth.logged_out", "public");

  router.Add("GET", "/compte", [&s](http::Request& r) { return AccountPage(s, r); }, "web.auth.account",
             "authenticated");
  // "Mon espace" (header navigation): the account page lists the spaces of each role.
  router.Add("GET", "/mon-espace", [](http::Request&) { return http::Response::Redirect("/compte"); },
             "web.auth.my_space", "authenticated");

  router.Add(
      "POST", "/compte/totp",
      [&s](http::Request& r) {
        const auth::Principal& p = *auth::PrincipalOf(r);
        auto secret = s.auth->EnableTotp(p.user_id);
        if (!secret.ok()) return RefusalPage(s, r, secret.status());
        return AccountPage(s, r, {{"secret", auth::Base32Encode(*secret)},
                                  {"uri", auth::TotpUri(*secret, p.display_name, "Parcours")}});
      },
      "web.auth.totp", "authenticated");
}

}  // namespace parcours::web
