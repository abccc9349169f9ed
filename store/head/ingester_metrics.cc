// Registration of the ingester metrics (names, labels and buckets as Loki's ingester); the first
// Get() registers, later calls reuse.
#include "store/head/ingester_metrics.h"

#include <map>
#include <memory>
#include <mutex>

namespace skald::head {
namespace {

std::vector<double> Linear(double start, double width, int count) {
  std::vector<double> b;
  for (int i = 0; i < count; ++i) b.push_back(start + width * i);
  return b;
}

IngesterMetrics* Register() {
  auto& r = metrics::Registry::Default();
  using metrics::ExponentialBuckets;
  auto* m = new IngesterMetrics{
      r.NewCounter("loki_ingester_wal_records_logged_total", "Total number of WAL records logged."),
      r.NewCounter("loki_ingester_wal_logged_bytes_total", "Total number of bytes written to disk for WAL records."),
      r.NewCounterVec("loki_ingester_wal_corruptions_total",
                      "Damaged WAL segments found on replay (the damaged tail is dropped).", {"type"}),
      r.NewCounter("loki_ingester_wal_recovered_entries_total", "Entries restored from the WAL at start-up."),
      r.NewCounter("loki_ingester_wal_recovered_bytes_total", "Line bytes restored from the WAL at start-up."),
      r.NewGauge("loki_ingester_wal_replay_active", "1 while the WAL is being replayed."),
      r.NewGauge("loki_ingester_wal_replay_duration_seconds", "Time taken by the last WAL replay."),
      r.NewCounterVec("loki_ingester_chunks_flushed_total", "Total flushed chunks per reason.", {"reason"}),
      r.NewCounterVec("loki_ingester_chunks_stored_total", "Total stored chunks per tenant.", {"tenant"}),
      r.NewCounterVec("loki_ingester_chunk_stored_bytes_total", "Total bytes stored in chunks per tenant.",
                      {"tenant"}),
      r.NewCounter("loki_ingester_chunks_flush_requests_total", "Flush passes that had chunks to write."),
      r.NewCounter("skald_ingester_flush_failures_total", "Flushes that failed and were retried."),
      r.NewCounter("skald_ingester_duplicate_entries_total", "Exact duplicate entries dropped."),
      r.NewCounter("skald_ingester_backpressure_waits_total", "Pushes delayed because heads exceeded memory."),
      r.NewGaugeVec("loki_ingester_memory_streams", "Streams holding unflushed entries in memory.", {"tenant"}),
      r.NewCounterVec("loki_ingester_streams_created_total",
                      "Streams that started holding entries in memory (new, or again after a flush emptied them).",
                      {"tenant"}),
      r.NewCounterVec("loki_ingester_streams_removed_total",
                      "Streams whose in-memory entries were all flushed.", {"tenant"}),
      r.NewGauge("loki_ingester_memory_chunks", "Open or flushing chunks held in memory."),
      r.NewGauge("loki_ingester_flush_queue_length", "Streams in the flush pass under way."),
      r.NewHistogram("loki_ingester_chunk_size_bytes", "Distribution of stored chunk sizes (when stored).",
                     ExponentialBuckets(20000, 2, 10)),
      r.NewHistogram("loki_ingester_chunk_utilization",
                     "Distribution of stored chunk utilization (stored size / chunk_target_size).",
                     Linear(0, 0.2, 6)),
      r.NewHistogram("loki_ingester_chunk_entries", "Distribution of stored lines per chunk (when stored).",
                     ExponentialBuckets(200, 2, 9)),
      r.NewHistogram("loki_ingester_chunk_age_seconds",
                     "Distribution of chunk ages (now minus first entry timestamp, when stored).",
                     {60, 300, 600, 1800, 3600, 7200, 14400, 36000, 43200, 57600}),
      r.NewHistogram("loki_ingester_chunk_bounds_hours", "Distribution of chunk end-start durations.",
                     Linear(1, 1, 8)),
      r.NewGauge("skald_ingester_head_bytes", "Bytes held in head blocks and unflushed blocks."),
      r.NewGaugeVec("skald_store_write_blocked",
                    "1 while pushes are refused because the WAL, chunk flushes or free disk space fail.", {"reason"}),
      r.NewCounterVec("skald_store_pushes_refused_total", "Pushes answered 503 because writes are blocked.",
                      {"reason"}),
  };
  for (const char* reason : {"wal", "flush", "disk_space"}) m->write_blocked.WithLabelValues({reason}).Set(0);
  // Loki 2.9 exports the flush queue under its Cortex-era name (3.x: loki_ingester_...); the 2.9
  // mixin's "Queue Length" panel reads that one.
  metrics::Gauge* queue = &m->flush_queue_length;
  r.NewGaugeFunc("cortex_ingester_flush_queue_length", "Streams in the flush pass under way (Loki 2.9's name).",
                 [queue] { return queue->Value(); });
  return m;
}

}  // namespace

IngesterMetrics& IngesterMetrics::Get() {
  static IngesterMetrics* m = Register();
  return *m;
}

TenantIngesterMetrics* IngesterMetrics::ForTenant(const std::string& tenant) {
  static std::mutex mu;
  static auto* by_tenant = new std::map<std::string, std::unique_ptr<TenantIngesterMetrics>>();
  std::lock_guard<std::mutex> lk(mu);
  auto& slot = (*by_tenant)[tenant];
  if (!slot) {
    IngesterMetrics& m = Get();
    slot.reset(new TenantIngesterMetrics{m.memory_streams.WithLabelValues({tenant}),
                                         m.streams_created.WithLabelValues({tenant}),
                                         m.streams_removed.WithLabelValues({tenant}),
                                         m.chunks_stored.WithLabelValues({tenant}),
                                         m.chunk_bytes.WithLabelValues({tenant})});
  }
  return slot.get();
}

}  // namespace skald::head
