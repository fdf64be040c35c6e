// Private: a fixed-size pool of connections shared by the threads of one Database.
// Connections are opened lazily, up to `capacity`; Acquire blocks while all are in use.
// A lease returns its connection on destruction, or drops it when marked broken.
// Thread-safe. The pool must outlive every lease.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "parcours/base/status.h"

namespace parcours::store::detail {

template <typename Conn>
class Pool {
 public:
  using Factory = std::function<Result<std::unique_ptr<Conn>>()>;

  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Conn> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), conn_(std::move(other.conn_)), broken_(other.broken_) {}
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease() {
      if (pool_ != nullptr) pool_->Release(std::move(conn_), broken_);
    }
    Conn& operator*() const { return *conn_; }
    Conn* operator->() const { return conn_.get(); }
    // The connection is in an unknown state: close it instead of reusing it.
    void MarkBroken() { broken_ = true; }

   private:
    Pool* pool_;
    std::unique_ptr<Conn> conn_;
    bool broken_ = false;
  };

  Pool(int capacity, Factory factory)
      : capacity_(capacity < 1 ? 1 : capacity), factory_(std::move(factory)) {}

  // Takes an idle connection, opens one when below capacity, or waits for a release.
  Result<Lease> Acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < capacity_; });
    if (!idle_.empty()) {
      std::unique_ptr<Conn> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_;  // reserve the slot, then connect without holding the lock
    lock.unlock();
    Result<std::unique_ptr<Conn>> conn = factory_();
    if (!conn.ok()) {
      lock.lock();
      --open_;
      cv_.notify_one();
      return conn.status();
    }
    return Lease(this, std::move(*conn));
  }

 private:
  void Release(std::unique_ptr<Conn> conn, bool broken) {
    std::unique_ptr<Conn> to_close;
    {
      std::lock_guard lock(mu_);
      if (broken || conn == nullptr) {
        --open_;
        to_close = std::move(conn);
      } else {
        idle_.push_back(std::move(conn));
      }
    }
    cv_.notify_one();
  }

  const int capacity_;
  const Factory factory_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> idle_;  // GUARDED_BY(mu_)
  int open_ = 0;                             // GUARDED_BY(mu_): idle + leased + connecting
};

}  // namespace parcours::store::detail
