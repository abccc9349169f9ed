// RequestShortSlice: sched_setattr with sched_runtime on SCHED_OTHER (see thread_slice.h).
#include "common/thread_slice.h"

#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

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

}  // namespace

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
