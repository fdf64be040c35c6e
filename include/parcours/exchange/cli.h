// `parcours exchange ...` subcommands:
//   exchange secrets [--database URL] [--out FILE]   the services' webhook secrets as JSON
//                                                     ({"service id": "whsec_..."}), for the agency
//                                                     simulator or to hand over to an agency
//   exchange deliver [--database URL]                 one delivery round now (claims, sends, records)
// URL defaults to $PARCOURS_DATABASE, then sqlite:var/parcours.db. Needs the vault keys
// (PARCOURS_VAULT_KEY_FILE or PARCOURS_VAULT_KEYS) for `deliver`.
#pragma once

namespace CLI {
class App;
}

namespace parcours::exchange {

void AddExchangeCommands(CLI::App& app);

}  // namespace parcours::exchange
