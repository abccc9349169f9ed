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

using namespace skald::http;
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
