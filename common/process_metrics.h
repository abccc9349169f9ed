// The Prometheus client's standard process_* metrics (CPU, memory, file descriptors, start time) read
// from /proc at scrape time, and the Go-runtime heap gauge Loki's dashboards chart, from malloc.
#pragma once

#include "common/metrics.h"

namespace skald::metrics {

// Registers process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_virtual_memory_max_bytes, process_open_fds, process_max_fds, process_start_time_seconds
// and go_memstats_heap_inuse_bytes (malloc's bytes in use: the nearest C++ meaning). Idempotent.
void RegisterProcessMetrics(Registry& registry);

}  // namespace skald::metrics
