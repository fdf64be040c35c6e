// Versioned schema migrations. Each module ships SQL files in `migrations/<backend>/` named
// `NNNN_name.sql` (NNNN = version; ranges per module: 0001-0099 store/foundation,
// 0100 catalog/journeys, 0200 vault, 0300 auth, 0400 exchange, 0500 insight, 0600 notify,
// 0700 proactive/agent). Files are embedded into the binary at build time; versions apply in
// increasing order, each in its own transaction, and are recorded in `schema_migrations`
// (version, name, applied_ms), a table the runner creates. A migration file holds only
// statements (no BEGIN/COMMIT); both a sqlite and a postgres file exist for every version.
// Thread-safety: run at start-up, before serving. Concurrent Migrate calls, from threads or
// processes, are safe: each migration is applied exactly once (SQLite: the write lock;
// PostgreSQL: an advisory transaction lock).
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

// Applies every embedded migration not yet recorded in the database, lowest version first
// (so a module's migration numbered below an already applied one of another module is still
// applied). Returns how many ran. A failing migration is rolled back and reported as
// kInternal "store.migration_failed" naming it; the earlier ones stay applied.
Result<int> Migrate(Database& db);

// The highest applied version, 0 for an empty database.
Result<int> CurrentVersion(Database& db);

}  // namespace parcours::store
