// `audit verify` on a real database: the chain catches altered, removed and reordered rows.
#include "vault_suite.h"

namespace parcours::vault {
namespace {

TEST_P(AccessLogSuite, IntactChainVerifies) {
  FillLog();
  VerifyReport report = Verify();
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.entries, 5);
  EXPECT_EQ(report.head_hash_hex.size(), 64u);
  EXPECT_TRUE(Verify(report.head_hash_hex).ok);
}

TEST_P(AccessLogSuite, DatabaseRefusesUpdatesAndDeletes) {
  FillLog();
  auto tx = db().Begin();
  ASSERT_TRUE(tx.ok());
  EXPECT_FALSE((*tx)->Execute("UPDATE vault_access_log SET purpose = 'x' WHERE seq = 2", {}).ok());
}

TEST_P(AccessLogSuite, DetectsAnAlteredRow) {
  FillLog();
  Tamper({"UPDATE vault_access_log SET purpose = 'Curiosité' WHERE seq = 3"});
  VerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 3);
}

TEST_P(AccessLogSuite, DetectsADeletedRow) {
  FillLog();
  Tamper({"DELETE FROM vault_access_log WHERE seq = 2"});
  VerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 3);
}

TEST_P(AccessLogSuite, DetectsReorderedRows) {
  FillLog();
  Tamper({"UPDATE vault_access_log SET seq = 100 WHERE seq = 2", "UPDATE vault_access_log SET seq = 2 WHERE seq = 4",
          "UPDATE vault_access_log SET seq = 4 WHERE seq = 100"});
  VerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 2);
}

TEST_P(AccessLogSuite, DetectsRemovedTrailingRows) {
  FillLog();
  const std::string head = Verify().head_hash_hex;
  Tamper({"DELETE FROM vault_access_log WHERE seq = 5"});
  EXPECT_FALSE(Verify().ok);
  // Even when the intruder also rewrites the head row, the head saved outside catches it.
  Tamper({"UPDATE vault_access_log_head SET seq = 4, hash = (SELECT hash FROM vault_access_log WHERE seq = 4)"});
  EXPECT_TRUE(Verify().ok);
  EXPECT_FALSE(Verify(head).ok);
}

}  // namespace
}  // namespace parcours::vault
