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

#include "common/metrics.h"
#include "common/status.h"
#include "store/shipper/periodic_loop.h"
#include "store/objstore/object_store.h"
#include "store/retention/retention_policy.h"

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
};

struct BucketCompactStats {
  int64_t days_compacted = 0, index_objects_merged = 0, chunks_expired = 0;
  int64_t chunk_objects_deleted = 0, bytes_deleted = 0;
};

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
  Status CompactDay(const std::string& day, const std::vector<std::string>& keys, int64_t now,
                    std::set<std::string>* live_files, BucketCompactStats* s);
  Status SweepChunks(const std::set<std::string>& live_files, int64_t now, BucketCompactStats* s);

  IndexCompactorOptions o_;
  std::mutex run_mu_;
  PeriodicLoop loop_;
  // Chunk objects seen unreferenced, and since when (a restart starts their delay again). run_mu_
  std::map<std::string, int64_t> unreferenced_since_;
  metrics::Counter* merged_ = nullptr;
  metrics::Counter* deleted_ = nullptr;
  metrics::Counter* failures_ = nullptr;
};

}  // namespace skald::shipper
