// An acknowledged write survives the death of its process: a child process writes through the
// GroupCommitter from several threads and reports each acknowledged id on a pipe; the parent
// kills it with SIGKILL mid-flight, reopens the database and finds every acknowledged id.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "parcours/store/group_commit.h"
#include "parcours/store/testing.h"

namespace parcours::store {
namespace {

// The child: never returns.
[[noreturn]] void WriteUntilKilled(const std::string& url, int fd) {
  auto db = Database::Open({.url = url, .pool_size = 4});
  if (!db.ok()) _exit(3);
  GroupCommitter committer(**db);
  std::atomic<int64_t> next{1};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      while (true) {
        const int64_t id = next.fetch_add(1);
        Status s = committer.Submit([id](Transaction& tx) {
          return tx.Execute("INSERT INTO acked (id) VALUES ($1)", {id}).status();
        });
        if (!s.ok()) _exit(4);
        const std::string line = std::to_string(id) + "\n";
        if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(5);
      }
    });
  }
  for (auto& t : threads) t.join();
  _exit(0);
}

TEST(DurabilityTest, AcknowledgedWritesSurviveSigkill) {
  auto scratch = testing::ScratchDatabase::Create(Backend::kSqlite);
  ASSERT_TRUE(scratch.ok()) << scratch.status().ToString();
  ASSERT_TRUE((*scratch)->db().InTransaction([](Transaction& tx) {
    return tx.ExecuteScript("CREATE TABLE acked (id BIGINT PRIMARY KEY)");
  }).ok());
  const std::string url = (*scratch)->url();

  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    WriteUntilKilled(url, fds[1]);
  }
  close(fds[1]);
  FILE* acks = fdopen(fds[0], "r");
  ASSERT_NE(acks, nullptr);
  std::set<int64_t> acknowledged;
  long long id = 0;
  while (acknowledged.size() < 500 && std::fscanf(acks, "%lld", &id) == 1) acknowledged.insert(id);
  kill(child, SIGKILL);
  // Acknowledgements already in the pipe count too: they were written after the commit.
  while (std::fscanf(acks, "%lld", &id) == 1) acknowledged.insert(id);
  std::fclose(acks);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped on its own: " << status;
  ASSERT_GE(acknowledged.size(), 500u);

  auto reopened = Database::Open({.url = url});
  ASSERT_TRUE(reopened.ok());
  auto tx = (*reopened)->BeginRead();
  ASSERT_TRUE(tx.ok());
  auto rows = (*tx)->Query("SELECT id FROM acked", {});
  ASSERT_TRUE(rows.ok());
  std::set<int64_t> stored;
  for (const Row& r : *rows) stored.insert(r.Int(0));
  std::vector<int64_t> lost;
  for (int64_t a : acknowledged) {
    if (stored.count(a) == 0) lost.push_back(a);
  }
  EXPECT_TRUE(lost.empty()) << lost.size() << " acknowledged writes lost";
}

}  // namespace
}  // namespace parcours::store
