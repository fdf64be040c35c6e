// The store contract, run unchanged against every backend (see store_suite.h).
#include <atomic>
#include <thread>
#include <vector>

#include "parcours/store/events.h"
#include "parcours/store/group_commit.h"
#include "parcours/store/migrations.h"
#include "store_suite.h"

namespace parcours::store {
namespace {

#define ASSERT_OK(expr)                                   \
  do {                                                    \
    auto&& status_or_ = (expr);                           \
    ASSERT_TRUE(status_or_.ok()) << status_or_.status().ToString(); \
  } while (0)

Status CreateItems(Database& db, const char* blob_type) {
  return db.InTransaction([&](Transaction& tx) {
    return tx.ExecuteScript(std::string("CREATE TABLE items (id BIGINT PRIMARY KEY, "
                                        "i BIGINT, d DOUBLE PRECISION, s TEXT, b ") +
                            blob_type + ", UNIQUE (s))");
  });
}

TEST_P(StoreSuite, ValuesRoundTripWithTheirTypes) {
  ASSERT_TRUE(CreateItems(db(), BlobType()).ok());
  const std::string bytes("\0\x01\xff\x7f", 4);
  ASSERT_TRUE(db().InTransaction([&](Transaction& tx) -> Status {
    RETURN_IF_ERROR(tx.Execute("INSERT INTO items (id, i, d, s, b) VALUES ($1, $2, $3, $4, $5)",
                               {int64_t{1}, int64_t{-9007199254740993}, 2.5,
                                std::string("Hélène « ok »"), Blob{bytes}}));
    RETURN_IF_ERROR(tx.Execute("INSERT INTO items (id, i, d, s, b) VALUES ($1, $2, $3, $4, $5)",
                               {int64_t{2}, Value(), Value(), Value(), Value()}));
    return Status::Ok();
  }).ok());
  auto tx = db().BeginRead();
  ASSERT_OK(tx);
  auto rows = (*tx)->Query("SELECT id, i, d, s, b FROM items ORDER BY id", {});
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 2u);
  const Row& r = (*rows)[0];
  EXPECT_EQ(r.Int("id"), 1);
  EXPECT_EQ(r.Int("i"), -9007199254740993);
  EXPECT_DOUBLE_EQ(r.Double("d"), 2.5);
  EXPECT_EQ(r.Text("s"), "Hélène « ok »");
  EXPECT_EQ(r.Bytes("b"), bytes);
  EXPECT_EQ(r.at(4), Value(Blob{bytes}));
  const Row& n = (*rows)[1];
  for (std::size_t i = 1; i < 5; ++i) EXPECT_TRUE(n.IsNull(i)) << i;
  EXPECT_EQ(n.OptInt("i"), std::nullopt);
  EXPECT_EQ(n.OptText("s"), std::nullopt);
  EXPECT_EQ(n.Int("i"), 0);
  EXPECT_EQ(n.Text("s"), "");
}

TEST_P(StoreSuite, PlaceholdersBindByNumberInAnyOrder) {
  ASSERT_TRUE(CreateItems(db(), BlobType()).ok());
  auto tx = db().Begin();
  ASSERT_OK(tx);
  ASSERT_OK((*tx)->Execute("INSERT INTO items (s, id, i) VALUES ($2, $1, $1)",
                           {int64_t{7}, std::string("sept")}));
  auto row = (*tx)->QueryOne("SELECT id, i, s FROM items WHERE s = $1 AND id = $2",
                             {std::string("sept"), int64_t{7}});
  ASSERT_OK(row);
  EXPECT_EQ(row->Int(0), 7);
  EXPECT_EQ(row->Int(1), 7);
  EXPECT_EQ(row->Text(2), "sept");
}

TEST_P(StoreSuite, ParameterCountMustMatchPlaceholders) {
  ASSERT_TRUE(CreateItems(db(), BlobType()).ok());
  auto tx = db().Begin();
  ASSERT_OK(tx);
  auto too_few = (*tx)->Execute("INSERT INTO items (id, s) VALUES ($1, $2)", {int64_t{1}});
  ASSERT_FALSE(too_few.ok());
  EXPECT_EQ(too_few.status().code(), StatusCode::kInternal);
}

TEST_P(StoreSuite, InsertReturning) {
  ASSERT_TRUE(CreateItems(db(), BlobType()).ok());
  auto tx = db().Begin();
  ASSERT_OK(tx);
  auto rows = (*tx)->Query("INSERT INTO items (id, i) VALUES ($1, $2) RETURNING id, i * 2 AS twice",
                           {int64_t{3}, int64_t{21}});
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Int("twice"), 42);
  ASSERT_TRUE((*tx)->Commit().ok());
}

TEST_P(StoreSuite, UniqueViolationIsConflictWithoutTheValue) {
  ASSERT_TRUE(CreateItems(db(), BlobType()).ok());
  ASSERT_TRUE(db().InTransaction([](Transaction& tx) {
    return tx.Execute("INSERT INTO items (id, s) VALUES ($1, $2)", {int64_t{1}, std::string("secret-nir")}).status();
  }).ok());
  Status s = db().InTransaction([](Transaction& tx) {
    return tx.Execute("INSERT INTO items (id, s) VALUES ($1, $2)", {int64_t{2}, std::string("secret-nir")}).status();
  });
  EXPECT_EQ(s.code(), StatusCode::kConflict);
  EXPECT_EQ(s.reason(), "store.conflict");
  EXPECT_EQ(s.message().find("secret-nir"), std::string::npos);
  EXPECT_EQ(s.message().find("items"), std::string::npos);
}

TEST_P(StoreSuite, ForeignKeyViolationIsConflict) {
  ASSERT_TRUE(db().InTransaction([](Transaction& tx) {
    return tx.ExecuteScript(
        "CREATE TABLE parents (id TEXT PRIMARY KEY);"
        "CREATE TABLE children (id TEXT PRIMARY KEY, parent_id TEXT NOT NULL REFERENCES parents (id))");
  }).ok());
  Status s = db().InTransaction([](Transaction& tx) {
    return tx.Execute("INSERT INTO children (id, parent_id) VALUES ($1, $2)",
                      {std::string("c"), std::string("missing")}).status();
  });
  EXPECT_EQ(s.code(), StatusCode::kConflict);
}

TEST_P(StoreSuite, SyntaxErrorIsInternal) {
  auto tx = db().Begin();
  ASSERT_OK(tx);
  auto r = (*tx)->Query("SELEKT nothing", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  EXPECT_EQ(r.status().reason(), "store.internal");
}

TEST_P(StoreSuite, DestroyingWithoutCommitRollsBack) {
  ASSERT_TRUE(CreateItems(db(), BlobType()).ok());
  {
    auto tx = db().Begin();
    ASSERT_OK(tx);
    ASSERT_OK((*tx)->Execute("INSERT INTO items (id) VALUES ($1)", {int64_t{1}}));
  }
  auto tx = db().BeginRead();
  ASSERT_OK(tx);
  auto row = (*tx)->QueryOne("SELECT COUNT(*) FROM items", {});
  ASSERT_OK(row);
  EXPECT_EQ(row->Int(0), 0);
}

TEST_P(StoreSuite, CommittedTransactionRefusesStatements) {
  auto tx = db().Begin();
  ASSERT_OK(tx);
  ASSERT_TRUE((*tx)->Commit().ok());
  EXPECT_EQ((*tx)->Query("SELECT 1", {}).status().reason(), "store.transaction_finished");
  EXPECT_FALSE((*tx)->Commit().ok());
}

TEST_P(StoreSuite, ReadTransactionSeesCommittedDataAndRefusesWrites) {
  ASSERT_TRUE(CreateItems(db(), BlobType()).ok());
  ASSERT_TRUE(db().InTransaction([](Transaction& tx) {
    return tx.Execute("INSERT INTO items (id) VALUES ($1)", {int64_t{1}}).status();
  }).ok());
  auto tx = db().BeginRead();
  ASSERT_OK(tx);
  auto row = (*tx)->QueryOne("SELECT COUNT(*) AS n FROM items", {});
  ASSERT_OK(row);
  EXPECT_EQ(row->Int("n"), 1);
  EXPECT_FALSE((*tx)->Execute("INSERT INTO items (id) VALUES ($1)", {int64_t{2}}).ok());
}

TEST_P(StoreSuite, QueryOneReportsTheGivenNotFound) {
  ASSERT_TRUE(CreateItems(db(), BlobType()).ok());
  auto tx = db().BeginRead();
  ASSERT_OK(tx);
  auto row = (*tx)->QueryOne("SELECT id FROM items WHERE id = $1", {int64_t{9}},
                             "journey.not_found", "Parcours introuvable.");
  EXPECT_EQ(row.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(row.status().reason(), "journey.not_found");
  EXPECT_EQ(row.status().message(), "Parcours introuvable.");
}

TEST_P(StoreSuite, InTransactionRetriesOnlyUnavailable) {
  ASSERT_TRUE(CreateItems(db(), BlobType()).ok());
  int calls = 0;
  Status s = db().InTransaction([&](Transaction& tx) -> Status {
    ++calls;
    RETURN_IF_ERROR(tx.Execute("INSERT INTO items (id) VALUES ($1)", {int64_t{calls}}));
    if (calls < 3) return Unavailable("test.busy", "Occupé.");
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(calls, 3);
  calls = 0;
  s = db().InTransaction([&](Transaction&) {
    ++calls;
    return Conflict("test.conflict", "Conflit.");
  });
  EXPECT_EQ(s.reason(), "test.conflict");
  EXPECT_EQ(calls, 1);
  auto tx = db().BeginRead();
  ASSERT_OK(tx);
  auto rows = (*tx)->Query("SELECT id FROM items", {});
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);  // only the committed third attempt
  EXPECT_EQ((*rows)[0].Int(0), 3);
}

TEST_P(StoreSuite, ConcurrentIncrementsAreSerializable) {
  ASSERT_TRUE(db().InTransaction([](Transaction& tx) -> Status {
    RETURN_IF_ERROR(tx.ExecuteScript("CREATE TABLE counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)"));
    return tx.Execute("INSERT INTO counter (id, n) VALUES (1, 0)", {}).status();
  }).ok());
  constexpr int kThreads = 4, kIncrements = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        Status s = db().InTransaction(
            [](Transaction& tx) -> Status {
              ASSIGN_OR_RETURN(Row row, tx.QueryOne("SELECT n FROM counter WHERE id = 1", {}));
              return tx.Execute("UPDATE counter SET n = $1 WHERE id = 1", {row.Int(0) + 1}).status();
            },
            /*attempts=*/200);
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto tx = db().BeginRead();
  ASSERT_OK(tx);
  auto row = (*tx)->QueryOne("SELECT n FROM counter WHERE id = 1", {});
  ASSERT_OK(row);
  EXPECT_EQ(row->Int(0), kThreads * kIncrements);
}

TEST_P(StoreSuite, UpsertOnConflictDoUpdate) {
  ASSERT_TRUE(CreateItems(db(), BlobType()).ok());
  for (int64_t v : {1, 2}) {
    ASSERT_TRUE(db().InTransaction([&](Transaction& tx) {
      return tx.Execute("INSERT INTO items (id, i) VALUES ($1, $2) "
                        "ON CONFLICT (id) DO UPDATE SET i = excluded.i",
                        {int64_t{5}, v}).status();
    }).ok());
  }
  auto tx = db().BeginRead();
  ASSERT_OK(tx);
  auto row = (*tx)->QueryOne("SELECT i FROM items WHERE id = $1", {int64_t{5}});
  ASSERT_OK(row);
  EXPECT_EQ(row->Int(0), 2);
}

TEST_P(StoreSuite, SavepointIsolatesAFailedStatement) {
  ASSERT_TRUE(CreateItems(db(), BlobType()).ok());
  auto tx = db().Begin();
  ASSERT_OK(tx);
  ASSERT_OK((*tx)->Execute("INSERT INTO items (id) VALUES ($1)", {int64_t{1}}));
  ASSERT_OK((*tx)->Execute("SAVEPOINT attempt", {}));
  EXPECT_EQ((*tx)->Execute("INSERT INTO items (id) VALUES ($1)", {int64_t{1}}).status().code(),
            StatusCode::kConflict);
  ASSERT_OK((*tx)->Execute("ROLLBACK TO SAVEPOINT attempt", {}));
  ASSERT_OK((*tx)->Execute("INSERT INTO items (id) VALUES ($1)", {int64_t{2}}));
  ASSERT_TRUE((*tx)->Commit().ok());
  auto read = db().BeginRead();
  ASSERT_OK(read);
  auto row = (*read)->QueryOne("SELECT COUNT(*) FROM items", {});
  ASSERT_OK(row);
  EXPECT_EQ(row->Int(0), 2);
}

TEST_P(StoreSuite, PoolServesMoreThreadsThanConnections) {
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        if (db().Ping().ok()) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8 * 20);
}

TEST_P(StoreSuite, MigrateAppliesEachVersionOnce) {
  auto before = CurrentVersion(db());
  ASSERT_OK(before);
  EXPECT_EQ(*before, 0);
  const auto& embedded = EmbeddedMigrations(GetParam());
  ASSERT_FALSE(embedded.empty());
  auto ran = Migrate(db());
  ASSERT_OK(ran);
  EXPECT_EQ(*ran, static_cast<int>(embedded.size()));
  auto version = CurrentVersion(db());
  ASSERT_OK(version);
  EXPECT_EQ(*version, embedded.back().version);
  auto again = Migrate(db());
  ASSERT_OK(again);
  EXPECT_EQ(*again, 0);
}

TEST_P(StoreSuite, ConcurrentMigrateFromTwoDatabases) {
  auto other = Database::Open({.url = url(), .pool_size = 2});
  ASSERT_OK(other);
  Result<int> a = 0, b = 0;
  std::thread t1([&] { a = Migrate(db()); });
  std::thread t2([&] { b = Migrate(**other); });
  t1.join();
  t2.join();
  ASSERT_OK(a);
  ASSERT_OK(b);
  const int total = static_cast<int>(EmbeddedMigrations(GetParam()).size());
  EXPECT_EQ(*a + *b, total);
  auto tx = db().BeginRead();
  ASSERT_OK(tx);
  auto row = (*tx)->QueryOne("SELECT COUNT(*) FROM schema_migrations", {});
  ASSERT_OK(row);
  EXPECT_EQ(row->Int(0), total);
}

TEST_P(StoreSuite, FailedMigrationIsRolledBackAndNamed) {
  ASSERT_TRUE(db().InTransaction([](Transaction& tx) {
    return tx.ExecuteScript("CREATE TABLE events (id TEXT)");
  }).ok());
  auto ran = Migrate(db());
  ASSERT_FALSE(ran.ok());
  EXPECT_EQ(ran.status().reason(), "store.migration_failed");
  EXPECT_NE(ran.status().message().find("0001_events"), std::string::npos);
  auto version = CurrentVersion(db());
  ASSERT_OK(version);
  EXPECT_EQ(*version, 0);
}

TEST_P(StoreSuite, EventsAppendAndReadInOrder) {
  ASSERT_OK(Migrate(db()));
  std::vector<std::string> ids;
  ASSERT_TRUE(db().InTransaction([&](Transaction& tx) -> Status {
    ids.clear();
    for (int i = 0; i < 5; ++i) {
      Event e;
      e.type = "fr.parcours.test.happened";
      e.source = "/tests";
      e.subject = "sujet-" + std::to_string(i);
      e.person_id = i % 2 == 0 ? "p-even" : "p-odd";
      e.actor = "system";
      e.channel = "web";
      e.data_json = "{\"rang\":" + std::to_string(i) + "}";
      ASSIGN_OR_RETURN(std::string id, AppendEvent(tx, e));
      ids.push_back(id);
    }
    return Status::Ok();
  }).ok());
  auto tx = db().BeginRead();
  ASSERT_OK(tx);
  auto all = ReadEvents(**tx, "", std::nullopt, 100);
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ((*all)[i].id, ids[i]);
    EXPECT_EQ((*all)[i].data_json, "{\"rang\":" + std::to_string(i) + "}");
    EXPECT_GT((*all)[i].time_ms, 0);
  }
  auto page = ReadEvents(**tx, ids[1], std::nullopt, 2);
  ASSERT_OK(page);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, ids[2]);
  EXPECT_EQ((*page)[1].id, ids[3]);
  auto even = ReadEvents(**tx, "", std::string("p-even"), 100);
  ASSERT_OK(even);
  ASSERT_EQ(even->size(), 3u);
  EXPECT_EQ((*even)[2].subject, "sujet-4");
}

TEST_P(StoreSuite, GroupCommitKeepsEveryWriteOfEveryThread) {
  ASSERT_TRUE(db().InTransaction([](Transaction& tx) {
    return tx.ExecuteScript(
        "CREATE TABLE writes (mode BIGINT, thread BIGINT, seq BIGINT, PRIMARY KEY (mode, thread, seq))");
  }).ok());
  constexpr int kThreads = 8, kWrites = 40;
  for (GroupCommitter::Mode mode : {GroupCommitter::Mode::kBatch, GroupCommitter::Mode::kDirect}) {
    SCOPED_TRACE(static_cast<int>(mode));
    const auto m = static_cast<int64_t>(mode);
    std::atomic<int> failures{0};
    {
      GroupCommitter committer(db(), {.max_batch = 16, .attempts = 20, .mode = mode});
      std::vector<std::thread> threads;
      for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
          for (int i = 0; i < kWrites; ++i) {
            Status s = committer.Submit([m, t, i](Transaction& tx) {
              return tx.Execute("INSERT INTO writes (mode, thread, seq) VALUES ($1, $2, $3)",
                                {m, int64_t{t}, int64_t{i}}).status();
            });
            if (!s.ok()) ++failures;
          }
        });
      }
      for (auto& t : threads) t.join();
      EXPECT_EQ(committer.stats().writes, kThreads * kWrites);
    }
    EXPECT_EQ(failures.load(), 0);
    auto tx = db().BeginRead();
    ASSERT_OK(tx);
    auto row = (*tx)->QueryOne("SELECT COUNT(*), COUNT(DISTINCT thread) FROM writes WHERE mode = $1", {m});
    ASSERT_OK(row);
    EXPECT_EQ(row->Int(0), kThreads * kWrites);
    EXPECT_EQ(row->Int(1), kThreads);
  }
}

TEST_P(StoreSuite, GroupCommitIsolatesAFailingWrite) {
  ASSERT_TRUE(CreateItems(db(), BlobType()).ok());
  for (GroupCommitter::Mode mode : {GroupCommitter::Mode::kBatch, GroupCommitter::Mode::kDirect}) {
    SCOPED_TRACE(static_cast<int>(mode));
    ASSERT_TRUE(db().InTransaction([](Transaction& tx) -> Status {
      RETURN_IF_ERROR(tx.Execute("DELETE FROM items", {}));
      return tx.Execute("INSERT INTO items (id) VALUES ($1)", {int64_t{100}}).status();
    }).ok());
    constexpr int kThreads = 6;
    std::vector<Status> results(kThreads);
    {
      GroupCommitter committer(db(), {.max_batch = 256, .attempts = 20, .mode = mode});
      std::vector<std::thread> threads;
      for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
          results[t] = committer.Submit([t](Transaction& tx) -> Status {
            // Thread 3 writes twice, the second time on an existing key: all of it is undone.
            RETURN_IF_ERROR(tx.Execute("INSERT INTO items (id) VALUES ($1)", {int64_t{t}}));
            if (t == 3) {
              RETURN_IF_ERROR(tx.Execute("INSERT INTO items (id) VALUES ($1)", {int64_t{100}}));
            }
            if (t == 4) return InvalidArgument("test.refused", "Refusé par la règle métier.");
            return Status::Ok();
          });
        });
      }
      for (auto& t : threads) t.join();
    }
    for (int t = 0; t < kThreads; ++t) {
      if (t == 3) {
        EXPECT_EQ(results[t].code(), StatusCode::kConflict);
      } else if (t == 4) {
        EXPECT_EQ(results[t].reason(), "test.refused");
      } else {
        EXPECT_TRUE(results[t].ok()) << t << ": " << results[t].ToString();
      }
    }
    auto tx = db().BeginRead();
    ASSERT_OK(tx);
    auto rows = (*tx)->Query("SELECT id FROM items ORDER BY id", {});
    ASSERT_OK(rows);
    std::vector<int64_t> ids;
    for (const Row& r : *rows) ids.push_back(r.Int(0));
    EXPECT_EQ(ids, (std::vector<int64_t>{0, 1, 2, 5, 100}));
  }
}

}  // namespace
}  // namespace parcours::store
