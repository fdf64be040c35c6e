#include "parcours/exchange/cli.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "parcours/base/clock.h"
#include "parcours/exchange/delivery.h"
#include "parcours/exchange/registry.h"
#include "parcours/store/migrations.h"
#include "parcours/store/store.h"
#include "parcours/vault/crypto.h"

namespace parcours::exchange {
namespace {

std::string DefaultDatabase() {
  const char* env = std::getenv("PARCOURS_DATABASE");
  return env && *env ? env : "sqlite:var/parcours.db";
}

// Opens and migrates the database or throws CLI's runtime error with a message.
std::unique_ptr<store::Database> OpenOrExit(const std::string& url) {
  auto db = store::Database::Open({url});
  if (!db.ok()) {
    std::cerr << "parcours exchange: " << db.status().message() << "\n";
    throw CLI::RuntimeError(1);
  }
  auto migrated = store::Migrate(**db);
  if (!migrated.ok()) {
    std::cerr << "parcours exchange: " << migrated.status().message() << "\n";
    throw CLI::RuntimeError(1);
  }
  return std::move(*db);
}

}  // namespace

void AddExchangeCommands(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("exchange", "Échanges avec les organismes / exchange with agencies");
  cmd->require_subcommand(1);

  // CLI11 binds options by reference: the values live as long as the callbacks holding them.
  struct Options {
    std::string database = DefaultDatabase();
    std::string out;
  };
  auto opts = std::make_shared<Options>();

  CLI::App* secrets = cmd->add_subcommand("secrets", "Secrets de signature des services (JSON) / webhook secrets");
  secrets->add_option("--database", opts->database, "URL de la base / database URL");
  secrets->add_option("--out", opts->out, "Fichier de sortie (mode 0600) / output file");
  secrets->callback([opts] {
    auto db = OpenOrExit(opts->database);
    auto tx = db->BeginRead();
    auto services = tx.ok() ? ListServices(**tx) : Result<std::vector<ServiceDef>>(tx.status());
    if (!services.ok()) {
      std::cerr << "parcours exchange secrets: " << services.status().message() << "\n";
      throw CLI::RuntimeError(1);
    }
    nlohmann::json j = nlohmann::json::object();
    for (const auto& s : *services) j[s.id] = s.secret;
    if (opts->out.empty()) {
      std::cout << j.dump(2) << "\n";
      return;
    }
    std::ofstream(opts->out, std::ios::trunc).close();  // restrict the file before any secret is in it
    std::filesystem::permissions(opts->out, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::ofstream(opts->out, std::ios::trunc) << j.dump(2) << "\n";
  });

  CLI::App* deliver = cmd->add_subcommand("deliver", "Un cycle d'envoi maintenant / one delivery round now");
  deliver->add_option("--database", opts->database, "URL de la base / database URL");
  deliver->callback([opts] {
    auto db = OpenOrExit(opts->database);
    auto keys = vault::KeyRing::FromEnvironment();
    if (!keys.ok()) {
      std::cerr << "parcours exchange deliver: " << keys.status().message() << "\n";
      throw CLI::RuntimeError(2);
    }
    DeliveryWorker worker(*db, *keys, SystemClock::Get(), DeliveryOptions{});
    auto n = worker.RunOnce();
    if (!n.ok()) {
      std::cerr << "parcours exchange deliver: " << n.status().message() << "\n";
      throw CLI::RuntimeError(1);
    }
    std::cout << *n << " envoi(s) tenté(s) / delivery attempt(s)\n";
  });
}

}  // namespace parcours::exchange
