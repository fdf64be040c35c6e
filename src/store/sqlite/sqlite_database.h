// Private: the SQLite backend. A pool of connections to one file in WAL mode; writers of this
// process queue on a semaphore (FIFO-ish, no busy polling), writers of other processes are
// waited for by SQLite's busy timeout. Readers run concurrently on WAL snapshots.
#pragma once

#include <memory>
#include <semaphore>
#include <string>

#include "parcours/store/store.h"
#include "pool.h"
#include "sqlite/sqlite_connection.h"

namespace parcours::store::sqlite {

class SqliteDatabaseImpl final : public Database {
 public:
  // `path` is a file path or ":memory:" (then one connection: a memory database is private
  // to its connection).
  static Result<std::unique_ptr<Database>> Open(const std::string& path, const Options& options);

  using Database::Begin;
  Result<std::unique_ptr<Transaction>> Begin(Isolation isolation) override;
  Result<std::unique_ptr<Transaction>> BeginRead() override;
  Status Ping() override;
  Backend backend() const override { return Backend::kSqlite; }

 private:
  SqliteDatabaseImpl(std::string path, int pool_size, int busy_timeout_ms);

  const std::string path_;
  const int busy_timeout_ms_;
  std::binary_semaphore writer_{1};  // held by the open read-write transaction, if any
  detail::Pool<SqliteConnection> pool_;
};

}  // namespace parcours::store::sqlite
