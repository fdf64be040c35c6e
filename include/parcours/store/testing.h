// Test support shared by every module's store-backed tests: a fresh, empty database per test,
// on SQLite (a temporary file) or on the PostgreSQL server named by PARCOURS_TEST_PG_URL
// (a schema of its own; see scripts/with-postgres). Not for production code.
//
//   auto scratch = store::testing::ScratchDatabase::Create(GetParam());
//   if (scratch.status().reason() == "store.no_test_server") GTEST_SKIP() << "PostgreSQL absent";
//   ASSERT_TRUE(scratch.ok()) << scratch.status().ToString();
//   store::Database& db = (*scratch)->db();
//
// Thread-safety: as Database; create and destroy from one thread.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "parcours/base/status.h"
#include "parcours/store/store.h"

namespace parcours::store::testing {

// The PostgreSQL server URL exported by scripts/with-postgres, or nullopt when unset.
std::optional<std::string> TestPostgresUrl();

class ScratchDatabase {
 public:
  // Creates an empty database (not migrated). For kPostgres without PARCOURS_TEST_PG_URL,
  // returns kUnavailable with reason "store.no_test_server". `options.url` is ignored.
  static Result<std::unique_ptr<ScratchDatabase>> Create(Backend backend, Options options = {});
  // Closes the database and removes its file or schema.
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  Database& db() { return *db_; }
  // The URL of this database: open it again to act as a second process would.
  const std::string& url() const { return url_; }

 private:
  ScratchDatabase() = default;

  std::unique_ptr<Database> db_;
  std::string url_;
  std::string temp_dir_;   // SQLite: removed on destruction
  std::string schema_;     // PostgreSQL: dropped on destruction
  std::string admin_url_;  // PostgreSQL: the server URL, to drop the schema
};

}  // namespace parcours::store::testing
