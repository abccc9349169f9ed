// Bounded worker pool (see worker_pool.h).
#include "common/http/worker_pool.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

#include "common/thread_slice.h"

namespace skald::http {

namespace {

// Applies `p` to the calling thread only (Linux scheduling attributes are per thread).
void SetThreadPriority(CpuPriority p) {
  if (p == CpuPriority::kLatency) (void)RequestShortSlice();
  if (p == CpuPriority::kIngest) (void)RequestIngestPriority();
  if (p == CpuPriority::kLow) setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
  if (p == CpuPriority::kIdle) {
    sched_param sp{};
    sp.sched_priority = 0;
    if (sched_setscheduler(0, SCHED_IDLE, &sp) != 0) setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 19);
  }
}

}  // namespace

WorkerPool::WorkerPool(std::string name, int threads, size_t max_queue, CpuPriority priority)
    : name_(std::move(name)), max_queue_(max_queue) {
  for (int i = 0; i < std::max(1, threads); ++i) {
    threads_.emplace_back([this, priority] { Loop(priority); });
    pthread_setname_np(threads_.back().native_handle(), name_.substr(0, 15).c_str());
  }
}

WorkerPool::~WorkerPool() { Stop(); }

bool WorkerPool::Submit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopping_ || queue_.size() >= max_queue_) return false;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

void WorkerPool::Loop(CpuPriority priority) {
  SetThreadPriority(priority);
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      task = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
    }
    task();
    task = nullptr;  // release what the task holds before counting it done
    std::lock_guard<std::mutex> l(mu_);
    --busy_;
  }
}

void WorkerPool::Stop() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    dropped.swap(queue_);
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

size_t WorkerPool::queued() const {
  std::lock_guard<std::mutex> l(mu_);
  return queue_.size();
}

int WorkerPool::busy() const {
  std::lock_guard<std::mutex> l(mu_);
  return busy_;
}

}  // namespace skald::http
