// The agency simulator (`parcours agency-sim`): a real HTTP server standing in for the
// agencies in the demo and the tests. It verifies each webhook's Standard Webhooks signature
// against the service's secret, stores what it receives idempotently (one row per
// webhook-id, in its own SQLite file), and answers with configurable delays, errors and
// outages. With callback keys it posts statuses back to Parcours like an agency would
// (recue, then en_instruction, then acceptee), with the receiving organisation's API key.
// The secrets file is read again whenever it changes, so a test can start the simulator
// before Parcours has generated the services' secrets.
// Thread-safety: one simulator per process; Run blocks.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "parcours/base/status.h"

namespace parcours::agency_sim {

struct AgencySimOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8090;          // 0 = any free port (written to port_file)
  std::string port_file;
  std::string database = "sqlite:var/agency-sim.db";
  std::string secrets_file;       // JSON {"service id": "whsec_..."}, reloaded when it changes
  int delay_ms = 0;              // added before answering each webhook
  double error_rate = 0.0;       // share of webhooks answered 500 (before storing)
  std::string outage_file;       // while this file exists, every webhook gets 503
  std::string callback_keys_file;  // JSON {"organisation": "pk_..."}: statuses are posted back
                                   // to each payload's status_url with its organisation's key
  int callback_delay_ms = 500;   // between two status callbacks
  int threads = 2;
};

// Parses a secrets file: a JSON object {"service id": "whsec_..."}.
Result<std::map<std::string, std::string>> LoadSecretsFile(const std::string& path);

// Serves until SIGTERM/SIGINT. Routes: POST /hooks/{service}, GET /stats, POST /control/outage
// {"down": bool}, GET /healthz.
Status RunAgencySim(const AgencySimOptions& options);

}  // namespace parcours::agency_sim

namespace CLI {
class App;
}

namespace parcours::agency_sim {

// `parcours agency-sim [--listen 127.0.0.1:8090] [--port-file F] [--database URL]
//  --secrets FILE [--delay-ms N] [--error-rate P] [--outage-file F] [--callback-keys FILE]`
void AddAgencySimCommands(CLI::App& app);

}  // namespace parcours::agency_sim
