// The vault's subcommands of the `parcours` binary:
//   parcours vault rotate-key [--generate] [--key-file F] [--database URL]
//   parcours audit verify [--expect-head HEX] [--database URL]
// The database URL defaults to $PARCOURS_DATABASE, then "sqlite:var/parcours.db" (as `serve`);
// keys come from --key-file, else the environment (see crypto.h), else var/vault.keys.
// Exit codes: 0 done / chain intact, 1 chain broken, 2 bad usage or configuration, 3 failure.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "parcours/base/status.h"

namespace CLI {
class App;
}
namespace parcours::store {
class Database;
}

namespace parcours::vault {

class KeyRing;

// What other modules seal with the vault's keys (exchange: delivery payloads): rotate-key
// re-seals them too, after the vault's values; each returns how many it re-sealed.
using Resealer = std::function<Result<int64_t>(store::Database&, const KeyRing&)>;

void AddVaultCommands(CLI::App& app, std::vector<Resealer> others = {});
void AddAuditCommands(CLI::App& app);

}  // namespace parcours::vault
