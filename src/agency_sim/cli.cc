#include <CLI/CLI.hpp>
#include <iostream>

#include "parcours/agency_sim/agency_sim.h"

namespace parcours::agency_sim {

void AddAgencySimCommands(CLI::App& app) {
  struct Flags {
    AgencySimOptions options;
    std::string listen = "127.0.0.1:8090";
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand("agency-sim", "Simulateur d'organismes / agency simulator");
  cmd->add_option("--listen", flags->listen, "Adresse hôte:port (port 0 = libre) / listen address");
  cmd->add_option("--port-file", flags->options.port_file, "Écrit le port lié / write the bound port");
  cmd->add_option("--database", flags->options.database, "Base du simulateur / simulator database URL");
  cmd->add_option("--secrets", flags->options.secrets_file,
                  "Secrets JSON (parcours exchange secrets), relu s'il change / reloaded when it changes")
      ->required();
  cmd->add_option("--delay-ms", flags->options.delay_ms, "Délai avant chaque réponse / answer delay")
      ->check(CLI::Range(0, 60000));
  cmd->add_option("--error-rate", flags->options.error_rate, "Part de réponses 500 / share of 500 answers")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--outage-file", flags->options.outage_file, "Panne tant que ce fichier existe / outage file");
  cmd->add_option("--callback-keys", flags->options.callback_keys_file,
                  "Clés d'API par organisme (JSON) pour renvoyer des statuts / API keys per organisation");
  cmd->add_option("--callback-delay-ms", flags->options.callback_delay_ms, "Délai entre statuts / between statuses")
      ->check(CLI::Range(0, 600000));
  cmd->callback([flags] {
    const auto colon = flags->listen.rfind(':');
    int port = -1;
    if (colon != std::string::npos) {
      try {
        port = std::stoi(flags->listen.substr(colon + 1));
      } catch (const std::exception&) {
        port = -1;
      }
    }
    if (colon == std::string::npos || port < 0 || port > 65535) {
      std::cerr << "parcours agency-sim: --listen attend hôte:port / expects host:port\n";
      throw CLI::RuntimeError(2);
    }
    flags->options.address = flags->listen.substr(0, colon);
    flags->options.port = static_cast<uint16_t>(port);
    Status st = RunAgencySim(flags->options);
    if (!st.ok()) {
      std::cerr << "parcours agency-sim: " << st.message() << "\n";
      throw CLI::RuntimeError(1);
    }
  });
}

}  // namespace parcours::agency_sim
