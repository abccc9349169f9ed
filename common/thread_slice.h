// What the threads a push waits on (HTTP I/O, the push workers, the WAL writer) ask of the
// scheduler: a short slice, so that they preempt busy query threads on wake-up instead of waiting
// out their slice, or (server.ingest_cpu_priority: realtime) a real-time policy.
#pragma once

namespace skald {

// server.ingest_cpu_priority. kRealtime: SCHED_RR priority 1, which any normal thread (a query)
// yields to at once; it needs CAP_SYS_NICE or an RLIMIT_RTPRIO of at least 1. Threads started by
// a real-time thread get the normal policy (SCHED_RESET_ON_FORK).
enum class IngestPriority { kLatency, kRealtime };

// Process-wide; set once at start, before the threads that apply it exist.
void SetIngestPriority(IngestPriority p);

// Applies the process's ingest priority to the calling thread. kRealtime falls back to the short
// slice when the kernel refuses it (logged once per process, naming how to allow it). Returns
// true when the thread runs real-time. `rt_priority` 2 is for the threads every push passes
// through (network, WAL writer), so that they preempt busy push workers (priority 1); where the
// rtprio limit is 1 they get 1.
bool RequestIngestPriority(int rt_priority = 1);

// Drops a real-time calling thread to the normal policy (short slice) for the scope, e.g. around
// a bcrypt check a push's credentials need: CPU work an unauthenticated caller can ask for must
// not run real-time. Does nothing on a normal thread.
class NormalPriorityScope {
 public:
  NormalPriorityScope();
  ~NormalPriorityScope();
  NormalPriorityScope(const NormalPriorityScope&) = delete;
  NormalPriorityScope& operator=(const NormalPriorityScope&) = delete;

 private:
  int rt_priority_ = 0;   // the priority to restore; 0: the thread was not real-time
};

// Asks Linux (6.12+, EEVDF) for the shortest time slice (0.1 ms) for the calling thread, keeping
// its policy and nice value. A thread with a shorter slice than the running one may preempt it at
// wake-up; with the default slice (1.4 ms on 2 CPUs) a woken push thread waited for a nice-10 query
// thread's slice to end. Returns false where the kernel has no custom slices (nothing changes).
bool RequestShortSlice();

// The calling thread's slice in nanoseconds (the default one unless it asked), or 0 where the
// kernel does not say (tests).
unsigned long long CurrentSliceNs();

}  // namespace skald
