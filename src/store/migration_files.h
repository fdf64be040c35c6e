// Private: the raw migration files embedded at build time (see embed_migrations.cmake).
#pragma once

#include <string_view>
#include <vector>

namespace parcours::store::detail {

struct MigrationFile {
  std::string_view backend;  // "sqlite" or "postgres"
  std::string_view version;  // "0001"
  std::string_view name;     // "events"
  std::string_view sql;
};

const std::vector<MigrationFile>& EmbeddedMigrationFiles();

}  // namespace parcours::store::detail
