// The vault's subcommands of the `parcours` binary:
//   parcours vault rotate-key [--generate] [--key-file F] [--database URL]
//   parcours audit verify [--expect-head HEX] [--database URL]
// The database URL defaults to $PARCOURS_DATABASE, then "sqlite:var/parcours.db" (as `serve`);
// keys come from --key-file, else the environment (see crypto.h), else var/vault.keys.
// Exit codes: 0 done / chain intact, 1 chain broken, 2 bad usage or configuration, 3 failure.
#pragma once

namespace CLI {
class App;
}

namespace parcours::vault {

void AddVaultCommands(CLI::App& app);
void AddAuditCommands(CLI::App& app);

}  // namespace parcours::vault
