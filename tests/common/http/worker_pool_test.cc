// WorkerPool: tasks run on its threads, the queue bound refuses the excess, Stop drops the queued.
#include <catch.hpp>

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "common/http/worker_pool.h"
#include "common/thread_slice.h"

using namespace skald::http;
using skald::CurrentSliceNs;
using skald::RequestShortSlice;
using namespace std::chrono_literals;

TEST_CASE("worker pool: bounded queue, busy count, stop drops queued tasks") {
  std::atomic<bool> release{false};
  std::atomic<int> done{0};
  WorkerPool pool("test", 1, 2);
  auto task = [&] {
    while (!release.load()) std::this_thread::sleep_for(1ms);
    ++done;
  };
  REQUIRE(pool.Submit(task));
  while (pool.busy() == 0) std::this_thread::sleep_for(1ms);
  CHECK(pool.Submit(task));
  CHECK(pool.Submit(task));
  CHECK_FALSE(pool.Submit(task));  // one runs, two wait: full
  CHECK(pool.queued() == 2);
  release = true;
  while (done.load() < 3) std::this_thread::sleep_for(1ms);
  release = false;
  REQUIRE(pool.Submit(task));
  while (pool.busy() == 0) std::this_thread::sleep_for(1ms);
  REQUIRE(pool.Submit(task));
  std::thread stopper([&] { pool.Stop(); });
  std::this_thread::sleep_for(20ms);
  release = true;
  stopper.join();
  CHECK(done.load() == 4);  // the queued fifth never ran
  CHECK_FALSE(pool.Submit(task));
}

TEST_CASE("worker pool: CPU priority applies to its threads and the threads they start") {
  struct Seen { int policy, nice, child_policy; };
  auto seen = [](CpuPriority p) {
    WorkerPool pool("prio", 1, 4, p);
    std::promise<Seen> got;
    REQUIRE(pool.Submit([&got] {
      Seen s{sched_getscheduler(0), getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())), -1};
      std::thread([&s] { s.child_policy = sched_getscheduler(0); }).join();   // the engine's workers
      got.set_value(s);
    }));
    return got.get_future().get();
  };
  Seen idle = seen(CpuPriority::kIdle), low = seen(CpuPriority::kLow), normal = seen(CpuPriority::kNormal);
  CHECK(idle.policy == SCHED_IDLE);
  CHECK(idle.child_policy == SCHED_IDLE);
  CHECK(low.policy == SCHED_OTHER);
  CHECK(low.nice == 10);
  CHECK(normal.policy == SCHED_OTHER);
  CHECK(normal.nice == getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())));
}

TEST_CASE("worker pool: kLatency threads run with the shortest scheduler slice") {
  unsigned long long supported = 0;
  std::thread([&supported] { supported = RequestShortSlice() ? CurrentSliceNs() : 0; }).join();
  if (supported == 0) {
    WARN("this kernel has no custom scheduler slices (Linux < 6.12): nothing to check");
    return;
  }
  CHECK(supported == 100000);
  auto slice = [](CpuPriority p) {
    WorkerPool pool("slice", 1, 4, p);
    std::promise<unsigned long long> got;
    REQUIRE(pool.Submit([&got] { got.set_value(CurrentSliceNs()); }));
    return got.get_future().get();
  };
  CHECK(slice(CpuPriority::kLatency) == 100000);
  CHECK(CurrentSliceNs() > 100000);               // a thread that did not ask keeps the default
  CHECK(slice(CpuPriority::kLow) == CurrentSliceNs());   // and so do the query threads
}
