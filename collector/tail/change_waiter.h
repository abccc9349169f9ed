// ChangeWaiter: how the tail loop sleeps until files may have changed. inotify wakes it at once;
// the polling fallback (no inotify, or too many watches) just sleeps for the poll interval.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace skald::tail {

class ChangeWaiter {
 public:
  virtual ~ChangeWaiter() = default;
  // Watches the directory holding `file_path` (idempotent; reference counted).
  virtual void Watch(const std::string& file_path) = 0;
  virtual void Unwatch(const std::string& file_path) = 0;
  // Returns after a change in a watched directory, Wake(), or `timeout_ms`.
  virtual void Wait(int timeout_ms) = 0;
  // Thread-safe: makes a concurrent or the next Wait return early.
  virtual void Wake() = 0;
  virtual const char* kind() const = 0;
};

// inotify-backed waiter, or the polling one when inotify is unavailable or `force_poll` is set.
std::unique_ptr<ChangeWaiter> MakeChangeWaiter(bool force_poll = false);

}  // namespace skald::tail
