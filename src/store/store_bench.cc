// store_bench URL: durable-write throughput of one database (see bench/store/run).
// Prints one line per scenario: single-row commits, 100-row transactions, concurrent writers
// each committing alone, and the same writers through the GroupCommitter in each mode.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "parcours/store/group_commit.h"
#include "parcours/store/store.h"

namespace {

using parcours::Status;
using parcours::store::Database;
using parcours::store::GroupCommitter;
using parcours::store::Transaction;
using Clock = std::chrono::steady_clock;

constexpr const char* kInsert = "INSERT INTO bench_rows (id, payload) VALUES ($1, $2)";
const std::string kPayload(200, 'x');

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void Report(const char* scenario, int64_t rows, int64_t commits, double seconds) {
  std::printf("%-40s %9.0f rows/s %9.0f commits/s  (%lld rows in %.2f s)\n", scenario,
              static_cast<double>(rows) / seconds, static_cast<double>(commits) / seconds,
              static_cast<long long>(rows), seconds);
}

bool Check(const Status& s, const char* what) {
  if (!s.ok()) std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
  return s.ok();
}

// Each thread writes `per_thread` rows; `write` commits one row for a thread.
template <typename Write>
double RunThreads(int threads, int per_thread, std::atomic<int64_t>& next_id, Write write,
                  std::atomic<int>& failures) {
  const auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) {
        if (!write(next_id.fetch_add(1))) ++failures;
      }
    });
  }
  for (auto& t : pool) t.join();
  return Seconds(start);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DATABASE_URL\n", argv[0]);
    return 2;
  }
  auto opened = Database::Open({.url = argv[1], .pool_size = 16, .busy_timeout_ms = 30000});
  if (!opened.ok()) return Check(opened.status(), "open") ? 0 : 1;
  Database& db = **opened;
  if (!Check(db.InTransaction([](Transaction& tx) {
        return tx.ExecuteScript("DROP TABLE IF EXISTS bench_rows; CREATE TABLE bench_rows "
                                "(id BIGINT PRIMARY KEY, payload TEXT NOT NULL)");
      }),
             "schema")) {
    return 1;
  }
  std::atomic<int64_t> next_id{1};
  std::atomic<int> failures{0};
  auto insert_one = [&](Transaction& tx) {
    return tx.Execute(kInsert, {next_id.fetch_add(1), kPayload}).status();
  };

  constexpr int kSingle = 2000;
  auto start = Clock::now();
  for (int i = 0; i < kSingle; ++i) {
    if (!db.InTransaction(insert_one).ok()) ++failures;
  }
  Report("one row per transaction", kSingle, kSingle, Seconds(start));

  constexpr int kBatches = 300, kRowsPerBatch = 100;
  start = Clock::now();
  for (int b = 0; b < kBatches; ++b) {
    Status s = db.InTransaction([&](Transaction& tx) -> Status {
      for (int i = 0; i < kRowsPerBatch; ++i) RETURN_IF_ERROR(insert_one(tx));
      return Status::Ok();
    });
    if (!s.ok()) ++failures;
  }
  Report("100 rows per transaction", int64_t{kBatches} * kRowsPerBatch, kBatches, Seconds(start));

  constexpr int kThreads = 32, kPerThread = 100;
  const int64_t total = int64_t{kThreads} * kPerThread;
  double seconds = RunThreads(kThreads, kPerThread, next_id, [&](int64_t id) {
    return db.InTransaction([&](Transaction& tx) {
      return tx.Execute(kInsert, {id, kPayload}).status();
    }, 50).ok();
  }, failures);
  Report("32 writers, one transaction each", total, total, seconds);

  for (GroupCommitter::Mode mode : {GroupCommitter::Mode::kBatch, GroupCommitter::Mode::kDirect}) {
    const bool batch = mode == GroupCommitter::Mode::kBatch;
    int64_t batches = 0;
    {
      GroupCommitter committer(db, {.max_batch = 256, .attempts = 50, .mode = mode});
      seconds = RunThreads(kThreads, kPerThread, next_id, [&](int64_t id) {
        return committer.Submit([&, id](Transaction& tx) {
          return tx.Execute(kInsert, {id, kPayload}).status();
        }).ok();
      }, failures);
      batches = committer.stats().batches;
    }
    Report(batch ? "32 writers, GroupCommitter batch mode" : "32 writers, GroupCommitter direct mode",
           total, batches, seconds);
    if (batch) {
      std::printf("  batch mode: %.1f writes per transaction on average\n",
                  static_cast<double>(total) / static_cast<double>(batches));
    }
  }
  std::printf("GroupCommitter's default (kAuto): batch mode on %s\n",
              db.backend() == parcours::store::Backend::kSqlite ? "SQLite (this run)"
                                                                : "SQLite, direct on PostgreSQL (this run)");
  if (failures.load() != 0) {
    std::fprintf(stderr, "%d writes failed\n", failures.load());
    return 1;
  }
  return 0;
}
