// Private: the PostgreSQL backend (libpq). A pool of connections; read-write transactions
// are SERIALIZABLE by default (READ COMMITTED on request, see Isolation), read-only ones
// REPEATABLE READ READ ONLY (one snapshot). Options::busy_timeout_ms is the lock_timeout.
#pragma once

#include <memory>
#include <string>

#include "parcours/store/store.h"
#include "pool.h"
#include "postgres/pg_connection.h"

namespace parcours::store::postgres {

class PostgresDatabaseImpl final : public Database {
 public:
  static Result<std::unique_ptr<Database>> Open(const Options& options);

  using Database::Begin;
  Result<std::unique_ptr<Transaction>> Begin(Isolation isolation) override;
  Result<std::unique_ptr<Transaction>> BeginRead() override;
  Status Ping() override;
  Backend backend() const override { return Backend::kPostgres; }

 private:
  explicit PostgresDatabaseImpl(const Options& options);
  Result<std::unique_ptr<Transaction>> Start(std::string_view begin_statement);

  const std::string url_;
  const int lock_timeout_ms_;
  detail::Pool<PgConnection> pool_;
};

}  // namespace parcours::store::postgres
