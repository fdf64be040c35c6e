#include "parcours/auth/rate_limit.h"

namespace parcours::auth {

bool RateLimiter::Allow(const std::string& key, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (now_ms - last_sweep_ms_ > window_ms_) {
    // Drop idle keys so memory stays bounded by the traffic of one window.
    for (auto it = hits_.begin(); it != hits_.end();) {
      if (it->second.empty() || it->second.back() <= now_ms - window_ms_) {
        it = hits_.erase(it);
      } else {
        ++it;
      }
    }
    last_sweep_ms_ = now_ms;
  }
  auto& q = hits_[key];
  while (!q.empty() && q.front() <= now_ms - window_ms_) q.pop_front();
  if (static_cast<int>(q.size()) >= limit_) return false;
  q.push_back(now_ms);
  return true;
}

void RateLimiter::Reset(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  hits_.erase(key);
}

}  // namespace parcours::auth
