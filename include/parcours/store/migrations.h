// Versioned schema migrations. Each module ships SQL files in `migrations/<backend>/` named
// `NNNN_name.sql` (NNNN = version; ranges per module: 0001-0099 store/foundation,
// 0100 catalog/journeys, 0200 vault, 0300 auth, 0400 exchange, 0500 insight, 0600 notify,
// 0700 proactive/agent). Files are embedded into the binary at build time; versions apply in
// increasing order, each in its own transaction, and are recorded in `schema_migrations`.
// Thread-safety: run once at start-up, before serving.
#pragma once

#include <string>
#include <vector>

#include "parcours/base/status.h"
#include "parcours/store/store.h"

namespace parcours::store {

struct Migration {
  int version = 0;
  std::string name;
  std::string sql;  // may hold several statements
};

// The migrations embedded for `backend`, sorted by version.
const std::vector<Migration>& EmbeddedMigrations(Backend backend);

// Applies every embedded migration newer than the database's version. Returns how many ran.
Result<int> Migrate(Database& db);

// The highest applied version, 0 for an empty database.
Result<int> CurrentVersion(Database& db);

}  // namespace parcours::store
