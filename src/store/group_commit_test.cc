#include "parcours/store/group_commit.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include "parcours/store/testing.h"

namespace parcours::store {
namespace {

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto scratch = testing::ScratchDatabase::Create(Backend::kSqlite);
    ASSERT_TRUE(scratch.ok()) << scratch.status().ToString();
    scratch_ = std::move(*scratch);
    ASSERT_TRUE(db().InTransaction([](Transaction& tx) {
      return tx.ExecuteScript("CREATE TABLE w (id BIGINT PRIMARY KEY)");
    }).ok());
  }
  Database& db() { return scratch_->db(); }

  int64_t Count() {
    auto tx = db().BeginRead();
    if (!tx.ok()) return -1;
    auto row = (*tx)->QueryOne("SELECT COUNT(*) FROM w", {});
    return row.ok() ? row->Int(0) : -1;
  }

  std::unique_ptr<testing::ScratchDatabase> scratch_;
};

GroupCommitter::WriteFn Insert(int64_t id) {
  return [id](Transaction& tx) {
    return tx.Execute("INSERT INTO w (id) VALUES ($1)", {id}).status();
  };
}

// While the writer thread is held inside a first write, the writes submitted meanwhile queue
// up and then share one transaction.
TEST_F(GroupCommitTest, WritesQueuedDuringABatchShareTheNextTransaction) {
  GroupCommitter committer(db());
  std::promise<void> started, release;
  std::shared_future<void> released = release.get_future().share();
  std::thread first([&] {
    EXPECT_TRUE(committer.Submit([&](Transaction& tx) {
      started.set_value();
      released.wait();
      return tx.Execute("INSERT INTO w (id) VALUES (0)", {}).status();
    }).ok());
  });
  started.get_future().wait();  // the writer thread is inside the first batch
  std::vector<std::thread> others;
  for (int64_t id = 1; id <= 5; ++id) {
    others.emplace_back([&, id] { EXPECT_TRUE(committer.Submit(Insert(id)).ok()); });
  }
  while (committer.stats().queued < 5) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  release.set_value();
  first.join();
  for (auto& t : others) t.join();
  const GroupCommitter::Stats stats = committer.stats();
  EXPECT_EQ(stats.writes, 6);
  EXPECT_EQ(stats.batches, 2);
  EXPECT_EQ(Count(), 6);
}

TEST_F(GroupCommitTest, MaxBatchBoundsATransaction) {
  GroupCommitter committer(db(), {.max_batch = 2, .attempts = 3});
  std::promise<void> started, release;
  std::shared_future<void> released = release.get_future().share();
  std::thread first([&] {
    EXPECT_TRUE(committer.Submit([&](Transaction& tx) {
      started.set_value();
      released.wait();
      return tx.Execute("INSERT INTO w (id) VALUES (0)", {}).status();
    }).ok());
  });
  started.get_future().wait();  // the writer thread is inside the first batch
  std::vector<std::thread> others;
  for (int64_t id = 1; id <= 4; ++id) {
    others.emplace_back([&, id] { EXPECT_TRUE(committer.Submit(Insert(id)).ok()); });
  }
  while (committer.stats().queued < 4) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  release.set_value();
  first.join();
  for (auto& t : others) t.join();
  EXPECT_EQ(committer.stats().batches, 3);  // 1, then 2 + 2
  EXPECT_EQ(Count(), 5);
}

TEST_F(GroupCommitTest, AThrowingWriteIsAnInternalErrorForItAlone) {
  GroupCommitter committer(db());
  Status thrown = committer.Submit([](Transaction& tx) -> Status {
    static_cast<void>(tx.Execute("INSERT INTO w (id) VALUES (7)", {}));
    throw std::runtime_error("bogue");
  });
  EXPECT_EQ(thrown.reason(), "store.write_threw");
  EXPECT_TRUE(committer.Submit(Insert(8)).ok());
  EXPECT_EQ(Count(), 1);  // 7 was rolled back with its savepoint
}

TEST_F(GroupCommitTest, BatchIsRetriedWhenTheDatabaseIsBusy) {
  GroupCommitter committer(db(), {.max_batch = 8, .attempts = 3});
  int runs = 0;
  Status s = committer.Submit([&](Transaction& tx) -> Status {
    ++runs;
    RETURN_IF_ERROR(tx.Execute("INSERT INTO w (id) VALUES (1)", {}));
    if (runs == 1) return Unavailable("test.busy", "Occupé.");
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(Count(), 1);
}

}  // namespace
}  // namespace parcours::store
