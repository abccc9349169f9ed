// Registration of the compactor metrics; the first Get() registers, later calls reuse. Loki's help
// texts are paraphrased; buckets are Loki's.
#include "store/compactor/compactor_metrics.h"

namespace skald::compactor {
namespace {

CompactorMetrics* Register() {
  auto& r = metrics::Registry::Default();
  return new CompactorMetrics{
      r.NewCounterVec("skald_compactor_runs_total", "Compactor passes, by result.", {"result"}),
      r.NewCounter("skald_compactor_expired_chunks_total", "Chunks removed from the index by retention."),
      r.NewCounter("skald_compactor_delete_requests_processed_total", "Delete requests applied to chunks."),
      r.NewGauge("skald_compactor_delete_requests_filter_only",
                 "Due delete requests left on disk because their tenant's deletion_mode is not "
                 "filter-and-delete (queries still filter them unless disabled)."),
      r.NewCounter("skald_compactor_deleted_lines_total", "Lines physically removed by delete requests."),
      r.NewCounter("skald_compactor_days_compacted_total", "Tenant-days rewritten by compaction."),
      r.NewCounter("skald_compactor_chunks_rewritten_total", "Chunks written by compaction and deletion."),
      r.NewCounter("skald_compactor_files_marked_total", "Chunk files found dead and marked for deletion."),
      r.NewCounter("skald_compactor_files_deleted_total", "Chunk files deleted after retention_delete_delay."),
      r.NewCounter("skald_compactor_bytes_reclaimed_total", "Bytes of chunk files deleted."),
      r.NewGauge("skald_compactor_last_successful_run_timestamp_seconds", "End of the last successful pass."),
      r.NewGauge("loki_boltdb_shipper_compactor_running", "1 while the compactor runs in this process."),
      r.NewCounterVec("loki_boltdb_shipper_compact_tables_operation_total", "Compactor passes by status.",
                      {"status"}),
      r.NewGauge("loki_boltdb_shipper_compact_tables_operation_duration_seconds",
                 "Seconds the last compactor pass took."),
      r.NewGauge("loki_boltdb_shipper_compact_tables_operation_last_successful_run_timestamp_seconds",
                 "Unix time of the end of the last successful compactor pass."),
      r.NewCounterVec("loki_compactor_apply_retention_operation_total",
                      "Retention and delete phases run, by status.", {"status"}),
      r.NewGauge("loki_compactor_apply_retention_operation_duration_seconds",
                 "Seconds the last retention and delete phases took."),
      r.NewGauge("loki_compactor_apply_retention_last_successful_run_timestamp_seconds",
                 "Unix time of the last successful retention run."),
      r.NewCounterVec("loki_boltdb_shipper_retention_marker_count_total",
                      "Chunks marked (removed from the index) by retention, per day table.", {"table"}),
      r.NewCounterVec("loki_boltdb_shipper_retention_marker_table_processed_total",
                      "Day tables that retention changed, per tenant and action.", {"table", "user_id", "action"}),
      r.NewHistogramVec("loki_boltdb_shipper_retention_marker_table_processed_duration_seconds",
                        "Seconds the retention marking took for the tables it changed.", {"table", "status"},
                        {1, 2.5, 5, 10, 20, 40, 90, 360, 600, 1800}),
      r.NewHistogramVec("loki_boltdb_shipper_retention_sweeper_chunk_deleted_duration_seconds",
                        "Seconds taken to delete a dead chunk file, by status.", {"status"},
                        metrics::ExponentialBuckets(0.1, 2, 8)),
      r.NewGauge("loki_boltdb_shipper_retention_sweeper_marker_files_current",
                 "Chunk files marked dead and waiting for retention_delete_delay."),
      r.NewGauge("loki_boltdb_shipper_retention_sweeper_marker_file_processing_current_time",
                 "Unix time at which the oldest file being swept was marked."),
      r.NewCounter("loki_boltdb_shipper_retention_sweeper_marker_files_deleted_total",
                   "Marks removed after their chunk file was deleted."),
      r.NewCounterVec("loki_compactor_delete_requests_received_total", "Delete requests received per user.",
                      {"user"}),
      r.NewCounterVec("loki_compactor_delete_requests_processed_total", "Delete requests processed per user.",
                      {"user"}),
      r.NewCounterVec("loki_compactor_deleted_lines", "Lines deleted by delete requests per user.", {"user"}),
      r.NewGauge("loki_compactor_pending_delete_requests_count",
                 "Delete requests past their cancellation period and not processed yet."),
      r.NewGauge("loki_compactor_oldest_pending_delete_request_age_seconds",
                 "Seconds since the oldest pending delete request passed its cancellation period."),
      r.NewCounterVec("loki_compactor_load_pending_requests_attempts_total",
                      "Attempts to load pending delete requests, by status.", {"status"}),
  };
}

}  // namespace

CompactorMetrics& CompactorMetrics::Get() {
  static CompactorMetrics* m = [] {
    CompactorMetrics* m = Register();
    // Both outcomes exist from the start (at 0), so "failures / hour" panels read 0, not nothing.
    for (const char* s : {"success", "failure"}) {
      m->compact_ops.WithLabelValues({s});
      m->retention_ops.WithLabelValues({s});
    }
    for (const char* s : {"success", "fail"}) m->load_pending.WithLabelValues({s});
    return m;
  }();
  return *m;
}

}  // namespace skald::compactor
