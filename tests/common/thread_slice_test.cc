// The ingest priority a push thread asks for (server.ingest_cpu_priority) and NormalPriorityScope,
// which takes a real-time thread back to the normal policy around work a caller can ask for.
#include <catch.hpp>

#include <sched.h>

#include <thread>

#include "common/thread_slice.h"

using namespace skald;

namespace {

struct Policy {
  int policy = -1, priority = -1;
};

Policy Current() {
  Policy p;
  sched_param sp{};
  p.policy = sched_getscheduler(0) & ~SCHED_RESET_ON_FORK;
  if (sched_getparam(0, &sp) == 0) p.priority = sp.sched_priority;
  return p;
}

// Runs f on a fresh thread (scheduling attributes are per thread) with the ingest priority set.
template <typename F>
void OnThread(IngestPriority ip, F f) {
  SetIngestPriority(ip);
  std::thread(f).join();
  SetIngestPriority(IngestPriority::kLatency);
}

bool RealtimeAllowed() {
  bool ok = false;
  std::thread([&] {
    sched_param sp{};
    sp.sched_priority = 1;
    ok = sched_setscheduler(0, SCHED_RR, &sp) == 0;
  }).join();
  return ok;
}

}  // namespace

TEST_CASE("ingest priority latency: threads keep the normal policy, the scope does nothing") {
  OnThread(IngestPriority::kLatency, [] {
    CHECK_FALSE(RequestIngestPriority(2));
    CHECK(Current().policy == SCHED_OTHER);
    {
      NormalPriorityScope scope;
      CHECK(Current().policy == SCHED_OTHER);
    }
    CHECK(Current().policy == SCHED_OTHER);
  });
}

TEST_CASE("ingest priority realtime: SCHED_RR at the asked level, normal inside NormalPriorityScope") {
  if (!RealtimeAllowed()) {
    WARN("SCHED_RR not allowed here (no CAP_SYS_NICE, rtprio limit 0): skipped");
    return;
  }
  OnThread(IngestPriority::kRealtime, [] {
    REQUIRE(RequestIngestPriority(2));
    const Policy rt = Current();
    CHECK(rt.policy == SCHED_RR);
    CHECK(rt.priority >= 1);   // 2 with CAP_SYS_NICE, 1 under an rtprio limit of 1
    {
      NormalPriorityScope scope;
      CHECK(Current().policy == SCHED_OTHER);
      std::thread([] { CHECK(Current().policy == SCHED_OTHER); }).join();
    }
    CHECK(Current().policy == SCHED_RR);
    CHECK(Current().priority == rt.priority);
    // Threads it starts are normal (SCHED_RESET_ON_FORK).
    std::thread([] { CHECK(Current().policy == SCHED_OTHER); }).join();
  });
}
