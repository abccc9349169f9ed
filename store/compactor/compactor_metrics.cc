// Registration of the compactor metrics; the first Get() registers, later calls reuse.
#include "store/compactor/compactor_metrics.h"

namespace skald::compactor {

CompactorMetrics& CompactorMetrics::Get() {
  static CompactorMetrics* m = [] {
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
    };
  }();
  return *m;
}

}  // namespace skald::compactor
