#include "parcours/store/group_commit.h"

#include <exception>
#include <vector>

namespace parcours::store {
namespace {

constexpr std::string_view kSavepoint = "SAVEPOINT parcours_group_write";
constexpr std::string_view kRollbackTo = "ROLLBACK TO SAVEPOINT parcours_group_write";
constexpr std::string_view kRelease = "RELEASE SAVEPOINT parcours_group_write";

// A write that throws is a bug in its caller; it must not take the writer thread down.
Status Call(const GroupCommitter::WriteFn& write, Transaction& tx) {
  try {
    return write(tx);
  } catch (const std::exception&) {
    return Internal("store.write_threw", "Erreur interne pendant l'écriture.");
  } catch (...) {
    return Internal("store.write_threw", "Erreur interne pendant l'écriture.");
  }
}

}  // namespace

GroupCommitter::GroupCommitter(Database& db, Options options)
    : db_(db),
      options_(options),
      batch_(options.mode == Mode::kBatch ||
             (options.mode == Mode::kAuto && db.backend() == Backend::kSqlite)) {
  if (batch_) writer_ = std::thread([this] { Run(); });
}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
}

Status GroupCommitter::Submit(WriteFn write) {
  if (!batch_) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) {
        return Unavailable("store.shutting_down", "Le service s'arrête : écriture refusée.");
      }
    }
    Status s = db_.InTransaction([&](Transaction& tx) { return Call(write, tx); },
                                 options_.attempts < 1 ? 1 : options_.attempts);
    std::lock_guard lock(mu_);
    ++writes_;
    ++batches_;
    return s;
  }
  std::future<Status> done;
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      return Unavailable("store.shutting_down", "Le service s'arrête : écriture refusée.");
    }
    queue_.push_back(Pending{std::move(write), {}});
    done = queue_.back().done.get_future();
  }
  wake_.notify_one();
  return done.get();
}

GroupCommitter::Stats GroupCommitter::stats() const {
  std::lock_guard lock(mu_);
  return Stats{writes_, batches_, static_cast<int64_t>(queue_.size())};
}

void GroupCommitter::Run() {
  const auto max_batch = static_cast<std::size_t>(options_.max_batch < 1 ? 1 : options_.max_batch);
  while (true) {
    std::deque<Pending> batch;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and nothing left to write
      while (!queue_.empty() && batch.size() < max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    RunBatch(batch);
  }
}

void GroupCommitter::RunBatch(std::deque<Pending>& batch) {
  const int attempts = options_.attempts < 1 ? 1 : options_.attempts;
  std::vector<Status> results(batch.size());
  Status failure;  // the transaction's failure, for every write of the batch
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    failure = Status::Ok();
    auto tx = db_.Begin();
    if (!tx.ok()) {
      failure = tx.status();
    } else {
      for (std::size_t i = 0; i < batch.size() && failure.ok(); ++i) {
        Transaction& t = **tx;
        failure = t.Execute(kSavepoint, {}).status();
        if (!failure.ok()) break;
        results[i] = Call(batch[i].write, t);
        if (results[i].code() == StatusCode::kUnavailable) {
          failure = results[i];  // transient (serialization, lock timeout): rerun the batch
        } else if (results[i].ok()) {
          failure = t.Execute(kRelease, {}).status();
        } else {
          failure = t.Execute(kRollbackTo, {}).status();
          if (failure.ok()) failure = t.Execute(kRelease, {}).status();
        }
      }
      if (failure.ok()) failure = (*tx)->Commit();
    }
    if (failure.ok() || failure.code() != StatusCode::kUnavailable) break;
  }
  {
    std::lock_guard lock(mu_);
    writes_ += static_cast<int64_t>(batch.size());
    ++batches_;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i].done.set_value(failure.ok() ? results[i] : failure);
  }
}

}  // namespace parcours::store
