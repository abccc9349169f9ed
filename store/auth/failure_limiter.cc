// Fixed-window failure counting per address (see failure_limiter.h).
#include "store/auth/failure_limiter.h"

namespace skald::auth {

bool FailureLimiter::Locked(const std::string& addr, int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_addr_.find(addr);
  return it != by_addr_.end() && it->second.locked_until > now_ns;
}

bool FailureLimiter::RecordFailure(const std::string& addr, int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mu_);
  if (by_addr_.size() >= o_.max_addresses && !by_addr_.count(addr)) Prune(now_ns);
  Entry& e = by_addr_[addr];
  if (e.locked_until > now_ns) return false;
  if (now_ns - e.window_start >= o_.window_ns) {
    e.window_start = now_ns;
    e.failures = 0;
  }
  if (++e.failures < o_.max_failures) return false;
  e.locked_until = now_ns + o_.lockout_ns;
  e.failures = 0;
  e.window_start = e.locked_until;
  return true;
}

void FailureLimiter::Prune(int64_t now_ns) {
  for (auto it = by_addr_.begin(); it != by_addr_.end();) {
    const bool expired = it->second.locked_until <= now_ns && now_ns - it->second.window_start >= o_.window_ns;
    it = expired ? by_addr_.erase(it) : std::next(it);
  }
  if (by_addr_.size() >= o_.max_addresses) by_addr_.clear();  // under a flood of addresses: start over
}

}  // namespace skald::auth
