#include "parcours/store/migrations.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "migration_files.h"
#include "parcours/base/clock.h"
#include "parcours/base/log.h"

namespace parcours::store {
namespace {

// Any constant shared by every Parcours process: PostgreSQL serialises Migrate on it.
constexpr int64_t kMigrationLockKey = 0x70617263;  // "parc"

constexpr std::string_view kCreateSchemaMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL)";

std::vector<Migration> Collect(std::string_view backend) {
  std::vector<Migration> out;
  for (const detail::MigrationFile& f : detail::EmbeddedMigrationFiles()) {
    if (f.backend != backend) continue;
    Migration m;
    std::from_chars(f.version.data(), f.version.data() + f.version.size(), m.version);
    m.name = std::string(f.name);
    m.sql = std::string(f.sql);
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  return out;
}

// "0001_events", as the file is named.
std::string Label(const Migration& m) {
  char version[16];
  std::snprintf(version, sizeof version, "%04d_", m.version);
  return version + m.name;
}

Result<bool> TableExists(Transaction& tx) {
  const char* sql = tx.backend() == Backend::kSqlite
                        ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
                          "name = 'schema_migrations'"
                        : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = "
                          "'schema_migrations' AND table_schema = current_schema()";
  ASSIGN_OR_RETURN(Row row, tx.QueryOne(sql, {}));
  return row.Int(0) > 0;
}

// Applies the lowest embedded migration not yet recorded, in `tx`. Returns false when there
// is none left.
Result<bool> ApplyNext(Transaction& tx) {
  if (tx.backend() == Backend::kPostgres) {
    // Held until the end of the transaction: a concurrent Migrate waits here, then sees
    // this one's work. (SQLite needs nothing: BEGIN IMMEDIATE already excludes writers.)
    RETURN_IF_ERROR(tx.Query("SELECT pg_advisory_xact_lock($1)", {kMigrationLockKey}));
  }
  RETURN_IF_ERROR(tx.ExecuteScript(kCreateSchemaMigrations));
  ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT version FROM schema_migrations", {}));
  std::set<int64_t> applied;
  for (const Row& row : rows) applied.insert(row.Int(0));
  for (const Migration& m : EmbeddedMigrations(tx.backend())) {
    if (applied.count(m.version) != 0) continue;
    const std::string label = Label(m);
    Status s = tx.ExecuteScript(m.sql);
    if (!s.ok()) {
      log::Error("store.migration_failed", {{"migration", label}, {"reason", s.reason()}});
      if (s.code() == StatusCode::kUnavailable) return s;  // retried by InTransaction
      return Internal("store.migration_failed", "La migration " + label + " a échoué.");
    }
    RETURN_IF_ERROR(tx.Execute(
        "INSERT INTO schema_migrations (version, name, applied_ms) VALUES ($1, $2, $3)",
        {static_cast<int64_t>(m.version), m.name, SystemClock::Get().NowMillis()}));
    log::Info("store.migration_applied", {{"migration", label}});
    return true;
  }
  return false;
}

}  // namespace

const std::vector<Migration>& EmbeddedMigrations(Backend backend) {
  static const std::vector<Migration> sqlite = Collect("sqlite");
  static const std::vector<Migration> postgres = Collect("postgres");
  return backend == Backend::kSqlite ? sqlite : postgres;
}

Result<int> Migrate(Database& db) {
  int count = 0;
  while (true) {
    bool applied = false;
    RETURN_IF_ERROR(db.InTransaction(
        [&](Transaction& tx) -> Status {
          ASSIGN_OR_RETURN(applied, ApplyNext(tx));
          return Status::Ok();
        },
        // READ COMMITTED: on PostgreSQL the statements after the advisory lock must see
        // what a concurrent Migrate committed while this one waited.
        /*attempts=*/5, Isolation::kReadCommitted));
    if (!applied) return count;
    ++count;
  }
}

Result<int> CurrentVersion(Database& db) {
  ASSIGN_OR_RETURN(auto tx, db.BeginRead());
  ASSIGN_OR_RETURN(bool exists, TableExists(*tx));
  if (!exists) return 0;
  ASSIGN_OR_RETURN(Row row, tx->QueryOne("SELECT MAX(version) FROM schema_migrations", {}));
  return static_cast<int>(row.Int(0));
}

}  // namespace parcours::store
