// Backoff: the doubling base and the uniform draw around it.
#include "common/backoff.h"

#include <algorithm>

namespace skald {

Backoff::Backoff(int64_t min_ns, int64_t max_ns, uint64_t seed)
    : min_(min_ns > 0 ? min_ns : 1'000'000), max_(std::max(max_ns, min_)), cur_(min_),
      rng_(seed != 0 ? seed : std::random_device{}()) {}

int64_t Backoff::Next() {
  ++attempts_;
  const int64_t lo = std::min(cur_, max_ - max_ / 4);
  const int64_t hi = cur_ > max_ / 2 ? max_ : 2 * cur_;
  if (cur_ < max_) cur_ = cur_ > max_ / 2 ? max_ : 2 * cur_;
  return lo + Jitter(hi - lo + 1);
}

void Backoff::Reset() {
  cur_ = min_;
  attempts_ = 0;
}

int64_t Backoff::Jitter(int64_t span) {
  if (span <= 0) return 0;
  return std::uniform_int_distribution<int64_t>(0, span - 1)(rng_);
}

}  // namespace skald
