// QueryGuard: what stops one running query early — its deadline (query_timeout), its cancel flag
// (the HTTP client went away) and its scanned-bytes budgets — shared by all its worker threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "common/cancel.h"
#include "common/status.h"
#include "store/query/query_result.h"

namespace skald::query {

// Loki's answers (HTTP 504 and 499).
inline constexpr const char* kTimeoutMessage =
    "Request timed out, decrease the duration of the request or add more label matchers (prefer "
    "exact match over regex match) to reduce the amount of data processed.";
inline constexpr const char* kCancelledMessage = "The request was cancelled by the client.";

struct GuardOptions {
  Deadline deadline;                          // time limit and cancel flag
  int64_t max_query_bytes = 0;                // limits_config.max_query_bytes_read; 0 = off
  int64_t max_querier_bytes = 0;              // limits_config.max_querier_bytes_read; 0 = off
  int64_t max_memory = 0;                     // limits_config.max_query_memory (skald); 0 = off
};

// Thread-safe. Once any check fails (or Stop() is called) every later Check() returns that same
// first status, so all worker threads of a query stop at their next check.
class QueryGuard {
 public:
  explicit QueryGuard(GuardOptions o) : o_(std::move(o)) {}
  QueryGuard(const QueryGuard&) = delete;
  QueryGuard& operator=(const QueryGuard&) = delete;

  // Adds `bytes` scanned and `memory` allocated for step values since the caller's last call, then
  // checks stop, cancel, deadline and budgets in that order. One clock read, a few atomics.
  Status Check(int64_t bytes = 0, int64_t memory = 0);
  // Stops the query with `st` (a worker's I/O error) unless it is already stopped.
  void Stop(const Status& st);
  bool stopped() const { return stopped_.load(std::memory_order_acquire); }
  Status status() const;
  int64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
  // The limit error for `bytes` against budget `limit` (the pre-check uses it too).
  static Status QueryBytesError(int64_t bytes, int64_t limit);
  static Status QuerierBytesError(int64_t bytes, int64_t limit);
  static Status MemoryError(int64_t memory, int64_t limit);

 private:
  GuardOptions o_;
  std::atomic<int64_t> bytes_{0}, memory_{0};
  std::atomic<bool> stopped_{false};
  mutable std::mutex mu_;
  Status first_;       // guarded by mu_
};

// Per worker thread: sums work units, scanned bytes and allocated memory locally and reports them
// to the guard every kEvery units (or kMemoryEvery bytes), so shared atomics and the clock are
// touched rarely. Not thread-safe.
class GuardTicker {
 public:
  static constexpr int64_t kEvery = 1024;
  static constexpr int64_t kMemoryEvery = 1 << 20;
  explicit GuardTicker(QueryGuard& g) : g_(g) {}
  ~GuardTicker() { Flush(); }
  // False when the query must stop (the reason is guard().status()).
  bool Tick(int64_t work, int64_t bytes, int64_t memory = 0) {
    work_ += work;
    bytes_ += bytes;
    memory_ += memory;
    return work_ < kEvery && memory_ < kMemoryEvery ? true : Flush();
  }
  // Reports now (before an expensive step such as opening a stream's chunks).
  bool Flush() {
    const int64_t b = bytes_, m = memory_;
    work_ = bytes_ = memory_ = 0;
    return g_.Check(b, m).ok();
  }
  QueryGuard& guard() { return g_; }

 private:
  QueryGuard& g_;
  int64_t work_ = 0, bytes_ = 0, memory_ = 0;
};

// Loki's humanize.IBytes rendering: "512 B", "1.5 KiB", "140 GiB".
std::string FormatIBytes(int64_t n);

}  // namespace skald::query
