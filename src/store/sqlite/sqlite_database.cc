#include "sqlite/sqlite_database.h"

#include <chrono>
#include <optional>
#include <utility>

#include "errors.h"

namespace parcours::store::sqlite {
namespace {

using Lease = detail::Pool<SqliteConnection>::Lease;

class SqliteTransaction final : public Transaction {
 public:
  // `writer` is the process-wide writer semaphore held by a read-write transaction, null for
  // a read-only one.
  SqliteTransaction(Lease lease, std::binary_semaphore* writer)
      : lease_(std::move(lease)), writer_(writer) {}

  ~SqliteTransaction() override {
    if (open_) static_cast<void>(Finish("ROLLBACK"));
    if (writer_ != nullptr) writer_->release();
  }

  using Transaction::Execute;
  using Transaction::Query;

  Result<Rows> Query(std::string_view sql, std::span<const Value> params) override {
    if (!open_) return detail::FinishedTransactionError();
    return lease_->Query(sql, params);
  }

  Result<int64_t> Execute(std::string_view sql, std::span<const Value> params) override {
    if (!open_) return detail::FinishedTransactionError();
    return lease_->Execute(sql, params);
  }

  Status ExecuteScript(std::string_view sql) override {
    if (!open_) return detail::FinishedTransactionError();
    return lease_->ExecuteScript(sql);
  }

  Status Commit() override {
    if (!open_) return detail::FinishedTransactionError();
    Status s = Finish("COMMIT");
    if (!s.ok()) static_cast<void>(Finish("ROLLBACK"));
    return s;
  }

  Backend backend() const override { return Backend::kSqlite; }

  // Starts the transaction; on failure the connection is returned to the pool.
  Status Start() {
    if (writer_ == nullptr) {
      RETURN_IF_ERROR(lease_->Execute("PRAGMA query_only=ON", {}));
      read_only_ = true;
    }
    Status s = lease_->Execute(writer_ != nullptr ? "BEGIN IMMEDIATE" : "BEGIN", {}).status();
    if (!s.ok()) {
      RestoreWritable();
      return s;
    }
    open_ = true;
    return Status::Ok();
  }

 private:
  // Ends the transaction with COMMIT or ROLLBACK. The transaction is closed even on error
  // (a failed ROLLBACK leaves the connection in an unknown state: it is dropped).
  Status Finish(std::string_view statement) {
    Status s = lease_->Execute(statement, {}).status();
    if (s.ok() || statement == "ROLLBACK") {
      if (!s.ok()) lease_.MarkBroken();
      open_ = false;
      RestoreWritable();
    }
    return s;
  }

  void RestoreWritable() {
    if (read_only_ && !lease_->Execute("PRAGMA query_only=OFF", {}).ok()) lease_.MarkBroken();
    read_only_ = false;
  }

  Lease lease_;
  std::binary_semaphore* writer_;
  bool open_ = false;
  bool read_only_ = false;
};

}  // namespace

SqliteDatabaseImpl::SqliteDatabaseImpl(std::string path, int pool_size, int busy_timeout_ms)
    : path_(std::move(path)),
      busy_timeout_ms_(busy_timeout_ms),
      pool_(pool_size, [this]() { return SqliteConnection::Open(path_, busy_timeout_ms_); }) {}

Result<std::unique_ptr<Database>> SqliteDatabaseImpl::Open(const std::string& path,
                                                           const Options& options) {
  const bool memory = path == ":memory:";
  const int pool_size = memory ? 1 : options.pool_size;
  std::unique_ptr<SqliteDatabaseImpl> db(
      new SqliteDatabaseImpl(path, pool_size, options.busy_timeout_ms));
  // Open one connection now so that a wrong path fails here, not at the first request; for a
  // memory database this connection holds the data and stays in the pool.
  RETURN_IF_ERROR(db->pool_.Acquire());
  return std::unique_ptr<Database>(std::move(db));
}

Result<std::unique_ptr<Transaction>> SqliteDatabaseImpl::Begin(Isolation) {
  // One writer at a time: every level is serializable.
  if (!writer_.try_acquire_for(std::chrono::milliseconds(busy_timeout_ms_))) {
    return detail::UnavailableError();
  }
  Result<Lease> lease = pool_.Acquire();
  if (!lease.ok()) {
    writer_.release();
    return lease.status();
  }
  // From here the transaction owns the semaphore and releases it when destroyed.
  auto tx = std::make_unique<SqliteTransaction>(std::move(*lease), &writer_);
  RETURN_IF_ERROR(tx->Start());
  return std::unique_ptr<Transaction>(std::move(tx));
}

Result<std::unique_ptr<Transaction>> SqliteDatabaseImpl::BeginRead() {
  ASSIGN_OR_RETURN(Lease lease, pool_.Acquire());
  auto tx = std::make_unique<SqliteTransaction>(std::move(lease), nullptr);
  RETURN_IF_ERROR(tx->Start());
  return std::unique_ptr<Transaction>(std::move(tx));
}

Status SqliteDatabaseImpl::Ping() {
  ASSIGN_OR_RETURN(auto tx, BeginRead());
  RETURN_IF_ERROR(tx->Query("SELECT 1", {}));
  return Status::Ok();
}

}  // namespace parcours::store::sqlite
