#include "parcours/store/migrations.h"

#include <gtest/gtest.h>

namespace parcours::store {
namespace {

TEST(EmbeddedMigrationsTest, EveryVersionExistsForBothBackends) {
  const auto& sqlite = EmbeddedMigrations(Backend::kSqlite);
  const auto& postgres = EmbeddedMigrations(Backend::kPostgres);
  ASSERT_EQ(sqlite.size(), postgres.size());
  for (std::size_t i = 0; i < sqlite.size(); ++i) {
    EXPECT_EQ(sqlite[i].version, postgres[i].version);
    EXPECT_EQ(sqlite[i].name, postgres[i].name) << sqlite[i].version;
  }
}

TEST(EmbeddedMigrationsTest, SortedWithTheFoundationFirst) {
  for (Backend backend : {Backend::kSqlite, Backend::kPostgres}) {
    const auto& all = EmbeddedMigrations(backend);
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(all.front().version, 1);
    EXPECT_EQ(all.front().name, "events");
    EXPECT_NE(all.front().sql.find("CREATE TABLE events"), std::string::npos);
    for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].version, all[i].version);
  }
}

TEST(MigrateTest, MemoryDatabaseStartsAtZeroAndEndsAtTheLastVersion) {
  auto db = Database::Open({.url = "sqlite::memory:"});
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(CurrentVersion(**db).value_or(-1), 0);
  auto ran = Migrate(**db);
  ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  EXPECT_EQ(CurrentVersion(**db).value_or(-1),
            EmbeddedMigrations(Backend::kSqlite).back().version);
  auto tx = (*db)->BeginRead();
  ASSERT_TRUE(tx.ok());
  auto names = (*tx)->Query("SELECT name, applied_ms FROM schema_migrations ORDER BY version", {});
  ASSERT_TRUE(names.ok());
  ASSERT_FALSE(names->empty());
  EXPECT_EQ((*names)[0].Text("name"), "events");
  EXPECT_GT((*names)[0].Int("applied_ms"), 0);
}

}  // namespace
}  // namespace parcours::store
