// The compactor's Prometheus metrics: Loki's compactor, retention and deletion families (same names,
// labels and buckets) beside the Skald-only skald_compactor_*; registered once in the default registry.
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

  // Loki's: a compactor pass is its "compact tables" operation; the retention and delete phases
  // its "apply retention"; a Skald day (index_<unix day>) its table; a chunk file its swept chunk.
  metrics::Gauge& running;
  metrics::CounterVec& compact_ops;        // {status}
  metrics::Gauge& compact_duration;
  metrics::Gauge& compact_last_success;
  metrics::CounterVec& retention_ops;      // {status}
  metrics::Gauge& retention_duration;
  metrics::Gauge& retention_last_success;
  metrics::CounterVec& marker_count;       // {table}
  metrics::CounterVec& table_processed;    // {table, user_id, action}
  metrics::HistogramVec& table_duration;   // {table, status}
  metrics::HistogramVec& sweep_duration;   // {status}
  metrics::Gauge& marker_files;
  metrics::Gauge& marker_processing_time;
  metrics::Counter& marker_files_deleted;
  metrics::CounterVec& deletes_received;   // {user}
  metrics::CounterVec& deletes_processed;  // {user}
  metrics::CounterVec& deleted_lines_user; // {user}
  metrics::Gauge& pending_deletes;
  metrics::Gauge& oldest_pending_age;
  metrics::CounterVec& load_pending;       // {status}: success | fail

  static CompactorMetrics& Get();
};

}  // namespace skald::compactor
