// The campaign subcommands (see proactive/cli.h).
#include "parcours/proactive/cli.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "parcours/base/clock.h"
#include "parcours/catalog/catalog.h"
#include "parcours/proactive/campaign.h"
#include "parcours/store/migrations.h"
#include "parcours/store/store.h"

namespace parcours::proactive {
namespace {

std::string DefaultDatabase() {
  const char* env = std::getenv("PARCOURS_DATABASE");
  return env && *env ? env : "sqlite:var/parcours.db";
}

[[noreturn]] void Fail(const Status& s) {
  std::cerr << "parcours campaign: " << s.message() << " (" << s.reason() << ")\n";
  for (const auto& f : s.field_errors()) std::cerr << "  " << f.field << ": " << f.message << "\n";
  throw CLI::RuntimeError(s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kNotFound ? 2 : 1);
}

Entitlements LoadOrExit(const std::string& dir) {
  const std::filesystem::path root = dir.empty() ? catalog::ConfiguredCatalogDir() : std::filesystem::path(dir);
  auto catalog = catalog::LoadCatalog(root);
  if (!catalog.ok()) Fail(catalog.status());
  auto entitlements = LoadEntitlements(*catalog, root / "entitlements.yaml");
  if (!entitlements.ok()) Fail(entitlements.status());
  return std::move(entitlements).value();
}

void PrintProgress(const CampaignReport& r) {
  std::cerr << "campagne " << r.entitlement_id << " : " << r.scanned << "/" << r.population
            << " personnes examinées / persons scanned, " << r.eligible << " éligibles / eligible, " << r.offered
            << " propositions / offers\n";
}

}  // namespace

void AddCampaignCommands(CLI::App& app, SituationFactory situation) {
  struct Options {
    std::string database = DefaultDatabase();
    std::string catalog_dir;
    std::string entitlement;
    int page = 500;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("campaign", "Campagnes contre le non-recours / non-take-up campaigns");
  cmd->require_subcommand(1);

  CLI::App* run = cmd->add_subcommand(
      "run", "Propose un droit à toute personne éligible qui ne l'a pas demandé / offer an entitlement to everyone "
             "eligible who has not claimed it");
  run->add_option("--entitlement,--droit", o->entitlement, "Identifiant du droit / entitlement id")->required();
  run->add_option("--database", o->database, "URL de la base / database URL");
  run->add_option("--catalog", o->catalog_dir, "Dossier du catalogue / catalogue folder (PARCOURS_CATALOG_DIR)");
  run->add_option("--page", o->page, "Personnes par page / persons per page")->check(CLI::Range(1, 10000));
  run->callback([o, situation] {
    Entitlements entitlements = LoadOrExit(o->catalog_dir);
    auto db = store::Database::Open({o->database});
    if (!db.ok()) Fail(db.status());
    if (auto migrated = store::Migrate(**db); !migrated.ok()) Fail(migrated.status());
    const Clock& clock = SystemClock::Get();
    auto opened = situation(**db, entitlements.shared_catalog(), clock);
    if (!opened.ok()) Fail(opened.status());
    std::unique_ptr<journeys::SituationSource> source = std::move(opened).value();
    journeys::JourneyService journeys(**db, entitlements.shared_catalog(), *source, clock);
    OfferService offers(**db, entitlements, journeys, *source, clock);
    auto report = RunCampaign(**db, offers, o->entitlement, {.page = o->page, .progress = PrintProgress});
    if (!report.ok()) Fail(report.status());
    std::cout << "campagne / campaign " << report->entitlement_id << "\n"
              << "  examinées / scanned: " << report->scanned << "\n"
              << "  éligibles / eligible: " << report->eligible << "\n"
              << "  déjà demandées / already claimed: " << report->claimed << "\n"
              << "  déjà proposées / already offered: " << report->already_offered << "\n"
              << "  propositions faites / offered: " << report->offered << "\n"
              << "  en échec / failed: " << report->failed << "\n";
  });

  CLI::App* list = cmd->add_subcommand("entitlements", "Les droits du catalogue / the catalogue's entitlements");
  list->add_option("--catalog", o->catalog_dir, "Dossier du catalogue / catalogue folder (PARCOURS_CATALOG_DIR)");
  list->callback([o] {
    Entitlements entitlements = LoadOrExit(o->catalog_dir);
    for (const Entitlement& e : entitlements.list()) {
      std::cout << e.id << "\t" << e.administration << "\t" << e.event_id << "/" << e.step_id << "\t" << e.title.fr
                << "\n";
    }
  });
}

}  // namespace parcours::proactive
