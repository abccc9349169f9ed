// WriteBlock: why the store refuses pushes right now (the WAL cannot write, chunk flushes fail,
// free disk space is under the floor), as skald_store_write_blocked{reason} and one log per episode.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace skald::head {

// Thread-safe. Every process-wide Ingester shares the gauge; tests open one at a time.
class WriteBlock {
 public:
  enum Reason { kWal, kFlush, kDiskSpace, kCount };

  // Starts or updates an episode (logs and sets the gauge only when it starts).
  void Set(Reason r, const std::string& why);
  // Ends an episode (logs once); a no-op when none is running.
  void Clear(Reason r);
  bool any() const { return mask_.load(std::memory_order_acquire) != 0; }
  bool has(Reason r) const { return (mask_.load(std::memory_order_acquire) & (1u << r)) != 0; }
  // "" when nothing blocks writes, else "<reason>: <why>" for each, joined with "; ".
  std::string Message() const;
  static const char* Name(Reason r);   // the metric label: wal, flush, disk_space

 private:
  std::atomic<uint32_t> mask_{0};
  mutable std::mutex mu_;
  std::string why_[kCount];            // guarded by mu_
};

}  // namespace skald::head
