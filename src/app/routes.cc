// Every route and middleware of a node, in one place. A module adds one line here: its
// Register...Routes call (API routes first, then web pages).
#include "parcours/api/complaints.h"
#include "parcours/api/console.h"
#include "parcours/api/exchange_routes.h"
#include "parcours/api/insight.h"
#include "parcours/api/journeys.h"
#include "parcours/api/proactive.h"
#include "parcours/api/auth.h"
#include "parcours/api/system.h"
#include "parcours/api/vault.h"
#include "parcours/app/config.h"
#include "parcours/app/serve.h"
#include "parcours/auth/middleware.h"
#include "parcours/auth/auth.h"
#include "parcours/http/metrics.h"
#include "parcours/http/middleware.h"
#include "parcours/http/router.h"
#include "parcours/web/complaint_pages.h"
#include "parcours/web/console_pages.h"
#include "parcours/web/exchange_pages.h"
#include "parcours/web/insight_pages.h"
#include "parcours/web/journey_pages.h"
#include "parcours/web/admin_pages.h"
#include "parcours/web/proactive_pages.h"
#include "parcours/web/auth_pages.h"
#include "parcours/web/site.h"
#include "parcours/web/vault_pages.h"

namespace parcours::app {

void RegisterRoutes(http::Router& router, const api::Services& services,
                    const web::StaticFiles& assets, proactive::OfferService* offers) {
  // Middleware, outermost first: the access log and the metrics see every final answer,
  // and every answer (including those of later middleware) carries the security headers.
  router.Use(http::AccessLog());
  router.Use(http::MetricsMiddleware(*services.metrics));
  router.Use(http::SecurityHeaders({.behind_tls = services.config->behind_tls}));
  router.Use(web::HtmlNotFound(services));
  // Identity (session cookie or API key), CSRF on unsafe methods, then each route's policy.
  router.Use(auth::Authenticate(*services.auth));
  router.Use(auth::CsrfProtect(*services.auth));
  router.Use(auth::Authorize(*services.auth, [&services](const http::Request& r, const Status& s) {
    return web::RefusalPage(services, r, s);
  }));

  // JSON API.
  api::RegisterSystemRoutes(router, services);
  api::RegisterAuthRoutes(router, services);
  api::RegisterVaultRoutes(router, services);
  api::RegisterJourneyRoutes(router, services);
  api::RegisterInsightRoutes(router, services);
  api::RegisterExchangeRoutes(router, services);
  api::RegisterProactiveRoutes(router, services, offers);
  if (services.auth) api::RegisterExchangeResolvers(services.auth->authorizer(), services);
  api::RegisterComplaintRoutes(router, services);
  api::RegisterConsoleRoutes(router, services);
  if (services.auth) api::RegisterConsoleResolvers(services.auth->authorizer(), services);

  // Web pages.
  web::RegisterSiteRoutes(router, services, assets);
  web::RegisterAuthPages(router, services);
  web::RegisterMandatePages(router, services);
  web::RegisterAdminPages(router, services);
  web::RegisterIntegratorPages(router, services);
  web::RegisterVaultPages(router, services);
  web::RegisterJourneyPages(router, services);
  web::RegisterInsightPages(router, services);
  web::RegisterExchangePages(router, services);
  web::RegisterComplaintPages(router, services);
  web::RegisterConsolePages(router, services);
  web::RegisterProactivePages(router, services, offers);
}

}  // namespace parcours::app
