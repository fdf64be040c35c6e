// A per-key sliding-window rate limiter held in memory (per node): "at most N events per
// window for this key". Used on login attempts per client address and per username; the
// durable per-account lockout lives in the database (accounts survive node restarts).
// Thread-safety: all methods are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace parcours::auth {

class RateLimiter {
 public:
  RateLimiter(int limit, std::chrono::milliseconds window) : limit_(limit), window_ms_(window.count()) {}

  // Records an attempt for `key` at `now_ms`; false when the key already reached the limit
  // within the window (the attempt is then not recorded).
  bool Allow(const std::string& key, int64_t now_ms);
  // Forgets `key` (after a successful login).
  void Reset(const std::string& key);

 private:
  const int limit_;
  const int64_t window_ms_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<int64_t>> hits_;  // GUARDED_BY(mu_)
  int64_t last_sweep_ms_ = 0;                                  // GUARDED_BY(mu_)
};

}  // namespace parcours::auth
