// WorkerPool: a fixed set of threads running queued tasks, with a bounded queue so that a flood
// of requests waits as data (no thread each) and the excess is refused, not piled up.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace skald::http {

// Thread-safe.
class WorkerPool {
 public:
  // `nice` > 0 lowers the threads' CPU priority (Linux: per thread, inherited by the threads
  // they start), so that e.g. queries yield the CPU to pushes.
  WorkerPool(std::string name, int threads, size_t max_queue, int nice = 0);
  ~WorkerPool();  // Stop()s
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false when max_queue tasks already wait (or the pool is stopped).
  bool Submit(std::function<void()> task);
  // Drops the queued tasks, lets running ones finish, joins the threads. Idempotent.
  void Stop();
  size_t queued() const;
  int busy() const;
  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  void Loop(int nice);
  const std::string name_;
  const size_t max_queue_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  int busy_ = 0;                              // guarded by mu_
  bool stopping_ = false;                     // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace skald::http
