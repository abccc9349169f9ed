// The compactor's Prometheus metrics (skald_compactor_*), registered once in the default registry.
#pragma once

#include "common/metrics.h"

namespace skald::compactor {

struct CompactorMetrics {
  metrics::CounterVec& runs;               // {result}
  metrics::Counter& expired_chunks;
  metrics::Counter& delete_requests;
  metrics::Gauge& delete_requests_filter_only;   // due, kept by deletion_mode (never removed from disk)
  metrics::Counter& deleted_lines;
  metrics::Counter& days_compacted;
  metrics::Counter& chunks_rewritten;
  metrics::Counter& files_marked;
  metrics::Counter& files_deleted;
  metrics::Counter& bytes_reclaimed;
  metrics::Gauge& last_success;

  static CompactorMetrics& Get();
};

}  // namespace skald::compactor
