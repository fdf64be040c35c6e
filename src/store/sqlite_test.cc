// SQLite-specific behaviour; the shared contract is store_suite_test.cc, instantiated here.
#include <gtest/gtest.h>

#include <filesystem>

#include "parcours/base/id.h"
#include "parcours/store/testing.h"
#include "store_suite.h"

namespace parcours::store {

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreSuite, ::testing::Values(Backend::kSqlite), BackendName);

namespace {

std::string TempPath() {
  return (std::filesystem::temp_directory_path() / ("parcours-sqlite-" + RandomHex(8) + ".db")).string();
}

class SqliteFile : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  std::string path_ = TempPath();
};

TEST_F(SqliteFile, ConnectionsUseWalFullSyncAndForeignKeys) {
  auto db = Database::Open({.url = "sqlite:" + path_});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto tx = (*db)->BeginRead();
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ((*tx)->QueryOne("PRAGMA journal_mode", {})->Text(0), "wal");
  EXPECT_EQ((*tx)->QueryOne("PRAGMA synchronous", {})->Int(0), 2);  // FULL
  EXPECT_EQ((*tx)->QueryOne("PRAGMA foreign_keys", {})->Int(0), 1);
  EXPECT_EQ((*tx)->QueryOne("PRAGMA busy_timeout", {})->Int(0), 5000);
  EXPECT_EQ((*db)->backend(), Backend::kSqlite);
}

TEST_F(SqliteFile, WriterOfAnotherProcessMakesBeginUnavailable) {
  auto first = Database::Open({.url = "sqlite:" + path_});
  auto second = Database::Open({.url = "sqlite://" + path_, .pool_size = 8, .busy_timeout_ms = 20});
  ASSERT_TRUE(first.ok() && second.ok());
  auto holding = (*first)->Begin();
  ASSERT_TRUE(holding.ok());
  auto blocked = (*second)->Begin();
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(blocked.status().reason(), "store.unavailable");
  holding->reset();
  EXPECT_TRUE((*second)->Begin().ok());
}

TEST_F(SqliteFile, ReadersRunBesideAWriter) {
  auto db = Database::Open({.url = "sqlite:" + path_});
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->InTransaction([](Transaction& tx) {
    return tx.ExecuteScript("CREATE TABLE t (x BIGINT); INSERT INTO t VALUES (1)");
  }).ok());
  auto writer = (*db)->Begin();
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Execute("INSERT INTO t VALUES (2)", {}).ok());
  auto reader = (*db)->BeginRead();
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->QueryOne("SELECT COUNT(*) FROM t", {})->Int(0), 1);  // snapshot
  ASSERT_TRUE((*writer)->Commit().ok());
}

TEST(SqliteOpen, MemoryDatabaseKeepsItsDataAcrossTransactions) {
  auto db = Database::Open({.url = "sqlite::memory:"});
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->InTransaction([](Transaction& tx) {
    return tx.ExecuteScript("CREATE TABLE t (x BIGINT); INSERT INTO t VALUES (42)");
  }).ok());
  auto tx = (*db)->BeginRead();
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ((*tx)->QueryOne("SELECT x FROM t", {})->Int(0), 42);
}

TEST(SqliteOpen, BadUrlsAndPathsAreStatuses) {
  EXPECT_EQ(Database::Open({.url = "mysql://x"}).status().reason(), "store.bad_url");
  EXPECT_EQ(Database::Open({.url = "sqlite:"}).status().reason(), "store.bad_url");
  EXPECT_EQ(Database::Open({.url = "sqlite:/x.db", .pool_size = 0}).status().reason(),
            "store.bad_options");
  auto missing_dir = Database::Open({.url = "sqlite:/nonexistent-parcours-dir/x.db"});
  EXPECT_EQ(missing_dir.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(missing_dir.status().reason(), "store.open_failed");
}

TEST(SqliteOpen, OnlyOneStatementPerQueryAndOnlyDollarPlaceholders) {
  auto db = Database::Open({.url = "sqlite::memory:"});
  ASSERT_TRUE(db.ok());
  auto tx = (*db)->Begin();
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ((*tx)->Query("SELECT 1; SELECT 2", {}).status().reason(), "store.not_one_statement");
  EXPECT_EQ((*tx)->Query("SELECT ?", {int64_t{1}}).status().reason(), "store.bad_parameters");
  EXPECT_EQ((*tx)->Query("SELECT $2", {int64_t{1}}).status().reason(), "store.bad_parameters");
  EXPECT_TRUE((*tx)->Query("SELECT $1 + $1", {int64_t{1}}).ok());
}

}  // namespace
}  // namespace parcours::store
