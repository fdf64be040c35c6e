// The `parcours` binary: core subcommands plus each module's own. A subcommand reports a
// failure by throwing CLI::RuntimeError(exit_code) from its callback.
#include <CLI/CLI.hpp>

#include "parcours/agency_sim/agency_sim.h"
#include "parcours/app/commands.h"
#include "parcours/vault/cli.h"
#include "parcours/catalog/cli.h"
#include "parcours/exchange/cli.h"
#include "parcours/insight/cli.h"
#include "parcours/journeys/journeys.h"
#include "parcours/proactive/cli.h"
#include "parcours/rules/cli.h"

int main(int argc, char** argv) {
  CLI::App app{"Parcours : démarches autour des événements de vie / public services around life events",
               "parcours"};
  app.require_subcommand(1);
  parcours::app::CommandLine line;
  parcours::app::AddCoreCommands(app, line);
  parcours::vault::AddVaultCommands(app);
  parcours::vault::AddAuditCommands(app);
  parcours::exchange::AddExchangeCommands(app);
  parcours::catalog::AddCatalogCommands(app);
  parcours::agency_sim::AddAgencySimCommands(app);
  parcours::insight::AddInsightCommands(app);
  // Campaigns read the situation where `serve` reads it (src/app/serve.cc).
  parcours::proactive::AddCampaignCommands(app, [](parcours::store::Database& db, const parcours::Clock& clock) {
    return parcours::journeys::NewStoreSituationSource(db, clock);
  });
  parcours::rules::AddRulesCommands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help, version or the usage error
    return code == 0 ? parcours::app::kExitOk : parcours::app::kExitConfig;
  }
  return parcours::app::kExitOk;
}
