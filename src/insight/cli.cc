// The insight subcommands (see insight/cli.h).
#include "parcours/insight/cli.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>

#include "parcours/base/clock.h"
#include "parcours/insight/aggregates.h"
#include "parcours/insight/demo.h"
#include "parcours/insight/export.h"
#include "parcours/insight/indicators.h"
#include "parcours/store/migrations.h"

namespace parcours::insight {
namespace {

std::string DefaultDatabase() {
  const char* env = std::getenv("PARCOURS_DATABASE");
  return env && *env ? env : "sqlite:var/parcours.db";
}

[[noreturn]] void Fail(const Status& s) {
  std::cerr << "parcours insight: " << s.message() << " (" << s.reason() << ")\n";
  for (const auto& f : s.field_errors()) std::cerr << "  " << f.field << ": " << f.message << "\n";
  throw CLI::RuntimeError(s.code() == StatusCode::kInvalidArgument ? 2 : 1);
}

std::unique_ptr<store::Database> OpenOrExit(const std::string& url) {
  auto db = store::Database::Open({url});
  if (!db.ok()) Fail(db.status());
  auto migrated = store::Migrate(**db);
  if (!migrated.ok()) Fail(migrated.status());
  return std::move(*db);
}

void PrintFold(const char* what, const FoldReport& r, double seconds) {
  std::cout << what << ": " << r.events << " événements / events, " << r.batches << " lots / batches, "
            << seconds << " s\n";
}

double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

void AddInsightCommands(CLI::App& app) {
  struct Options {
    std::string database = DefaultDatabase();
    int batch = 5000;
    RawFilter filter;
    bool csv = false;
    int64_t persons = 5000;
    int months = 6;
    uint64_t seed = 42;
    bool if_empty = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("insight", "Indicateurs d'expérience usager / customer-experience indicators");
  cmd->require_subcommand(1);

  CLI::App* fold = cmd->add_subcommand("fold", "Intègre les nouveaux événements / fold new events into the aggregates");
  fold->add_option("--database", o->database, "URL de la base / database URL");
  fold->add_option("--batch", o->batch, "Événements par transaction / events per transaction");
  fold->callback([o] {
    auto db = OpenOrExit(o->database);
    const auto t0 = std::chrono::steady_clock::now();
    auto r = Fold(*db, SystemClock(), {.batch = o->batch});
    if (!r.ok()) Fail(r.status());
    PrintFold("fold", *r, Since(t0));
  });

  CLI::App* rebuild = cmd->add_subcommand("rebuild", "Recalcule tout depuis les événements / recompute from the events");
  rebuild->add_option("--database", o->database, "URL de la base / database URL");
  rebuild->add_option("--batch", o->batch, "Événements par transaction / events per transaction");
  rebuild->callback([o] {
    auto db = OpenOrExit(o->database);
    const auto t0 = std::chrono::steady_clock::now();
    auto r = Rebuild(*db, SystemClock(), {.batch = o->batch});
    if (!r.ok()) Fail(r.status());
    PrintFold("rebuild", *r, Since(t0));
  });

  CLI::App* show = cmd->add_subcommand("show", "Affiche les indicateurs (JSON ou CSV) / print the indicators");
  show->add_option("--database", o->database, "URL de la base / database URL");
  show->add_option("--parcours", o->filter.journey, "Événement de vie / life event (demenager...)");
  show->add_option("--service", o->filter.service, "Service ou organisme / service (caf...)");
  show->add_option("--du", o->filter.from, "Début AAAA-MM-JJ / from");
  show->add_option("--au", o->filter.to, "Fin AAAA-MM-JJ / to");
  show->add_option("--canal", o->filter.channel, "Canal / channel");
  show->add_option("--departement", o->filter.departement, "Département");
  show->add_option("--commune", o->filter.commune, "Commune (code INSEE)");
  show->add_flag("--csv", o->csv, "CSV au lieu de JSON / CSV instead of JSON");
  show->callback([o] {
    auto db = OpenOrExit(o->database);
    SystemClock clock;
    auto filter = ParseFilter(o->filter, clock.NowMillis() / 86'400'000);
    if (!filter.ok()) Fail(filter.status());
    auto folded = Fold(*db, clock);
    if (!folded.ok()) Fail(folded.status());
    auto as_of = AsOf(*db);
    if (!as_of.ok()) Fail(as_of.status());
    auto now = Compute(*db, *filter);
    if (!now.ok()) Fail(now.status());
    auto before = Compute(*db, PreviousPeriod(*filter));
    if (!before.ok()) Fail(before.status());
    if (o->csv) std::cout << ToCsv(*now, *before, *as_of);
    else std::cout << ToJson(*now, &*before, *as_of).dump(2) << "\n";
  });

  CLI::App* demo = app.add_subcommand(
      "demo", "Population de démonstration et des mois d'activité / synthetic population and months of activity");
  demo->add_option("--database", o->database, "URL de la base / database URL");
  demo->add_option("--personnes,--persons", o->persons, "Nombre de personnes / people (1 parcours chacune)");
  demo->add_option("--mois,--months", o->months, "Mois d'historique / months of history");
  demo->add_option("--graine,--seed", o->seed, "Graine / random seed");
  demo->add_flag("--si-absente,--if-absent", o->if_empty,
                 "Ne rien faire si une démonstration est déjà en base / skip when demo data exists");
  demo->callback([o] {
    auto db = OpenOrExit(o->database);
    SystemClock clock;
    if (o->if_empty) {
      auto present = HasDemoData(*db);
      if (!present.ok()) Fail(present.status());
      if (*present) {
        std::cout << "demo: déjà en base / already there\n";
        return;
      }
    }
    const auto t0 = std::chrono::steady_clock::now();
    DemoOptions d;
    d.persons = o->persons;
    d.months = o->months;
    d.seed = o->seed;
    d.end_ms = clock.NowMillis() - 60'000;
    auto r = GenerateDemo(*db, d);
    if (!r.ok()) Fail(r.status());
    std::cout << "demo: " << r->persons << " personnes / people, " << r->events << " événements / events, "
              << Since(t0) << " s\n";
    const auto t1 = std::chrono::steady_clock::now();
    auto f = Fold(*db, clock, {.settle_ms = 0});
    if (!f.ok()) Fail(f.status());
    PrintFold("fold", *f, Since(t1));
  });
}

}  // namespace parcours::insight
