// ParallelFor: runs fn(0..n-1) on up to `workers` threads and returns the first error, so bucket
// backup and restore keep several object transfers in flight (one round trip each) at a time.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"

namespace skald::backup {

// After the first error no new index is started; calls already running finish. fn must be
// thread-safe. workers <= 1 runs inline, in order.
inline Status ParallelFor(size_t n, int workers, const std::function<Status(size_t)>& fn) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  Status first;
  auto run = [&] {
    for (size_t i; !failed.load() && (i = next.fetch_add(1)) < n;) {
      Status st = fn(i);
      if (st.ok()) continue;
      std::lock_guard<std::mutex> l(mu);
      if (!failed.exchange(true)) first = st;
    }
  };
  const size_t threads = workers <= 1 ? 0 : std::min<size_t>(size_t(workers), n);
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t) pool.emplace_back(run);
  if (threads == 0) run();
  for (auto& t : pool) t.join();
  return first;
}

}  // namespace skald::backup
