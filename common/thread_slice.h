// Short scheduler slices for the threads a push waits on (HTTP I/O, request workers, the WAL
// writer), so that they preempt busy query threads on wake-up instead of waiting out their slice.
#pragma once

namespace skald {

// Asks Linux (6.12+, EEVDF) for the shortest time slice (0.1 ms) for the calling thread, keeping
// its policy and nice value. A thread with a shorter slice than the running one may preempt it at
// wake-up; with the default slice (1.4 ms on 2 CPUs) a woken push thread waited for a nice-10 query
// thread's slice to end. Returns false where the kernel has no custom slices (nothing changes).
bool RequestShortSlice();

// The calling thread's slice in nanoseconds (the default one unless it asked), or 0 where the
// kernel does not say (tests).
unsigned long long CurrentSliceNs();

}  // namespace skald
