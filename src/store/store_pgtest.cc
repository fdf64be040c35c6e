// The shared store suite (store_suite_test.cc) against PostgreSQL, plus what only PostgreSQL
// has. Needs PARCOURS_TEST_PG_URL (scripts/with-postgres sets it); skipped without it.
#include <gtest/gtest.h>

#include "parcours/store/testing.h"
#include "store_suite.h"

namespace parcours::store {

INSTANTIATE_TEST_SUITE_P(Postgres, StoreSuite, ::testing::Values(Backend::kPostgres), BackendName);

namespace {

class PostgresOnly : public StoreSuite {};

TEST_P(PostgresOnly, AbortedTransactionCommitReportsTheFailure) {
  auto tx = db().Begin();
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE((*tx)->ExecuteScript("CREATE TABLE t (id BIGINT PRIMARY KEY)").ok());
  ASSERT_TRUE((*tx)->Execute("INSERT INTO t (id) VALUES ($1)", {int64_t{1}}).ok());
  EXPECT_EQ((*tx)->Execute("INSERT INTO t (id) VALUES ($1)", {int64_t{1}}).status().code(),
            StatusCode::kConflict);
  // PostgreSQL refuses the next statement and turns COMMIT into ROLLBACK.
  EXPECT_FALSE((*tx)->Query("SELECT 1", {}).ok());
  Status commit = (*tx)->Commit();
  EXPECT_FALSE(commit.ok());
  EXPECT_EQ(commit.code(), StatusCode::kInternal);
}

TEST_P(PostgresOnly, ReadCommittedSeesCommitsMadeDuringTheTransaction) {
  ASSERT_TRUE(db().InTransaction([](Transaction& tx) {
    return tx.ExecuteScript("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  }).ok());
  auto rc = db().Begin(Isolation::kReadCommitted);
  ASSERT_TRUE(rc.ok());
  auto ser = db().Begin(Isolation::kSerializable);
  ASSERT_TRUE(ser.ok());
  ASSERT_EQ((*rc)->QueryOne("SELECT COUNT(*) FROM t", {})->Int(0), 0);
  ASSERT_EQ((*ser)->QueryOne("SELECT COUNT(*) FROM t", {})->Int(0), 0);
  ASSERT_TRUE(db().InTransaction([](Transaction& tx) {
    return tx.Execute("INSERT INTO t (id) VALUES ($1)", {int64_t{1}}).status();
  }).ok());
  EXPECT_EQ((*rc)->QueryOne("SELECT COUNT(*) FROM t", {})->Int(0), 1);
  EXPECT_EQ((*ser)->QueryOne("SELECT COUNT(*) FROM t", {})->Int(0), 0);  // its snapshot
}

TEST_P(PostgresOnly, UnreachableServerIsUnavailable) {
  auto db = Database::Open({.url = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(db.status().reason(), "store.open_failed");
}

TEST_P(PostgresOnly, TextIntoByteaIsSentAsRawBytes) {
  ASSERT_TRUE(db().InTransaction([](Transaction& tx) -> Status {
    RETURN_IF_ERROR(tx.ExecuteScript("CREATE TABLE b (id BIGINT PRIMARY KEY, v BYTEA)"));
    return tx.Execute("INSERT INTO b (id, v) VALUES ($1, $2)",
                      {int64_t{1}, std::string("\\x41 brut")}).status();
  }).ok());
  auto tx = db().BeginRead();
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ((*tx)->QueryOne("SELECT v FROM b", {})->Bytes(0), "\\x41 brut");
}

TEST_P(PostgresOnly, SumOfIntegersReadsAsInteger) {
  auto tx = db().BeginRead();
  ASSERT_TRUE(tx.ok());
  auto row = (*tx)->QueryOne("SELECT SUM(x) AS s FROM (VALUES (CAST(2 AS BIGINT)), (3)) AS v (x)", {});
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ(row->at(0), Value(int64_t{5}));
}

INSTANTIATE_TEST_SUITE_P(Postgres, PostgresOnly, ::testing::Values(Backend::kPostgres), BackendName);

}  // namespace
}  // namespace parcours::store
