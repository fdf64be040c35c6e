// Private: one libpq connection with its prepared-statement cache.
// Used by one thread at a time (the pool hands it to one transaction).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "parcours/store/store.h"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace parcours::store::postgres {

class PgConnection {
 public:
  // Connects to `url` (a libpq URI or key=value string) and sets lock_timeout.
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& url, int lock_timeout_ms);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // One statement, prepared once per connection (cached by SQL text); $N bound by number.
  Result<Rows> Query(std::string_view sql, std::span<const Value> params);
  Result<int64_t> Execute(std::string_view sql, std::span<const Value> params);
  // Statements without parameters, not prepared (transaction control, migrations).
  // `command_tag`, when given, receives the last statement's tag ("COMMIT", "ROLLBACK"...).
  Status ExecuteScript(std::string_view sql, std::string* command_tag = nullptr);

  // False once the connection is lost: the pool must drop it.
  bool healthy() const;

 private:
  struct Prepared {
    std::string name;
    int params = 0;
    std::vector<unsigned int> types;  // parameter type OIDs, as the server resolved them
  };
  static constexpr std::size_t kMaxCachedStatements = 512;

  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  Result<const Prepared*> Prepare(std::string_view sql, std::span<const Value> params);
  // Runs a prepared statement; the caller owns the returned result.
  Result<PGresult*> Run(std::string_view sql, std::span<const Value> params);
  // Maps a failed result (or a lost connection when `result` is null) and logs it.
  Status Error(const PGresult* result);

  PGconn* conn_;
  std::unordered_map<std::string, Prepared> cache_;
  int next_statement_ = 0;
};

}  // namespace parcours::store::postgres
