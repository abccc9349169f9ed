// PeriodicLoop: a thread that runs a pass every interval until stopped; the shipper, the bucket
// index sync and the bucket compactor each own one instead of their own wait loop.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "common/logger.h"

namespace skald::shipper {

class PeriodicLoop {
 public:
  ~PeriodicLoop() { Stop(); }
  // Runs `pass` every interval_ns (the first after one interval). No-op when already running.
  void Start(int64_t interval_ns, std::function<void()> pass) {
    std::lock_guard<std::mutex> lk(mu_);
    if (thread_.joinable()) return;
    stop_ = false;
    thread_ = std::thread([this, interval_ns, pass = std::move(pass)] {
      std::unique_lock<std::mutex> l(mu_);
      while (!stop_) {
        cv_.wait_for(l, std::chrono::nanoseconds(interval_ns), [this] { return stop_; });
        if (stop_) break;
        l.unlock();
        try {   // a pass that throws (bad_alloc) is logged and retried, not the end of the process
          pass();
        } catch (const std::exception& e) {
          SKALD_LOG(error, "background pass failed with an exception", {{"err", e.what()}});
        }
        l.lock();
      }
    });
  }
  // Waits for a running pass to end. Idempotent.
  void Stop() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace skald::shipper
