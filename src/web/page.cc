#include "parcours/web/page.h"

#include "parcours/app/config.h"
#include "parcours/auth/principal.h"
#include "parcours/base/log.h"
#include "parcours/web/renderer.h"
#include "parcours/web/static_files.h"

namespace parcours::web {
namespace {

using nlohmann::json;

struct NavItem {
  std::string_view href;
  std::string_view key;
};

// The header navigation of the citizen site; the other spaces are linked from the footer.
constexpr NavItem kNav[] = {
    {"/", "nav.home"},
    {"/evenements", "nav.events"},
    {"/mon-espace", "nav.my_space"},
};

bool IsCurrent(std::string_view path, std::string_view href) {
  if (href == "/") return path == "/";
  return path == href || (path.size() > href.size() && path.substr(0, href.size()) == href &&
                          path[href.size()] == '/');
}

// The current URL with ?lang=<lang>, other query parameters kept.
std::string UrlInLanguage(const http::Request& request, std::string_view lang) {
  std::string url = request.path + "?";
  for (const auto& [key, value] : request.query) {
    if (key == "lang") continue;
    url += http::UrlEncode(key) + "=" + http::UrlEncode(value) + "&";
  }
  return url + "lang=" + std::string(lang);
}

http::Response RenderFailure(const Status& status, const http::Request& request) {
  log::Error("page rendering failed", {{"reason", status.reason()}, {"error", status.message()},
                                       {"path", request.path}});
  return http::Response::Html(
      "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Erreur interne"
      "</title></head><body><main><h1>Erreur interne</h1><p>La page n'a pas pu être affichée. "
      "Réessayez plus tard. Référence : " +
          http::HtmlEscape(request.request_id) + "</p></main></body></html>",
      500);
}

}  // namespace

std::string PageLanguage(const http::Request& request) {
  if (auto lang = request.Query("lang"); lang && IsSupportedLanguage(*lang)) return *lang;
  if (auto lang = request.Cookie("lang"); lang && IsSupportedLanguage(*lang)) return *lang;
  std::string lang = request.Language();
  return IsSupportedLanguage(lang) ? lang : std::string(kDefaultLanguage);
}

std::string Msg(const api::Services& services, const http::Request& request, std::string_view key,
                const std::map<std::string, std::string>& params) {
  return services.renderer->Message(PageLanguage(request), key, params);
}

http::Response RenderPage(const api::Services& services, const http::Request& request,
                          std::string_view page, json data, int status) {
  const std::string lang = PageLanguage(request);
  const Renderer& renderer = *services.renderer;
  if (!data.is_object()) data = json::object();

  data["lang"] = lang;
  data["path"] = request.path;
  data["has_errors"] = data.contains("errors") && data["errors"].is_array() && !data["errors"].empty();
  data["static_version"] = services.assets != nullptr ? services.assets->Version() : "";
  json switches = json::array();
  for (std::string_view other : kLanguages) {
    if (other == lang) continue;
    switches.push_back({{"href", UrlInLanguage(request, other)},
                        {"lang", other},
                        {"label", renderer.Message(other, "language.name")},
                        {"hint", renderer.Message(other, "language.switch_hint")}});
  }
  data["lang_switch"] = std::move(switches);
  json nav = json::array();
  for (const NavItem& item : kNav) {
    nav.push_back({{"href", item.href},
                   {"label", renderer.Message(lang, item.key)},
                   {"current", IsCurrent(request.path, item.href)}});
  }
  data["nav"] = std::move(nav);
  // The staff spaces, for whoever may open them (and for staff not logged in yet): a usager,
  // aidant or integrator would only meet a refusal there.
  const auth::Principal* p = auth::PrincipalOf(request);
  data["footer_agent"] = p == nullptr || p->HasRole(auth::Role::kAgent);
  data["footer_pilot"] = p == nullptr || p->HasRole(auth::Role::kPilote);

  Result<std::string> html = renderer.RenderPage(page, data, lang);
  if (!html.ok()) return RenderFailure(html.status(), request);

  http::Response response = http::Response::Html(std::move(*html), status);
  response.SetHeader("Content-Language", lang);
  response.SetHeader("Vary", "Accept-Language, Cookie");
  response.SetHeader("Cache-Control", "no-store");
  if (auto asked = request.Query("lang"); asked && IsSupportedLanguage(*asked)) {
    bool secure = services.config != nullptr && services.config->behind_tls;
    response.AddCookie("lang=" + lang + "; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly" +
                       (secure ? "; Secure" : ""));
  }
  return response;
}

}  // namespace parcours::web
