#include "parcours/web/site.h"

#include <nlohmann/json.hpp>

#include "components_page.h"
#include "parcours/web/page.h"

namespace parcours::web {
namespace {

http::Response ServeStatic(const StaticFiles& assets, const http::Request& request) {
  const StaticFile* file = assets.Find(request.Param("path"));
  if (file == nullptr) {
    return http::Problem(NotFound("web.static_not_found", "Fichier introuvable."),
                         request.request_id);
  }
  http::Response response;
  auto version = request.Query("v");
  response.SetHeader("Cache-Control", version && *version == assets.Version()
                                          ? "public, max-age=31536000, immutable"
                                          : "public, max-age=3600");
  response.SetHeader("ETag", file->etag);
  if (request.Header("If-None-Match") == file->etag) {
    response.status = 304;
    return response;
  }
  response.SetHeader("Content-Type", file->content_type);
  response.body = file->body;
  return response;
}

}  // namespace

http::Middleware HtmlNotFound(const api::Services& services) {
  return [&services](http::Request& request, const http::Handler& next) {
    http::Response response = next(request);
    if (response.status != 404 || request.route_info != nullptr || request.method != "GET" ||
        request.Header("Accept").find("text/html") == std::string_view::npos) {
      return response;
    }
    return RenderPage(services, request, "not_found",
                      {{"title", Msg(services, request, "errors.not_found_title")}}, 404);
  };
}

void RegisterSiteRoutes(http::Router& router, const api::Services& services,
                        const StaticFiles& assets) {
  router.Add(
      "GET", "/",
      [&services](http::Request& request) {
        nlohmann::json data = {
            {"title", Msg(services, request, "home.title")},
            {"start", {{"href", "/evenements"}, {"label", Msg(services, request, "home.start")}}}};
        return RenderPage(services, request, "home", std::move(data));
      },
      "web.home");
  router.Add(
      "GET", "/accessibilite",
      [&services](http::Request& request) {
        return RenderPage(services, request, "accessibility",
                          {{"title", Msg(services, request, "accessibility.title")}});
      },
      "web.accessibility");
  router.Add(
      "GET", "/composants",
      [&services](http::Request& request) { return ComponentsPage(services, request); },
      "web.components");
  router.Add(
      "GET", "/static/{path...}",
      [&assets](http::Request& request) { return ServeStatic(assets, request); }, "web.static");
}

}  // namespace parcours::web
