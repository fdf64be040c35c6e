// The site's shared pages and assets: home page, accessibility statement, components
// showcase, static files.
// Thread-safety: register before the server starts.
#pragma once

#include "parcours/api/services.h"
#include "parcours/http/router.h"
#include "parcours/web/static_files.h"

namespace parcours::web {

// Registers GET / (home), GET /accessibilite (accessibility statement), GET /composants
// (every component of the theme with sample data, for theme authors and axe-core) and
// GET /static/{path...} (assets from `assets`, with ETag, If-None-Match -> 304, and a one-year
// immutable cache when the URL carries the current ?v= version). `services` and `assets`
// must outlive the router.
void RegisterSiteRoutes(http::Router& router, const api::Services& services,
                        const StaticFiles& assets);

// Middleware: a GET for an address that matches no route, from a browser (Accept names
// text/html), gets an HTML "page not found" in the visitor's language with status 404 instead
// of problem+json. API clients (Accept: application/json, */*) keep problem+json.
http::Middleware HtmlNotFound(const api::Services& services);

}  // namespace parcours::web
