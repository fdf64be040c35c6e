// Private: one SQLite connection with its prepared-statement cache.
// Used by one thread at a time (the pool hands it to one transaction).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "parcours/store/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace parcours::store::sqlite {

class SqliteConnection {
 public:
  // Opens `path` (":memory:" for a private memory database) and applies the pragmas:
  // WAL, synchronous=FULL, foreign_keys=ON, busy_timeout.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path, int busy_timeout_ms);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // One statement, parameters bound by number ($1..$n, each used at least once).
  Result<Rows> Query(std::string_view sql, std::span<const Value> params);
  Result<int64_t> Execute(std::string_view sql, std::span<const Value> params);
  // Several statements, no parameters, not cached.
  Status ExecuteScript(std::string_view sql);

 private:
  struct Statement {
    sqlite3_stmt* stmt = nullptr;
    std::shared_ptr<const std::vector<std::string>> names;  // result columns
    std::vector<int> param_numbers;                         // placeholder index -> N of $N
  };
  // Bounds the cache: application SQL is a finite set, so this only guards against a caller
  // building SQL text dynamically.
  static constexpr std::size_t kMaxCachedStatements = 512;

  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  Result<Statement*> Prepare(std::string_view sql);
  Status Bind(const Statement& s, std::span<const Value> params);
  // Maps the connection's last error (result code `rc`) to a Status and logs it.
  Status Error(int rc);

  sqlite3* db_;
  std::unordered_map<std::string, Statement> cache_;
};

}  // namespace parcours::store::sqlite
