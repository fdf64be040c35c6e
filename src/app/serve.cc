#include "parcours/app/serve.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "parcours/api/services.h"
#include "parcours/auth/auth.h"
#include "parcours/auth/config.h"
#include "parcours/vault/vault.h"
#include "parcours/base/clock.h"
#include "parcours/base/log.h"
#include "parcours/exchange/runtime.h"
#include "parcours/catalog/catalog.h"
#include "parcours/complaints/complaints.h"
#include "parcours/http/metrics.h"
#include "parcours/http/router.h"
#include "parcours/http/server.h"
#include "parcours/insight/service.h"
#include "parcours/journeys/journeys.h"
#include "parcours/journeys/sync.h"
#include "parcours/proactive/offers.h"
#include "parcours/proactive/triggers.h"
#include "parcours/store/follow.h"
#include "parcours/store/migrations.h"
#include "parcours/store/store.h"
#include "parcours/web/renderer.h"
#include "parcours/web/static_files.h"

namespace parcours::app {
namespace {

// Logs a start-up failure and prints it for the operator, in French and English.
int Fail(std::string_view what_fr, std::string_view what_en, const Status& status, int code) {
  log::Error(std::string(what_en), {{"reason", status.reason()}, {"error", status.message()}});
  std::cerr << "parcours: " << what_fr << " / " << what_en << ": " << status.message() << "\n";
  return code;
}

// Creates the parent folder of a SQLite file so that `sqlite:var/parcours.db` works on a
// fresh checkout.
void EnsureSqliteFolder(const std::string& url) {
  if (url.rfind("sqlite:", 0) != 0 || url == "sqlite::memory:") return;
  std::filesystem::path parent = std::filesystem::path(url.substr(7)).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
}

Result<std::unique_ptr<store::Database>> OpenAndMigrate(const Config& config, int* applied) {
  EnsureSqliteFolder(config.database_url);
  store::Options options;
  options.url = config.database_url;
  options.pool_size = config.db_pool_size;
  ASSIGN_OR_RETURN(auto db, store::Database::Open(options));
  ASSIGN_OR_RETURN(*applied, store::Migrate(*db));
  return db;
}

// Writes the port to `path` atomically (write then rename) so a reader never sees half a file.
Status WritePortFile(const std::string& path, uint16_t port) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
    if (!out.flush()) {
      return Internal("app.port_file", "Impossible d'écrire le fichier de port " + path);
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Internal("app.port_file", "Impossible d'écrire le fichier de port " + path);
  return Status::Ok();
}

}  // namespace

int MigrateCommand(const Config& config) {
  log::SetLevel(config.log_level);
  int applied = 0;
  auto db = OpenAndMigrate(config, &applied);
  if (!db.ok()) {
    return Fail("migration impossible", "migration failed", db.status(), kExitFailure);
  }
  Result<int> version = store::CurrentVersion(**db);
  std::cout << "migrations appliquées / applied: " << applied
            << ", version du schéma / schema version: " << version.value_or(0) << "\n";
  return kExitOk;
}

int Serve(const Config& input, const std::string& port_file) {
  Config config = input;
  log::SetLevel(config.log_level);

  int applied = 0;
  auto db = OpenAndMigrate(config, &applied);
  if (!db.ok()) {
    return Fail("base de données inutilisable", "database unusable", db.status(), kExitFailure);
  }
  auto renderer = web::Renderer::Load({config.web_dir, config.theme_dir});
  if (!renderer.ok()) {
    return Fail("gabarits illisibles", "templates unreadable", renderer.status(), kExitConfig);
  }
  auto assets = web::StaticFiles::Load(config.web_dir, config.theme_dir);
  if (!assets.ok()) {
    return Fail("fichiers statiques illisibles", "static files unreadable", assets.status(),
                kExitConfig);
  }
  http::MetricsRegistry metrics;

  api::Services services;
  services.db = db->get();
  services.clock = &SystemClock::Get();
  services.config = &config;
  services.metrics = &metrics;
  services.renderer = renderer->get();
  services.assets = assets->get();

  // The life-event catalogue (PARCOURS_CATALOG_DIR, default catalog/) and the journeys.
  std::vector<catalog::Diagnostic> diagnostics;
  auto life_events = catalog::LoadCatalog(catalog::ConfiguredCatalogDir(), &diagnostics);
  if (!life_events.ok()) {
    for (const auto& d : diagnostics) log::Error("catalog", {{"problem", d.ToString()}});
    return Fail("catalogue invalide", "invalid catalogue", life_events.status(), kExitConfig);
  }
  insight::InsightService insight_service(**db, SystemClock::Get());  // indicators and feedback
  services.insight = &insight_service;
  const catalog::Catalog& known = **life_events;
  insight_service.feedback().SetReferences(
      {.life_event = [&known](std::string_view id) { return known.FindEvent(id) != nullptr; },
       .step = [&known](std::string_view event, std::string_view step) {
         const catalog::Event* e = known.FindEvent(event);
         return e != nullptr && e->FindStep(step) != nullptr;
       },
       .service = [&known](std::string_view id) { return known.FindAdministration(id) != nullptr; }});

  // The once-only data vault: keys from PARCOURS_VAULT_KEY_FILE / PARCOURS_VAULT_KEYS, else
  // var/vault.keys. Its attributes are the built-in ones plus every question of the catalogue.
  auto registry = std::make_shared<vault::AttributeRegistry>(vault::AttributeRegistry::Default());
  if (Status st = journeys::RegisterCatalogAttributes(**life_events, *registry); !st.ok()) {
    return Fail("catalogue incompatible avec le coffre", "catalogue incompatible with the vault", st, kExitConfig);
  }
  auto data_vault = vault::OpenVault(**db, SystemClock::Get(), "var/vault.keys", registry);
  if (!data_vault.ok()) {
    return Fail("coffre de données inutilisable", "data vault unusable", data_vault.status(), kExitConfig);
  }
  services.vault = data_vault->get();
  // The journeys' situation is the person's vault.
  std::unique_ptr<journeys::SituationSource> situation =
      journeys::NewVaultSituationSource(*services.vault, *life_events, SystemClock::Get());
  journeys::JourneyService journey_service(**db, *life_events, *situation, SystemClock::Get());
  services.journeys = &journey_service;
  // Steps fulfilled through the exchange (a declaration sent, an agency's status or life-event
  // signal) move forward from the event log, off the request path (journeys/sync.h).
  const store::FollowOptions sync_options;
  store::FollowingThread journey_sync(
      [&db, &journey_service, &sync_options] {
        Result<journeys::SyncReport> r =
            journeys::RunJourneySync(**db, journey_service, SystemClock::Get(), sync_options);
        if (!r.ok()) log::Warn("journey sync", {{"reason", r.status().reason()}, {"error", r.status().message()}});
      },
      sync_options.poll_ms);
  // Complaints with a deadline: the organisation in charge comes from the catalogue, the
  // person's dossiers and journeys; the SLA from the configuration (complaint_sla_days).
  complaints::ComplaintService complaint_service(
      **db, SystemClock::Get(), complaints::NewTargetResolver(**db, **life_events, journey_service),
      config.complaint_sla_days);
  services.complaints = &complaint_service;
  // The aggregates are folded in the background; dashboards read them without waiting.
  if (Status status = insight_service.StartFolding({.interval_ms = config.insight_fold_interval_ms});
      !status.ok()) {
    return Fail("calcul des indicateurs", "indicator fold", status, kExitConfig);
  }

  // Proactive offers: the entitlements of the catalogue (entitlements.yaml), assessed on the
  // same situation as the journeys; a background worker reads the event log for triggers.
  auto entitlements =
      proactive::LoadEntitlements(*life_events, catalog::ConfiguredCatalogDir() / "entitlements.yaml");
  if (!entitlements.ok()) {
    for (const auto& f : entitlements.status().field_errors()) {
      log::Error("entitlements", {{"problem", f.field + ": " + f.message}});
    }
    return Fail("droits proactifs invalides", "invalid entitlements", entitlements.status(), kExitConfig);
  }
  proactive::OfferService offer_service(**db, *entitlements, journey_service, *situation, SystemClock::Get());
  proactive::TriggerWorker trigger_worker(**db, offer_service, SystemClock::Get());

  // Identity, sessions and authorisation (PARCOURS_OIDC_*, PARCOURS_SESSION_*: auth/config.h).
  const std::string auth_base_url =
      !config.base_url.empty() || config.port == 0
          ? config.base_url
          : "http://" + config.listen_address + ":" + std::to_string(config.port);
  auto auth_options =
      auth::OptionsFromEnvironment(ProcessEnvironment(), auth_base_url, config.behind_tls, config.demo);
  if (!auth_options.ok()) {
    return Fail("configuration de l'authentification invalide", "invalid auth configuration",
                auth_options.status(), kExitConfig);
  }
  auth::Auth auth_service(**db, SystemClock::Get(), std::move(auth_options).value());
  auth_service.SetIdentitySink([vault = services.vault](store::Transaction& tx, const std::string& person_id,
                                                        const auth::VerifiedIdentity& identity) {
    // Only FranceConnect claims are recorded as verified FranceConnect values.
    return vault->ImportIdentity(tx, person_id,
                                 identity.provider == "franceconnect" ? identity.claims : nlohmann::json::object());
  });
  services.auth = &auth_service;

  http::Router router;
  RegisterRoutes(router, services, **assets, &offer_service);

  http::ServerOptions options;
  options.address = config.listen_address;
  options.port = config.port;
  options.threads = config.threads;
  options.max_body_bytes = config.max_body_bytes;
  options.behind_tls = config.behind_tls;
  std::unique_ptr<http::Server> server = http::Server::Create(options, router);
  if (Status status = server->Listen(); !status.ok()) {
    return Fail("écoute impossible", "cannot listen", status, kExitFailure);
  }
  if (config.base_url.empty()) {
    config.base_url = "http://" + config.listen_address + ":" + std::to_string(server->BoundPort());
  }
  if (!port_file.empty()) {
    if (Status status = WritePortFile(port_file, server->BoundPort()); !status.ok()) {
      return Fail("fichier de port", "port file", status, kExitFailure);
    }
  }
  // The exchange with agencies starts once the public URL is known (its webhooks carry the
  // status URL agencies answer to); handlers read services.outbox at request time.
  exchange::RuntimeOptions exchange_options;
  exchange_options.registry_file = std::filesystem::path(config.catalog_dir) / "exchange.yaml";
  exchange_options.agency_sim_url = config.agency_sim_url;
  exchange_options.callback_base_url = config.base_url;
  exchange_options.delivery.max_attempts = config.delivery_max_attempts;
  exchange_options.delivery.request_timeout = std::chrono::milliseconds(config.delivery_timeout_ms);
  exchange_options.delivery.lease = std::chrono::milliseconds(3 * config.delivery_timeout_ms);
  exchange_options.delivery.base_backoff = std::chrono::milliseconds(config.delivery_base_backoff_ms);
  exchange_options.delivery.max_backoff = std::chrono::milliseconds(config.delivery_max_backoff_ms);
  auto exchange_runtime = exchange::Runtime::Start(**db, *services.vault, SystemClock::Get(), exchange_options);
  if (!exchange_runtime.ok()) {
    return Fail("échanges avec les organismes", "exchange with agencies", exchange_runtime.status(), kExitConfig);
  }
  services.outbox = &(*exchange_runtime)->outbox();
  services.delivery_worker = &(*exchange_runtime)->worker();

  log::Info("serving", {{"address", config.listen_address},
                        {"port", server->BoundPort()},
                        {"threads", config.threads},
                        {"db_pool_size", config.db_pool_size},
                        {"migrations_applied", applied},
                        {"base_url", config.base_url}});
  trigger_worker.Start();
  journey_sync.Start();
  server->Run();
  journey_sync.Stop();
  trigger_worker.Stop();
  log::Info("stopped");
  return kExitOk;
}

}  // namespace parcours::app
