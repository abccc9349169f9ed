// The ingester's Prometheus metrics (Loki's names where Loki has one), registered once in the
// default registry and shared by every Ingester in the process.
#pragma once

#include "common/metrics.h"

namespace skald::head {

struct IngesterMetrics {
  metrics::Counter& wal_records;
  metrics::Counter& wal_bytes;
  metrics::Counter& wal_corruptions;
  metrics::Counter& replayed_entries;
  metrics::CounterVec& chunks_flushed;      // {reason}
  metrics::Counter& chunk_bytes;
  metrics::Counter& flush_failures;
  metrics::Counter& duplicates;
  metrics::Counter& backpressure_waits;
  metrics::Gauge& memory_streams;
  metrics::Gauge& head_bytes;
  metrics::GaugeVec& write_blocked;         // {reason}: 1 while pushes are refused for it
  metrics::CounterVec& pushes_refused;      // {reason}

  static IngesterMetrics& Get();
};

}  // namespace skald::head
