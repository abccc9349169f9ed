// RequestShortSlice: sched_setattr with sched_runtime on SCHED_OTHER; RequestIngestPriority:
// SCHED_RR when configured (see thread_slice.h).
#include "common/thread_slice.h"

#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "common/logger.h"

namespace skald {
namespace {

// The kernel's struct sched_attr (glibc 2.36 does not declare it).
struct SchedAttr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime, sched_deadline, sched_period;
  uint32_t sched_util_min, sched_util_max;
};

constexpr uint64_t kShortSliceNs = 100000;   // the kernel's minimum (0.1 ms)

bool GetAttr(SchedAttr* a) {
  std::memset(a, 0, sizeof(*a));
  return syscall(SYS_sched_getattr, 0, a, sizeof(*a), 0) == 0;
}

std::atomic<IngestPriority> ingest_priority{IngestPriority::kLatency};
std::atomic<bool> realtime_refusal_logged{false};

}  // namespace

void SetIngestPriority(IngestPriority p) { ingest_priority.store(p); }

bool RequestIngestPriority(int rt_priority) {
  if (ingest_priority.load() == IngestPriority::kRealtime) {
    sched_param sp{};
    // RESET_ON_FORK: a thread a handler starts gets the normal policy back.
    for (sp.sched_priority = rt_priority; sp.sched_priority >= 1; --sp.sched_priority)
      if (sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &sp) == 0) return true;
    const int err = errno;
    if (!realtime_refusal_logged.exchange(true)) {
      SKALD_LOG(warn,
                "server.ingest_cpu_priority: realtime refused by the kernel; push threads keep the normal "
                "policy (allow an rtprio of 2: docker --ulimit rtprio=2, compose ulimits: rtprio: 2, "
                "systemd LimitRTPRIO=2, ulimit -r 2; or an effective CAP_SYS_NICE)",
                {{"err", std::strerror(err)}});
    }
  }
  (void)RequestShortSlice();
  return false;
}

NormalPriorityScope::NormalPriorityScope() {
  sched_param sp{};
  if ((sched_getscheduler(0) & ~SCHED_RESET_ON_FORK) != SCHED_RR || sched_getparam(0, &sp) != 0) return;
  sched_param normal{};
  if (sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &normal) != 0) return;
  rt_priority_ = sp.sched_priority;
  (void)RequestShortSlice();
}

NormalPriorityScope::~NormalPriorityScope() {
  if (rt_priority_ == 0) return;
  sched_param sp{};
  sp.sched_priority = rt_priority_;
  (void)sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &sp);   // allowed: it held it before
}

bool RequestShortSlice() {
  SchedAttr a;
  if (!GetAttr(&a) || (a.sched_policy != SCHED_OTHER && a.sched_policy != SCHED_BATCH)) return false;
  a.size = sizeof(a);
  a.sched_flags = 0;   // keep nice (sched_nice carries the current value) and policy
  a.sched_runtime = kShortSliceNs;
  if (syscall(SYS_sched_setattr, 0, &a, 0) != 0) return false;
  return CurrentSliceNs() == kShortSliceNs;
}

unsigned long long CurrentSliceNs() {
  SchedAttr a;
  if (!GetAttr(&a) || (a.sched_policy != SCHED_OTHER && a.sched_policy != SCHED_BATCH)) return 0;
  return a.sched_runtime;
}

}  // namespace skald
