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

// How much CPU a pool's threads yield to the rest of the process (Linux: per thread, inherited by
// the threads they start). kIdle is SCHED_IDLE: they run only on CPU nobody else wants, and any
// other thread that wakes (a push, the WAL writer after its fsync) preempts them at once. kLow is
// nice 10, which still leaves the woken thread waiting for a slice (fsync p99 0.6 -> 2.7 ms on a
// 2-core machine beside two busy nice-10 threads, 0.6 ms beside SCHED_IDLE ones). kLatency is
// kNormal with the shortest scheduler slice (common/thread_slice.h): the request workers a push
// waits on preempt busy query threads at wake-up instead of waiting for their slice to end.
// kIngest is the push pool's: kLatency, or real-time when server.ingest_cpu_priority says so
// (RequestIngestPriority).
enum class CpuPriority { kNormal, kLow, kIdle, kLatency, kIngest };

// Thread-safe.
class WorkerPool {
 public:
  // `priority` below kNormal makes the threads yield the CPU, e.g. queries to pushes.
  WorkerPool(std::string name, int threads, size_t max_queue, CpuPriority priority = CpuPriority::kNormal);
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
  void Loop(CpuPriority priority);
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
