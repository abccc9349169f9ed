// RateLimiter: lazy refill on access, periodic removal of buckets that have refilled completely.
#include "store/ingest/rate_limiter.h"

#include <algorithm>

namespace skald::ingest {

RateLimiter::RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}

bool RateLimiter::AllowN(const std::string& key, int64_t now_ns, int64_t n) {
  if (rate_ <= 0) return true;
  if (static_cast<double>(n) > burst_) return false;
  std::lock_guard<std::mutex> l(mu_);
  if (++calls_ % 4096 == 0) SweepFull(now_ns);
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now_ns});
  Bucket& b = it->second;
  if (!fresh && now_ns > b.last_ns) {
    b.tokens = std::min(burst_, b.tokens + rate_ * static_cast<double>(now_ns - b.last_ns) / 1e9);
    b.last_ns = now_ns;
  }
  if (b.tokens < static_cast<double>(n)) return false;
  b.tokens -= static_cast<double>(n);
  return true;
}

void RateLimiter::SweepFull(int64_t now_ns) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const Bucket& b = it->second;
    double t = b.tokens + rate_ * static_cast<double>(std::max<int64_t>(0, now_ns - b.last_ns)) / 1e9;
    it = t >= burst_ ? buckets_.erase(it) : std::next(it);
  }
}

size_t RateLimiter::buckets() const {
  std::lock_guard<std::mutex> l(mu_);
  return buckets_.size();
}

}  // namespace skald::ingest
