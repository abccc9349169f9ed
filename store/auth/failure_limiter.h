// Failed-login throttling per client address: after `max_failures` bad credentials within
// `window`, the address gets 429 for `lockout`. Bounded memory; thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace skald::auth {

class FailureLimiter {
 public:
  struct Options {
    int max_failures = 10;
    int64_t window_ns = 60LL * 1000000000LL;
    int64_t lockout_ns = 60LL * 1000000000LL;
    size_t max_addresses = 100000;  // past this, expired entries are dropped, then the oldest window
  };
  explicit FailureLimiter(Options o) : o_(o) {}

  // True while `addr` is locked out at `now_ns`.
  bool Locked(const std::string& addr, int64_t now_ns);
  // Counts one failure; true when this failure starts a lockout.
  bool RecordFailure(const std::string& addr, int64_t now_ns);

 private:
  struct Entry {
    int64_t window_start = 0;
    int failures = 0;
    int64_t locked_until = 0;
  };
  void Prune(int64_t now_ns);  // with mu_ held
  Options o_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> by_addr_;  // guarded by mu_
};

}  // namespace skald::auth
