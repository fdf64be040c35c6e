// The `parcours` binary: core subcommands plus each module's own. A subcommand reports a
// failure by throwing CLI::RuntimeError(exit_code) from its callback.
#include <CLI/CLI.hpp>

#include "parcours/agency_sim/agency_sim.h"
#include "parcours/app/commands.h"
#include "parcours/vault/cli.h"
#include "parcours/catalog/cli.h"
#include "parcours/exchange/cli.h"
#include "parcours/exchange/outbox.h"
#include "parcours/insight/cli.h"
#include "parcours/journeys/journeys.h"
#include "parcours/proactive/cli.h"
#include "parcours/vault/vault.h"
#include "parcours/rules/cli.h"

namespace parcours::app {
namespace {

// The vault-backed situation source, owning its vault (opened as `serve` opens it).
class OwningSituation final : public journeys::SituationSource {
 public:
  OwningSituation(std::unique_ptr<vault::Vault> vault, catalog::CatalogPtr catalog, const Clock& clock)
      : vault_(std::move(vault)), inner_(journeys::NewVaultSituationSource(*vault_, std::move(catalog), clock)) {}
  Result<journeys::Answers> Load(const journeys::Actor& a, const std::string& p, std::string_view e) override {
    return inner_->Load(a, p, e);
  }
  Status Save(const journeys::Actor& a, const std::string& p, std::string_view e, const journeys::Answers& c,
              const journeys::FormSubmission* f) override {
    return inner_->Save(a, p, e, c, f);
  }
  Result<journeys::Prefill> PrefillFor(const journeys::Actor& a, const std::string& p, std::string_view e,
                                       const std::vector<std::string>& rules) override {
    return inner_->PrefillFor(a, p, e, rules);
  }

 private:
  std::unique_ptr<vault::Vault> vault_;
  std::unique_ptr<journeys::SituationSource> inner_;
};

Result<std::unique_ptr<journeys::SituationSource>> VaultSituation(store::Database& db, catalog::CatalogPtr catalog,
                                                                  const Clock& clock) {
  auto registry = std::make_shared<vault::AttributeRegistry>(vault::AttributeRegistry::Default());
  RETURN_IF_ERROR(journeys::RegisterCatalogAttributes(*catalog, *registry));
  ASSIGN_OR_RETURN(std::unique_ptr<vault::Vault> v, vault::OpenVault(db, clock, "var/vault.keys", registry));
  return std::unique_ptr<journeys::SituationSource>(std::make_unique<OwningSituation>(std::move(v), catalog, clock));
}

}  // namespace
}  // namespace parcours::app

int main(int argc, char** argv) {
  CLI::App app{"Parcours : démarches autour des événements de vie / public services around life events",
               "parcours"};
  app.require_subcommand(1);
  parcours::app::CommandLine line;
  parcours::app::AddCoreCommands(app, line);
  parcours::vault::AddVaultCommands(app, {parcours::exchange::ResealPayloads});
  parcours::vault::AddAuditCommands(app);
  parcours::exchange::AddExchangeCommands(app);
  parcours::catalog::AddCatalogCommands(app);
  parcours::agency_sim::AddAgencySimCommands(app);
  parcours::insight::AddInsightCommands(app);
  // Campaigns read the situation where `serve` reads it (src/app/serve.cc): the vault.
  parcours::proactive::AddCampaignCommands(app, parcours::app::VaultSituation);
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
