// Registration of the ingester metrics; the first Get() registers, later calls reuse.
#include "store/head/ingester_metrics.h"

namespace skald::head {

IngesterMetrics& IngesterMetrics::Get() {
  static IngesterMetrics* m = [] {
    auto& r = metrics::Registry::Default();
    auto* m = new IngesterMetrics{
        r.NewCounter("loki_ingester_wal_records_logged_total", "WAL records written."),
        r.NewCounter("loki_ingester_wal_logged_bytes_total", "WAL payload bytes written."),
        r.NewCounter("loki_ingester_wal_corruptions_total", "Damaged WAL segments found on replay (tail truncated)."),
        r.NewCounter("loki_ingester_wal_replay_entries_total", "Entries restored from the WAL at start-up."),
        r.NewCounterVec("loki_ingester_chunks_flushed_total", "Chunks flushed, by reason.", {"reason"}),
        r.NewCounter("loki_ingester_chunk_stored_bytes_total", "Bytes of chunks written to chunk files."),
        r.NewCounter("skald_ingester_flush_failures_total", "Flushes that failed and were retried."),
        r.NewCounter("skald_ingester_duplicate_entries_total", "Exact duplicate entries dropped."),
        r.NewCounter("skald_ingester_backpressure_waits_total", "Pushes delayed because heads exceeded memory."),
        r.NewGauge("loki_ingester_memory_streams", "Streams known to the ingester."),
        r.NewGauge("skald_ingester_head_bytes", "Bytes held in head blocks and unflushed blocks."),
        r.NewGaugeVec("skald_store_write_blocked",
                      "1 while pushes are refused because the WAL, chunk flushes or free disk space fail.",
                      {"reason"}),
        r.NewCounterVec("skald_store_pushes_refused_total", "Pushes answered 503 because writes are blocked.",
                        {"reason"}),
    };
    for (const char* reason : {"wal", "flush", "disk_space"}) m->write_blocked.WithLabelValues({reason}).Set(0);
    return m;
  }();
  return *m;
}

}  // namespace skald::head
