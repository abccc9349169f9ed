// Backoff: exponential waits with jitter for retry loops (the collector's push client, docker_sd
// reconnects), so that many hosts failing at the same moment do not retry in lockstep.
#pragma once

#include <cstdint>
#include <random>

namespace skald {

// Not thread-safe; one per retry loop. The n-th wait since Reset() is drawn uniformly from
// [min(d, 3/4·max), min(2d, max)] with d = min·2^(n-1): it doubles like Promtail's backoff_config
// (dskit draws from [d, 2d)) and stays randomized once it reaches max instead of settling on it.
class Backoff {
 public:
  // min_ns ≤ 0 is taken as 1 ms; max_ns < min_ns as min_ns. seed 0: a random seed.
  Backoff(int64_t min_ns, int64_t max_ns, uint64_t seed = 0);

  int64_t Next();               // the wait before the next attempt, in ns
  void Reset();                 // after a success: the next wait starts from min again
  int64_t Jitter(int64_t span); // uniform in [0, span); 0 when span ≤ 0
  int attempts() const { return attempts_; }  // Next() calls since Reset()
  int64_t min_ns() const { return min_; }
  int64_t max_ns() const { return max_; }

 private:
  int64_t min_, max_, cur_;
  int attempts_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace skald
