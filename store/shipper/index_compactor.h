// IndexCompactor: the backend's work on the bucket. Per day it merges the nodes' index objects
// into one compacted object, drops chunk rows past retention, and deletes chunk objects no index
// object points into once they are older than the delete delay (store/shipper/FORMAT.md).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/labels.h"
#include "common/metrics.h"
#include "common/status.h"
#include "store/shipper/periodic_loop.h"
#include "store/objstore/object_store.h"
#include "store/retention/delete_requests.h"
#include "store/retention/retention_policy.h"
#include "store/shipper/bucket_delete_rewrite.h"
#include "store/shipper/index_file.h"

namespace skald::shipper {

struct IndexCompactorOptions {
  objstore::ObjectStore* bucket = nullptr;
  std::string scratch_dir;                              // downloads and the merged file
  // Retention; null or returning null = keep everything.
  std::function<std::shared_ptr<const retention::RetentionPolicy>()> policy;
  int64_t delete_delay_ns = 2LL * 3600 * 1000000000;    // compactor.retention_delete_delay
  // Floor under that delay: a write node uploads a segment, then (seconds later) its index object;
  // the store sets 2 × upload_interval + 10s so a short configured delay cannot race it.
  int64_t min_delete_delay_ns = 0;
  int64_t interval_ns = 10LL * 60 * 1000000000;         // compactor.compaction_interval
  std::function<int64_t()> now_ns;                      // null = system clock
  metrics::Registry* registry = nullptr;

  // Delete requests (kept equal to the bucket's by BucketDeletes). With `deletes` and
  // `rewrite.files` set, requests of filter-and-delete tenants past their cancel period are applied
  // to the chunk objects at merge time and then marked processed (store/shipper/FORMAT.md).
  retention::DeleteRequests* deletes = nullptr;
  int64_t cancel_period_ns = 24LL * 3600 * 1000000000;
  std::function<retention::DeletionMode(const std::string& tenant)> mode;   // null = filter-and-delete
  DeleteRewriteOptions rewrite;                         // bucket and scratch_dir are set by Open
  // A node that also indexes what it shipped (target all): told of every moved chunk row once the
  // new chunk objects are uploaded and before the day's merged index is (a kill in between leaves
  // its rows on live objects, never on swept ones); its files are never swept while its index
  // points into them.
  std::function<Status(const std::vector<ChunkMove>&)> on_moved;
  std::function<Result<std::set<std::string>>()> local_files;
};

struct BucketCompactStats {
  int64_t days_compacted = 0, index_objects_merged = 0, chunks_expired = 0;
  int64_t chunk_objects_deleted = 0, bytes_deleted = 0;
  int64_t deletes_processed = 0, chunks_rewritten = 0, lines_deleted = 0;
  int64_t objects_deferred = 0;   // too fresh to apply deletes to this pass (due requests wait)
};

// A request's entry in a compacted index object's deletes_applied: "<escaped tenant>/<id>" (ids
// are unique per tenant only).
std::string AppliedKey(const retention::DeleteRequest& r);

// The requests the backend applies to the bucket at `now`: processed ones (for data shipped since),
// and received ones past their cancel period, of tenants whose deletion_mode is filter-and-delete.
std::vector<retention::DeleteRequest> RequestsToApply(
    const retention::DeleteRequests& d, int64_t now, int64_t cancel_period_ns,
    const std::function<retention::DeletionMode(const std::string&)>& mode);

class IndexCompactor {
 public:
  static Result<std::unique_ptr<IndexCompactor>> Open(IndexCompactorOptions o);
  ~IndexCompactor();
  void Start();
  void Stop();
  Result<BucketCompactStats> RunOnce();

 private:
  explicit IndexCompactor(IndexCompactorOptions o);
  void Pass();   // one loop pass: logs what fails
  struct Plan {                                          // delete requests of one pass
    std::vector<retention::DeleteRequest> apply;
    std::vector<retention::DeleteRequest> due;            // received: marked processed after the pass
  };
  struct Deferred {                                     // a stream's rows in an index object not merged yet
    std::string tenant;
    LabelSet labels;
    int64_t min_ts = INT64_MAX, max_ts = INT64_MIN;
  };
  struct DayInput {                                      // a day's index objects merged this pass
    std::vector<std::string> keys;
    std::map<std::string, IndexFileContents> loaded;
    std::set<std::string> replaced;                       // named in a loaded object's sources
  };
  struct Merged {
    IndexFileContents out;
    std::vector<std::vector<retention::CompiledDelete>> groups;   // delete requests still to apply
    std::vector<int> group_of_row;                        // per out.chunks row; -1 = none
    int64_t expired = 0;
  };
  Status CompactDay(const std::string& day, const std::vector<objstore::ObjectInfo>& objs, int64_t now,
                    const Plan& plan, std::set<std::string>* live_files, std::vector<Deferred>* deferred,
                    BucketCompactStats* s);
  Status LoadDay(const std::vector<objstore::ObjectInfo>& objs, int64_t now, bool deleting, DayInput* in,
                 std::set<std::string>* live_files, std::vector<Deferred>* deferred, BucketCompactStats* s);
  Status MergeDay(const DayInput& in, int64_t now, const Plan& plan, Merged* m);
  Plan PlanDeletes(int64_t now);
  int PendingGroup(const Plan& plan, const std::vector<std::string>& applied, std::map<std::string, int>* group_of,
                   std::vector<std::vector<retention::CompiledDelete>>* groups);
  Status FinishDeletes(const Plan& plan, const std::vector<Deferred>& deferred, BucketCompactStats* s);
  Status SweepChunks(const std::set<std::string>& live_files, int64_t now, BucketCompactStats* s);

  IndexCompactorOptions o_;
  std::mutex run_mu_;
  PeriodicLoop loop_;
  // Chunk objects seen unreferenced, and since when (a restart starts their delay again). run_mu_
  std::map<std::string, int64_t> unreferenced_since_;
  metrics::Counter* merged_ = nullptr;
  metrics::Counter* deleted_ = nullptr;
  metrics::Counter* failures_ = nullptr;
  metrics::Counter* invalid_requests_ = nullptr;
  metrics::Counter* held_back_ = nullptr;
};

}  // namespace skald::shipper
