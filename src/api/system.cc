#include "parcours/api/system.h"

#include "parcours/http/metrics.h"
#include "parcours/http/middleware.h"
#include "parcours/store/store.h"

namespace parcours::api {

void RegisterSystemRoutes(http::Router& router, const Services& services) {
  router.Add("GET", "/healthz", http::HealthHandler(), "system.health");

  router.Add(
      "GET", "/readyz",
      [&services](http::Request& request) {
        Status status = services.db != nullptr
                            ? services.db->Ping()
                            : Unavailable("system.no_database", "Aucune base de données configurée.");
        if (!status.ok()) return http::Problem(status, request.request_id);
        return http::Response::Text("ready\n");
      },
      "system.ready");

  router.Add(
      "GET", "/metrics",
      [handler = services.metrics != nullptr
                               ? http::MetricsHandler(*services.metrics)
                               : http::Handler()](http::Request& request) {
        if (!handler) {
          return http::Problem(
              Unavailable("system.no_metrics", "Les métriques ne sont pas activées."),
              request.request_id);
        }
        return handler(request);
      },
      "system.metrics");

  router.Add(
      "GET", "/openapi.json",
      [](http::Request& request) {
        Result<std::string> document = OpenApiDocument();
        if (!document.ok()) return http::Problem(document.status(), request.request_id);
        return http::Response::Text(*document, 200, "application/json");
      },
      "system.openapi");
}

}  // namespace parcours::api
