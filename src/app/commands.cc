#include "parcours/app/commands.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "parcours/app/serve.h"
#include "parcours/store/migrations.h"

namespace parcours::app {
namespace {

// Loads the configuration (file, then environment, then flags) or exits with code 2.
Config LoadOrExit(const CommandLine& line) {
  EnvLookup env = ProcessEnvironment();
  std::string file = line.config_file;
  if (file.empty()) file = env("PARCOURS_CONFIG").value_or("");
  Result<Config> config = LoadConfig(file, env);
  Status status = config.status();
  if (config.ok()) {
    if (!line.listen.empty()) status = ParseListen(line.listen, "--listen", &*config);
    if (status.ok() && line.port >= 0) config->port = static_cast<uint16_t>(line.port);
    if (status.ok() && !line.database.empty()) config->database_url = line.database;
    if (status.ok()) status = ValidateConfig(&*config);
  }
  if (!status.ok()) {
    std::cerr << "parcours: configuration invalide / invalid configuration: " << status.message()
              << "\n";
    throw CLI::RuntimeError(kExitConfig);
  }
  return std::move(config).value();
}

void Run(int code) {
  if (code != kExitOk) throw CLI::RuntimeError(code);
}

}  // namespace

const char* Version() { return PARCOURS_VERSION; }

void AddCoreCommands(CLI::App& app, CommandLine& line) {
  app.add_option("-c,--config", line.config_file,
                 "Fichier de configuration YAML / YAML configuration file (PARCOURS_CONFIG)");
  app.fallthrough();

  CLI::App* serve = app.add_subcommand("serve", "Sert l'application / serve the application");
  serve->add_option("--listen", line.listen, "Adresse d'écoute hôte:port / listen address (PARCOURS_LISTEN)");
  serve->add_option("--port", line.port, "Port (0 = un port libre / any free port)")
      ->check(CLI::Range(0, 65535));
  serve->add_option("--port-file", line.port_file,
                    "Écrit le port lié dans ce fichier / write the bound port to this file");
  serve->add_option("--database", line.database, "URL de la base / database URL (PARCOURS_DATABASE)");
  serve->callback([&line] {
    Config config = LoadOrExit(line);
    Run(Serve(config, line.port_file));
  });

  CLI::App* migrate =
      app.add_subcommand("migrate", "Applique les migrations / apply database migrations");
  migrate->add_option("--database", line.database, "URL de la base / database URL (PARCOURS_DATABASE)");
  migrate->callback([&line] { Run(MigrateCommand(LoadOrExit(line))); });

  CLI::App* version = app.add_subcommand("version", "Affiche la version / print the version");
  version->callback([] {
    const auto& migrations = store::EmbeddedMigrations(store::Backend::kSqlite);
    std::cout << "parcours " << Version() << "\n"
              << "schéma / schema: " << (migrations.empty() ? 0 : migrations.back().version)
              << "\n";
  });
}

}  // namespace parcours::app
