#include "postgres/pg_database.h"

#include <utility>

#include "errors.h"

namespace parcours::store::postgres {
namespace {

using Lease = detail::Pool<PgConnection>::Lease;

class PgTransaction final : public Transaction {
 public:
  explicit PgTransaction(Lease lease) : lease_(std::move(lease)) {}

  ~PgTransaction() override {
    if (open_) Rollback();
    if (!lease_->healthy()) lease_.MarkBroken();
  }

  using Transaction::Execute;
  using Transaction::Query;

  Result<Rows> Query(std::string_view sql, std::span<const Value> params) override {
    if (!open_) return detail::FinishedTransactionError();
    return Track(lease_->Query(sql, params));
  }

  Result<int64_t> Execute(std::string_view sql, std::span<const Value> params) override {
    if (!open_) return detail::FinishedTransactionError();
    return Track(lease_->Execute(sql, params));
  }

  Status ExecuteScript(std::string_view sql) override {
    if (!open_) return detail::FinishedTransactionError();
    return Track(lease_->ExecuteScript(sql));
  }

  Status Commit() override {
    if (!open_) return detail::FinishedTransactionError();
    std::string tag;
    Status s = lease_->ExecuteScript("COMMIT", &tag);
    if (!s.ok()) {
      Rollback();
      return s;
    }
    open_ = false;
    // COMMIT of a transaction that a failed statement aborted answers "ROLLBACK".
    if (tag == "ROLLBACK") return last_error_.ok() ? detail::InternalError() : last_error_;
    return Status::Ok();
  }

  Backend backend() const override { return Backend::kPostgres; }

  Status Start(std::string_view begin_statement) {
    RETURN_IF_ERROR(lease_->ExecuteScript(begin_statement));
    open_ = true;
    return Status::Ok();
  }

 private:
  // Remembers the last failure: PostgreSQL aborts the transaction, and Commit reports it.
  template <typename R>
  R Track(R result) {
    if (!result.ok()) last_error_ = ::parcours::detail::ToStatus(result);
    return result;
  }

  void Rollback() {
    open_ = false;
    if (!lease_->ExecuteScript("ROLLBACK").ok()) lease_.MarkBroken();
  }

  Lease lease_;
  bool open_ = false;
  Status last_error_;
};

}  // namespace

PostgresDatabaseImpl::PostgresDatabaseImpl(const Options& options)
    : url_(options.url),
      lock_timeout_ms_(options.busy_timeout_ms),
      pool_(options.pool_size, [this]() { return PgConnection::Open(url_, lock_timeout_ms_); }) {}

Result<std::unique_ptr<Database>> PostgresDatabaseImpl::Open(const Options& options) {
  std::unique_ptr<PostgresDatabaseImpl> db(new PostgresDatabaseImpl(options));
  RETURN_IF_ERROR(db->pool_.Acquire());  // fail now when the server is unreachable
  return std::unique_ptr<Database>(std::move(db));
}

Result<std::unique_ptr<Transaction>> PostgresDatabaseImpl::Start(std::string_view begin_statement) {
  ASSIGN_OR_RETURN(Lease lease, pool_.Acquire());
  if (!lease->healthy()) {
    lease.MarkBroken();
    return detail::UnavailableError();
  }
  auto tx = std::make_unique<PgTransaction>(std::move(lease));
  RETURN_IF_ERROR(tx->Start(begin_statement));
  return std::unique_ptr<Transaction>(std::move(tx));
}

Result<std::unique_ptr<Transaction>> PostgresDatabaseImpl::Begin(Isolation isolation) {
  return Start(isolation == Isolation::kSerializable
                   ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
                   : "BEGIN ISOLATION LEVEL READ COMMITTED");
}

Result<std::unique_ptr<Transaction>> PostgresDatabaseImpl::BeginRead() {
  return Start("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

Status PostgresDatabaseImpl::Ping() {
  ASSIGN_OR_RETURN(auto tx, BeginRead());
  RETURN_IF_ERROR(tx->Query("SELECT 1", {}));
  return Status::Ok();
}

}  // namespace parcours::store::postgres
