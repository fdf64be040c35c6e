// The database interface every module uses; two backends implement it: SQLite (embedded
// default, WAL) and PostgreSQL (many stateless server nodes on one database).
//
// SQL is written once for both backends:
//   - placeholders are $1, $2, ... (each backend binds them by number);
//   - types: INTEGER/BIGINT, DOUBLE PRECISION (REAL in SQLite), TEXT, BLOB (BYTEA in
//     PostgreSQL): use `backend()` or per-backend migration files where they differ;
//   - `INSERT ... RETURNING col` works on both (SQLite >= 3.35);
//   - timestamps are stored as BIGINT milliseconds since the Unix epoch (UTC), ids as TEXT.
// Driver errors are mapped to our codes inside the backend: unique/foreign-key violations
// -> kConflict (reason "store.conflict"), busy/locked/serialization/deadlock/connection loss
// -> kUnavailable ("store.unavailable"), syntax and others -> kInternal ("store.internal").
// Messages are French and never contain SQL values; the driver's text is logged (without
// values) on the server side.
//
// Portability rules (the same test suite runs on both backends):
//   - a parameter whose type PostgreSQL cannot infer from its context ("$1 IS NULL",
//     "SELECT $1") needs CAST($1 AS TEXT) / CAST($1 AS BIGINT), which both backends accept;
//   - upserts: INSERT ... ON CONFLICT (cols) DO UPDATE SET x = excluded.x / DO NOTHING;
//   - after a failed statement PostgreSQL refuses every further statement of the transaction
//     but ROLLBACK TO SAVEPOINT: do not catch a kConflict and carry on in the same
//     transaction; use ON CONFLICT, or a SAVEPOINT around the statement that may fail;
//   - read-write transactions are serializable on both by default (SQLite: one writer at a
//     time; PostgreSQL: SERIALIZABLE), so a serialization failure is kUnavailable and
//     Database::InTransaction retries it (see Isolation for the READ COMMITTED option);
//   - compare ids and other TEXT keys by byte order: declare such PostgreSQL columns
//     COLLATE "C" (SQLite compares bytes by default).
//
// Thread-safety: a Database is shared by all threads; a Transaction belongs to one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "parcours/base/status.h"

namespace parcours::store {

// A blob is kept distinct from text so both backends bind it as binary.
struct Blob {
  std::string bytes;
  bool operator==(const Blob&) const = default;
};

// A bound parameter or a column value. std::monostate is SQL NULL.
using Value = std::variant<std::monostate, int64_t, double, std::string, Blob>;

// Convenience for optional parameters: an empty optional binds NULL.
template <typename T>
Value Nullable(const std::optional<T>& v) {
  return v ? Value(*v) : Value(std::monostate{});
}

// One row of a result, columns addressed by index or by name.
class Row {
 public:
  Row(std::shared_ptr<const std::vector<std::string>> names, std::vector<Value> values)
      : names_(std::move(names)), values_(std::move(values)) {}

  std::size_t size() const { return values_.size(); }
  const Value& at(std::size_t i) const { return values_.at(i); }
  // Index of column `name`; asserts in debug builds when absent (a programming error).
  std::size_t IndexOf(std::string_view name) const;

  bool IsNull(std::size_t i) const { return std::holds_alternative<std::monostate>(values_.at(i)); }
  // Typed getters: integer columns read as int64 (a double is truncated), text as string,
  // blob as bytes. A NULL yields the type's zero value; use IsNull or the Opt* forms.
  int64_t Int(std::size_t i) const;
  double Double(std::size_t i) const;
  std::string Text(std::size_t i) const;
  std::string Bytes(std::size_t i) const;
  bool Bool(std::size_t i) const { return Int(i) != 0; }
  std::optional<int64_t> OptInt(std::size_t i) const;
  std::optional<std::string> OptText(std::size_t i) const;

  int64_t Int(std::string_view name) const { return Int(IndexOf(name)); }
  double Double(std::string_view name) const { return Double(IndexOf(name)); }
  std::string Text(std::string_view name) const { return Text(IndexOf(name)); }
  std::string Bytes(std::string_view name) const { return Bytes(IndexOf(name)); }
  bool Bool(std::string_view name) const { return Bool(IndexOf(name)); }
  bool IsNull(std::string_view name) const { return IsNull(IndexOf(name)); }
  std::optional<int64_t> OptInt(std::string_view name) const { return OptInt(IndexOf(name)); }
  std::optional<std::string> OptText(std::string_view name) const { return OptText(IndexOf(name)); }

 private:
  std::shared_ptr<const std::vector<std::string>> names_;
  std::vector<Value> values_;
};

using Rows = std::vector<Row>;

enum class Backend { kSqlite, kPostgres };

// Isolation of a read-write transaction. SQLite has one writer at a time, so both levels are
// serializable there; they differ on PostgreSQL only.
enum class Isolation {
  // The default: SERIALIZABLE on PostgreSQL, so that read-modify-write code proven on SQLite
  // stays correct; a conflict is kUnavailable, retried by InTransaction.
  kSerializable,
  // READ COMMITTED on PostgreSQL: each statement sees the latest commits. For queue workers
  // locking rows with SELECT ... FOR UPDATE SKIP LOCKED, and for code that reads what another
  // transaction committed while it waited for a lock. Guard read-modify-write with
  // FOR UPDATE or a single UPDATE ... SET n = n + 1.
  kReadCommitted,
};

// An open transaction on one pooled connection. Destroying it without Commit() rolls back
// and returns the connection to the pool. It must not outlive its Database.
class Transaction {
 public:
  virtual ~Transaction() = default;

  // Runs a statement returning rows (SELECT, or INSERT/UPDATE ... RETURNING).
  // Statements are prepared once per connection and cached by SQL text.
  virtual Result<Rows> Query(std::string_view sql, std::span<const Value> params = {}) = 0;
  // Runs a statement and returns the number of rows it changed.
  virtual Result<int64_t> Execute(std::string_view sql, std::span<const Value> params = {}) = 0;
  // Runs one or more ';'-separated statements without parameters nor results (migrations,
  // DDL). Not cached.
  virtual Status ExecuteScript(std::string_view sql) = 0;

  Result<Rows> Query(std::string_view sql, std::initializer_list<Value> params) {
    return Query(sql, std::span<const Value>(params.begin(), params.size()));
  }
  Result<int64_t> Execute(std::string_view sql, std::initializer_list<Value> params) {
    return Execute(sql, std::span<const Value>(params.begin(), params.size()));
  }
  // The first row, or NotFound(reason, message) when there is none.
  Result<Row> QueryOne(std::string_view sql, std::initializer_list<Value> params,
                       std::string_view not_found_reason = "store.not_found",
                       std::string_view not_found_message = "Élément introuvable.");

  // Makes the changes durable (fsync'd for SQLite with synchronous=FULL). Afterwards the
  // transaction accepts no statement. On failure the changes are rolled back.
  virtual Status Commit() = 0;

  virtual Backend backend() const = 0;
};

struct Options {
  // "sqlite:/path/to/file.db", "sqlite::memory:" (tests), or "postgresql://..." / "postgres://..."
  // (any libpq connection URI). A memory database lives as long as the Database and uses one
  // connection (pool_size is ignored): a thread holding a transaction must not Begin another.
  std::string url;
  int pool_size = 8;          // connections kept open
  int busy_timeout_ms = 5000; // SQLite busy timeout; PostgreSQL lock_timeout
};

class Database {
 public:
  virtual ~Database() = default;

  // Opens the backend named by `options.url`. Does not migrate (see migrations.h).
  static Result<std::unique_ptr<Database>> Open(const Options& options);

  // Starts a read-write transaction on a pooled connection; blocks while the pool is empty.
  // SQLite takes the write lock at once (BEGIN IMMEDIATE: no lock-upgrade deadlock); writers
  // of one process queue in order, and wait at most busy_timeout_ms (then kUnavailable).
  Result<std::unique_ptr<Transaction>> Begin() { return Begin(Isolation::kSerializable); }
  virtual Result<std::unique_ptr<Transaction>> Begin(Isolation isolation) = 0;
  // A read-only transaction on a consistent snapshot, concurrent with writers; a write
  // statement in it fails.
  virtual Result<std::unique_ptr<Transaction>> BeginRead() = 0;

  // OK when the database answers a trivial query (for /readyz).
  virtual Status Ping() = 0;

  virtual Backend backend() const = 0;

  // Runs `fn` in a read-write transaction and commits when it returns OK; retries up to
  // `attempts` times in all when `fn` or the commit reports kUnavailable (busy,
  // serialization failure). `fn` may therefore run more than once: only the effects of its
  // last, committed run are kept. Returns fn's error, or the commit's.
  Status InTransaction(const std::function<Status(Transaction&)>& fn, int attempts = 3,
                       Isolation isolation = Isolation::kSerializable);
};

}  // namespace parcours::store
