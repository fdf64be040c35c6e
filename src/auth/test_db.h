// Test-only: a temporary SQLite database file with every migration applied.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "parcours/base/id.h"
#include "parcours/store/migrations.h"
#include "parcours/store/store.h"

namespace parcours::auth::testing {

// A unique path under the temporary directory, removed (with WAL files) on destruction.
struct TempPath {
  std::string path = (std::filesystem::temp_directory_path() / ("auth-" + NewId() + ".db")).string();
  ~TempPath() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
  operator const std::string&() const { return path; }  // NOLINT: convenience in tests
};

// Opens `url` when given, else the SQLite file at `path`, and applies every migration.
inline std::unique_ptr<store::Database> OpenMigrated(const std::string& path, const std::string& url = "") {
  auto db = store::Database::Open({.url = url.empty() ? "sqlite:" + path : url});
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return nullptr;
  auto migrated = store::Migrate(**db);
  EXPECT_TRUE(migrated.ok()) << migrated.status().ToString();
  return std::move(db).value();
}

}  // namespace parcours::auth::testing
