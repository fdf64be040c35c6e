#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "parcours/base/log.h"
#include "parcours/store/store.h"
#include "postgres/pg_database.h"
#include "sqlite/sqlite_database.h"

namespace parcours::store {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const Options& options) {
  const std::string_view url = options.url;
  if (options.pool_size < 1 || options.busy_timeout_ms < 0) {
    return InvalidArgument("store.bad_options",
                           "Options de base de données invalides (taille du pool, délai d'attente).");
  }
  if (StartsWith(url, "sqlite:")) {
    // "sqlite:/abs/path", "sqlite:relative.db", "sqlite:///abs/path", "sqlite::memory:".
    std::string_view path = url.substr(7);
    if (StartsWith(path, "//")) path.remove_prefix(2);
    if (path.empty()) {
      return InvalidArgument("store.bad_url", "Chemin de base SQLite manquant dans l'URL.");
    }
    auto db = sqlite::SqliteDatabaseImpl::Open(std::string(path), options);
    if (db.ok()) {
      log::Info("store.opened", {{"backend", "sqlite"},
                                 {"pool_size", path == ":memory:" ? 1 : options.pool_size}});
    }
    return db;
  }
  if (StartsWith(url, "postgresql://") || StartsWith(url, "postgres://")) {
    // The URL is not logged: it may hold a password.
    auto db = postgres::PostgresDatabaseImpl::Open(options);
    if (db.ok()) log::Info("store.opened", {{"backend", "postgres"}, {"pool_size", options.pool_size}});
    return db;
  }
  return InvalidArgument("store.bad_url",
                         "URL de base de données non reconnue : attendu « sqlite:chemin » ou "
                         "« postgresql://... ».");
}

}  // namespace parcours::store
