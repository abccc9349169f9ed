// Keyed token buckets with golang.org/x/time/rate semantics (refill `rate` per second up to
// `burst`; a request of n tokens passes only if n tokens are there now). Used for the per-tenant
// ingestion rate and the per-stream rate. Time is passed in, so tests drive the clock.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace skald::ingest {

// Thread-safe.
class RateLimiter {
 public:
  // rate: tokens (bytes) per second; burst: bucket size. rate <= 0 means unlimited.
  RateLimiter(double rate, double burst);

  // Takes n tokens from the bucket of `key` at time now_ns if available.
  bool AllowN(const std::string& key, int64_t now_ns, int64_t n);
  double limit() const { return rate_; }
  double burst() const { return burst_; }
  size_t buckets() const;

 private:
  struct Bucket { double tokens; int64_t last_ns; };
  void SweepFull(int64_t now_ns);  // a full bucket equals a fresh one: drop it

  const double rate_, burst_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  uint64_t calls_ = 0;
};

}  // namespace skald::ingest
