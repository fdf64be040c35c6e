#include <string>
#include <string_view>

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
    return sqlite::SqliteDatabaseImpl::Open(std::string(path), options);
  }
  if (StartsWith(url, "postgresql://") || StartsWith(url, "postgres://")) {
    return postgres::PostgresDatabaseImpl::Open(options);
  }
  return InvalidArgument("store.bad_url",
                         "URL de base de données non reconnue : attendu « sqlite:chemin » ou "
                         "« postgresql://... ».");
}

}  // namespace parcours::store
