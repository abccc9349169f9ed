// The ingester's Prometheus metrics (Loki's names where Loki has one), registered once in the
// default registry and shared by every Ingester in the process.
#pragma once

#include <string>

#include "common/metrics.h"

namespace skald::head {

// One tenant's children of the {tenant} families; looked up once per stream, not per line.
struct TenantIngesterMetrics {
  metrics::Gauge& memory_streams;    // streams holding unflushed entries
  metrics::Counter& streams_created;
  metrics::Counter& streams_removed;
  metrics::Counter& chunks_stored;
  metrics::Counter& chunk_bytes;
};

struct IngesterMetrics {
  metrics::Counter& wal_records;
  metrics::Counter& wal_bytes;
  metrics::CounterVec& wal_corruptions;     // {type}
  metrics::Counter& replayed_entries;
  metrics::Counter& replayed_bytes;
  metrics::Gauge& replay_active;
  metrics::Gauge& replay_duration;
  metrics::CounterVec& chunks_flushed;      // {reason}
  metrics::CounterVec& chunks_stored;       // {tenant}
  metrics::CounterVec& chunk_bytes;         // {tenant}
  metrics::Counter& flush_requests;
  metrics::Counter& flush_failures;
  metrics::Counter& duplicates;
  metrics::Counter& backpressure_waits;
  metrics::GaugeVec& memory_streams;        // {tenant}
  metrics::CounterVec& streams_created;     // {tenant}
  metrics::CounterVec& streams_removed;     // {tenant}
  metrics::Gauge& memory_chunks;
  metrics::Gauge& flush_queue_length;
  metrics::Histogram& chunk_size;
  metrics::Histogram& chunk_utilization;
  metrics::Histogram& chunk_entries;
  metrics::Histogram& chunk_age;
  metrics::Histogram& chunk_bounds;
  metrics::Gauge& head_bytes;
  metrics::GaugeVec& write_blocked;         // {reason}: 1 while pushes are refused for it
  metrics::CounterVec& pushes_refused;      // {reason}

  static IngesterMetrics& Get();
  // Stable for the process' lifetime. Thread-safe.
  static TenantIngesterMetrics* ForTenant(const std::string& tenant);
};

}  // namespace skald::head
