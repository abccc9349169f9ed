// CancelFlag: set once by whoever learns that a piece of work is no longer wanted (its HTTP client
// went away, the server is stopping); long-running work (queries) polls it to give up early.
#pragma once

#include <atomic>

namespace skald {

// Thread-safe: Cancel() from any thread, cancelled() from any other.
class CancelFlag {
 public:
  void Cancel() { set_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return set_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> set_{false};
};

}  // namespace skald
