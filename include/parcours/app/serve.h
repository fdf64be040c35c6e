// `parcours serve` and `parcours migrate`: start-up wiring of a node.
#pragma once

#include "parcours/app/commands.h"
#include "parcours/app/config.h"
#include "parcours/base/status.h"

namespace parcours::http {
class Router;
}
namespace parcours::api {
struct Services;
}
namespace parcours::web {
class StaticFiles;
}

namespace parcours::proactive {
class OfferService;
}

namespace parcours::app {

// Opens the database, migrates it, loads the templates, registers every route and serves
// until SIGTERM/SIGINT. Writes the bound port to `port_file` when non-empty. Returns the
// process exit code; failures are logged with a French and English message.
int Serve(const Config& config, const std::string& port_file);

// Opens the database and applies pending migrations; prints how many ran. Exit code.
int MigrateCommand(const Config& config);

// Registers every module's routes and middleware on `router` (src/app/routes.cc: the one
// place a new module's Register...Routes call is added). `offers` (proactive offers; null: their
// routes answer 503) must outlive the router.
void RegisterRoutes(http::Router& router, const api::Services& services,
                    const web::StaticFiles& assets, proactive::OfferService* offers = nullptr);

}  // namespace parcours::app
